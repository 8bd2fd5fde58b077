#include "internal.h"

/* Read-only views (customer views handed to plugins).
 *
 * A view is a proxy table holding, under light-userdata keys no script can make, only the
 * data table it reads, its path in messages ("value.rfm.") and the proxies of the tables
 * inside it. All views share one metatable (made once per state):
 *   { __index = view_index, __newindex = view_newindex, __len = view_len,
 *     __pairs = view_pairs, __metatable = false }
 * Every read goes to the data (whose own metatable still decides absent keys: unknown
 * fields are errors); a table read is handed out as a view too, made at its first read and
 * kept in the proxy (under the table's address), so `c.tags == c.tags` and tables nobody
 * reads cost nothing. Every assignment reaches __newindex (the proxy has no field of its
 * own), `setmetatable`/`getmetatable` meet a protected metatable, and the sandbox's `next`,
 * `pairs` and `rawset` know views (next iterates the data, rawset refuses), so no data
 * table and no hidden entry is ever handed to a script. */

static char data_key, path_key, metatable_key;
/* Lazy views (CLuaHost.h): the batch userdata and the row a lazy view reads; `sub_key` holds
 * a customer's lazy `purchases` view in the customer's proxy, and true in that view's own. */
static char batch_key, row_key, sub_key;

static int view_index(lua_State *L);
static void materialize(lua_State *L, int proxy);

static int is_view(lua_State *L, int idx) {
    if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx)) return 0;
    lua_pushliteral(L, "__index");
    lua_rawget(L, -2);
    int is = lua_tocfunction(L, -1) == view_index;
    lua_pop(L, 2);
    return is;
}

/* The data table of the view at `idx` pushed (a lazy view's made now, which may raise),
 * returning 1; 0 (nothing pushed) when the value is not a view. */
static int view_data(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (!is_view(L, idx)) return 0;
    if (lua_rawgetp(L, idx, &data_key) != LUA_TTABLE) {
        lua_pop(L, 1);
        materialize(L, idx);
    }
    return 1;
}

static int materialize_protected(lua_State *L) {
    view_data(L, 1);
    return 1;
}

int cordial_view_data(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (!is_view(L, idx)) return 0;
    if (lua_rawgetp(L, idx, &data_key) == LUA_TTABLE) return 1;
    lua_pop(L, 1);
    /* From the host: a failure (no C or Lua stack left to build it) must not unwind Swift,
     * and must not read as other data: its message is left for the host to raise. */
    lua_pushcfunction(L, materialize_protected);
    lua_pushvalue(L, idx);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        if (lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 1);
            lua_pushliteral(L, "a customer view could not be built here");
        }
        return -1;
    }
    return 1;
}

static void seal(lua_State *L, const char *path);
static void push_metatable(lua_State *L);

/* ------------------------------------------------------------- lazy views */

static const cordial_block *batch_of(lua_State *L, int proxy, lua_Integer *row) {
    if (lua_rawgetp(L, proxy, &batch_key) != LUA_TUSERDATA) {
        lua_pop(L, 1);
        return NULL;
    }
    const cordial_block *batch = (const cordial_block *)lua_touserdata(L, -1);
    lua_pop(L, 1);  /* the proxy keeps it */
    lua_rawgetp(L, proxy, &row_key);
    *row = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (*row < 0 || *row >= batch->count) return NULL;
    return batch;
}

static void push_text(lua_State *L, const cordial_block *batch, cordial_block_text text) {
    if (text.length < 0) lua_pushnil(L);
    else lua_pushlstring(L, (const char *)batch + batch->texts + text.offset, (size_t)text.length);
}

/* Days written as "YYYY-MM-DD" here: years 0 to 9999, as CalendarDays.text writes them. A
 * field with another day is left to the Swift-built table. */
static int writable(int64_t day) { return day == CORDIAL_NO_DAY || (day >= -719528 && day <= 2932896); }

/* "YYYY-MM-DD" of a writable day since 1970 (Howard Hinnant's civil_from_days), or nil. */
static void push_day(lua_State *L, int64_t day) {
    if (day == CORDIAL_NO_DAY) {
        lua_pushnil(L);
        return;
    }
    long long z = (long long)day + 719468;
    long long era = (z >= 0 ? z : z - 146096) / 146097;
    long long doe = z - era * 146097;
    long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long long mp = (5 * doy + 2) / 153;
    long long d = doy - (153 * mp + 2) / 5 + 1;
    long long m = mp < 10 ? mp + 3 : mp - 9;
    long long y = yoe + era * 400 + (m <= 2);
    char text[10] = {
        (char)('0' + y / 1000 % 10), (char)('0' + y / 100 % 10), (char)('0' + y / 10 % 10), (char)('0' + y % 10), '-',
        (char)('0' + m / 10), (char)('0' + m % 10), '-', (char)('0' + d / 10), (char)('0' + d % 10)};
    lua_pushlstring(L, text, 10);
}

#define KEY_IS(name) (length == sizeof(name) - 1 && memcmp(key, name, sizeof(name) - 1) == 0)

static int read_purchases(lua_State *L, const cordial_block *batch, const cordial_block_row *row, const char *key, size_t length) {
    if (KEY_IS("count")) lua_pushinteger(L, row->purchase_count);
    else if (KEY_IS("total")) lua_pushnumber(L, row->purchase_total);
    else if (KEY_IS("first")) push_day(L, row->first_day);
    else if (KEY_IS("last")) push_day(L, row->last_day);
    else if (KEY_IS("days_since_last")) {
        if (row->last_day == CORDIAL_NO_DAY) lua_pushnil(L);
        else lua_pushinteger(L, (lua_Integer)batch->today - (lua_Integer)row->last_day);
    } else return 0;
    return 1;
}

/* The customer's lazy `purchases` view: made at its first read, kept in the proxy. */
static void push_purchases_view(lua_State *L, lua_Integer row) {
    if (lua_rawgetp(L, 1, &sub_key) == LUA_TTABLE) return;
    lua_pop(L, 1);
    /* Batch, row and the mark; its path ("purchases.") is known from the mark. Room for
     * its data table too, should a script iterate it. */
    lua_createtable(L, 0, 4);
    lua_rawgetp(L, 1, &batch_key);
    lua_rawsetp(L, -2, &batch_key);
    lua_pushinteger(L, row);
    lua_rawsetp(L, -2, &row_key);
    lua_pushboolean(L, 1);
    lua_rawsetp(L, -2, &sub_key);
    push_metatable(L);
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, 1, &sub_key);
}

/* view_index's way for a lazy view not made yet (proxy at 1, key at 2): pushes the field and
 * returns 1, or returns 0 (nothing pushed) for any other key: the whole table is then made. */
static int read_lazy(lua_State *L) {
    if (lua_type(L, 2) != LUA_TSTRING) return 0;
    lua_Integer index;
    const cordial_block *batch = batch_of(L, 1, &index);
    if (!batch) return 0;
    const cordial_block_row *row = &batch->rows[index];
    /* A purchases view is made only for writable days, so that it never needs Swift. */
    if (!writable(row->first_day) || !writable(row->last_day)) return 0;
    size_t length;
    const char *key = lua_tolstring(L, 2, &length);
    int purchases = lua_rawgetp(L, 1, &sub_key) == LUA_TBOOLEAN;
    lua_pop(L, 1);
    if (purchases) return read_purchases(L, batch, row, key, length);
    if (KEY_IS("purchases")) push_purchases_view(L, index);
    else if (KEY_IS("id")) lua_pushinteger(L, row->id);
    else if (KEY_IS("tier")) push_text(L, batch, row->text[CORDIAL_BLOCK_TIER]);
    else if (KEY_IS("locale")) push_text(L, batch, row->text[CORDIAL_BLOCK_LOCALE]);
    else if (KEY_IS("source")) push_text(L, batch, row->text[CORDIAL_BLOCK_SOURCE]);
    else if (KEY_IS("external_id")) push_text(L, batch, row->text[CORDIAL_BLOCK_EXTERNAL_ID]);
    else if (KEY_IS("given_name")) push_text(L, batch, row->text[CORDIAL_BLOCK_GIVEN_NAME]);
    else if (KEY_IS("family_name")) push_text(L, batch, row->text[CORDIAL_BLOCK_FAMILY_NAME]);
    else if (KEY_IS("city")) push_text(L, batch, row->text[CORDIAL_BLOCK_CITY]);
    else if (KEY_IS("region")) push_text(L, batch, row->text[CORDIAL_BLOCK_REGION]);
    else if (KEY_IS("birthday")) push_text(L, batch, row->text[CORDIAL_BLOCK_BIRTHDAY]);
    else if (KEY_IS("created") && writable(row->created_day) && row->created_day != CORDIAL_NO_DAY) push_day(L, row->created_day);
    else return 0;
    return 1;
}

/* Makes the data table of the lazy view at `proxy`, keeps it there and pushes it. A
 * customer's is made by the batch's function; a `purchases` view's here, from the block. */
static void materialize(lua_State *L, int proxy) {
    lua_Integer index;
    const cordial_block *batch = batch_of(L, proxy, &index);
    if (!batch) luaL_error(L, "a customer view outlived its data");
    if (lua_rawgetp(L, proxy, &sub_key) == LUA_TBOOLEAN) {
        lua_pop(L, 1);
        const cordial_block_row *row = &batch->rows[index];
        static const char *const fields[] = {"count", "total", "first", "last", "days_since_last"};
        lua_createtable(L, 0, 5);
        for (int i = 0; i < 5; i++) {
            read_purchases(L, batch, row, fields[i], strlen(fields[i]));
            lua_setfield(L, -2, fields[i]);
        }
        lua_rawgeti(L, LUA_REGISTRYINDEX, batch->strict_metatable);
        lua_setmetatable(L, -2);
    } else {
        int purchases = lua_gettop(L);  /* the customer's purchases view, if made */
        lua_rawgetp(L, proxy, &batch_key);
        lua_getiuservalue(L, -1, 1);
        lua_remove(L, -2);
        lua_pushinteger(L, index);
        lua_rawgetp(L, proxy, &batch_key);  /* the block the function reads */
        lua_call(L, 2, 1);
        if (lua_type(L, -1) != LUA_TTABLE) luaL_error(L, "a customer view's data could not be made");
        /* A purchases view handed out before keeps its identity: it stands for the table. */
        if (lua_type(L, purchases) == LUA_TTABLE) {
            lua_pushliteral(L, "purchases");
            if (lua_rawget(L, -2) == LUA_TTABLE) {
                const void *inner = lua_topointer(L, -1);
                lua_pushvalue(L, purchases);
                lua_rawsetp(L, proxy, inner);
            }
            lua_pop(L, 1);
        }
        lua_remove(L, purchases);
    }
    lua_pushvalue(L, -1);
    lua_rawsetp(L, proxy, &data_key);
}

cordial_block *cordial_view_batch_new(lua_State *L, size_t bytes) {
    if (bytes < sizeof(cordial_block)) bytes = sizeof(cordial_block);
    cordial_block *batch = (cordial_block *)lua_newuserdatauv(L, bytes, 1);
    lua_rotate(L, -2, 1);
    lua_setiuservalue(L, -2, 1);
    return batch;
}

void cordial_view_push_lazy(lua_State *L, int batch, int row) {
    batch = lua_absindex(L, batch);
    /* Batch and row, and room for the purchases view without growing. */
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, batch);
    lua_rawsetp(L, -2, &batch_key);
    lua_pushinteger(L, row);
    lua_rawsetp(L, -2, &row_key);
    push_metatable(L);
    lua_setmetatable(L, -2);
}

/* ------------------------------------------------------------- views */

/* Reads the data; an absent key is for the data's own metatable to decide (the strict ones
 * raise "no field 'x' in this customer view" at level 3: the script's line). */
static int view_index(lua_State *L) {
    lua_settop(L, 2);
    if (lua_rawgetp(L, 1, &data_key) != LUA_TTABLE) { /* 3: a lazy view not made yet */
        lua_pop(L, 1);
        if (read_lazy(L)) return 1;
        materialize(L, 1);
    }
    lua_pushvalue(L, 2);
    int type = lua_rawget(L, 3);  /* 4 */
    if (type == LUA_TTABLE) {
        const void *inner = lua_topointer(L, 4);
        if (lua_rawgetp(L, 1, inner) == LUA_TTABLE) return 1;  /* made at an earlier read */
        lua_pop(L, 1);
        lua_rawgetp(L, 1, &path_key);
        const char *path = lua_tostring(L, -1);
        const char *key = luaL_tolstring(L, 2, NULL);
        const char *inner_path = lua_pushfstring(L, "%s%s.", path ? path : "", key);
        lua_pushvalue(L, 4);
        seal(L, inner_path);
        lua_pushvalue(L, -1);
        lua_rawsetp(L, 1, inner);
        return 1;
    }
    if (type != LUA_TNIL || !lua_getmetatable(L, 3)) return 1;
    lua_pushliteral(L, "__index");
    type = lua_rawget(L, -2);
    if (type == LUA_TFUNCTION) {
        lua_pushvalue(L, 3);
        lua_pushvalue(L, 2);
        lua_call(L, 2, 1);
    } else if (type == LUA_TTABLE) {
        lua_pushvalue(L, 2);
        lua_gettable(L, -2);
    } else {
        lua_pushnil(L);
    }
    return 1;
}

static int view_newindex(lua_State *L) {
    lua_rawgetp(L, 1, &path_key);
    const char *path = lua_tostring(L, -1);
    if (!path && lua_rawgetp(L, 1, &sub_key) == LUA_TBOOLEAN) path = "purchases.";  /* a lazy purchases view */
    const char *key = luaL_tolstring(L, 2, NULL);
    return luaL_error(L, "a customer view is read-only (assigning '%s%s')", path ? path : "", key);
}

static int view_len(lua_State *L) {
    view_data(L, 1);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

/* next over a view's data, handing out a table inside it as a view (as a read does). */
static int next_in_view(lua_State *L, int view) {
    view_data(L, view);
    lua_pushvalue(L, -2);
    if (!lua_next(L, -2)) {
        lua_pushnil(L);
        return 1;
    }
    if (lua_type(L, -1) == LUA_TTABLE) {
        lua_pop(L, 1);
        lua_pushvalue(L, view);
        lua_pushvalue(L, -2);
        lua_gettable(L, -2);  /* view[key]: the view of the table */
        lua_remove(L, -2);
    }
    return 2;
}

/* next(view, key) over the data: pairs never hands the data table out. */
static int view_next(lua_State *L) {
    lua_settop(L, 2);
    if (!is_view(L, 1)) luaL_typeerror(L, 1, "customer view");
    return next_in_view(L, 1);
}

static int view_pairs(lua_State *L) {
    lua_pushcfunction(L, view_next);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

/* The sandbox's next: stock Lua's (lbaselib.c), with a view read as its data. */
static int sandbox_next(lua_State *L) {
    luaL_checktype(L, 1, LUA_TTABLE);
    lua_settop(L, 2);
    if (is_view(L, 1)) return next_in_view(L, 1);
    if (lua_next(L, 1)) return 2;
    lua_pushnil(L);
    return 1;
}

static int pairs_continuation(lua_State *L, int status, lua_KContext k) {
    (void)L; (void)status; (void)k;
    return 3;
}

/* The sandbox's pairs: stock Lua's (lbaselib.c), whose generator for a table without
 * __pairs is the sandbox's next (stock next would read a view's own hidden entries). */
static int sandbox_pairs(lua_State *L) {
    luaL_checkany(L, 1);
    if (luaL_getmetafield(L, 1, "__pairs") == LUA_TNIL) {
        lua_pushcfunction(L, sandbox_next);
        lua_pushvalue(L, 1);
        lua_pushnil(L);
    } else {
        lua_pushvalue(L, 1);
        lua_callk(L, 1, 3, 0, pairs_continuation);
    }
    return 3;
}

int cordial_view_is(lua_State *L) {
    lua_pushboolean(L, is_view(L, 1));
    return 1;
}

static void push_metatable(lua_State *L) {
    if (lua_rawgetp(L, LUA_REGISTRYINDEX, &metatable_key) == LUA_TTABLE) return;
    lua_pop(L, 1);
    static const luaL_Reg metamethods[] = {
        {"__index", view_index}, {"__newindex", view_newindex}, {"__len", view_len},
        {"__pairs", view_pairs}, {NULL, NULL}};
    lua_createtable(L, 0, 5);
    luaL_setfuncs(L, metamethods, 0);
    lua_pushliteral(L, "__metatable");
    lua_pushboolean(L, 0);
    lua_rawset(L, -3);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &metatable_key);
}

/* Replaces the table on top by its view. */
static void seal(lua_State *L, const char *path) {
    /* Called from the host (allocations are never refused there) or from view_index. */
    lua_checkstack(L, 4);
    int data = lua_gettop(L);
    lua_createtable(L, 0, 4);  /* data, path and two inner views before it grows */
    lua_pushvalue(L, data);
    lua_rawsetp(L, -2, &data_key);
    if (path[0]) {
        lua_pushstring(L, path);
        lua_rawsetp(L, -2, &path_key);
    }
    push_metatable(L);
    lua_setmetatable(L, -2);
    lua_replace(L, data);
}

void cordial_view_seal(lua_State *L, const char *path) { seal(L, path); }

void cordial_push_view_is(lua_State *L) { lua_pushcfunction(L, cordial_view_is); }
void cordial_push_sandbox_next(lua_State *L) { lua_pushcfunction(L, sandbox_next); }
void cordial_push_sandbox_pairs(lua_State *L) { lua_pushcfunction(L, sandbox_pairs); }
