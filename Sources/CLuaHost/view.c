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

static int view_index(lua_State *L);

/* The data table of the view at `idx` pushed, returning 1; 0 (nothing pushed) when the
 * value is not a view. */
int cordial_view_data(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx)) return 0;
    lua_pushliteral(L, "__index");
    lua_rawget(L, -2);
    int is_view = lua_tocfunction(L, -1) == view_index;
    lua_pop(L, 2);
    if (!is_view) return 0;
    lua_rawgetp(L, idx, &data_key);
    return 1;
}

static void seal(lua_State *L, const char *path);

/* Reads the data; an absent key is for the data's own metatable to decide (the strict ones
 * raise "no field 'x' in this customer view" at level 3: the script's line). */
static int view_index(lua_State *L) {
    lua_settop(L, 2);
    lua_rawgetp(L, 1, &data_key); /* 3 */
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
    const char *key = luaL_tolstring(L, 2, NULL);
    return luaL_error(L, "a customer view is read-only (assigning '%s%s')", path ? path : "", key);
}

static int view_len(lua_State *L) {
    lua_rawgetp(L, 1, &data_key);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

/* next over a view's data, handing out a table inside it as a view (as a read does). */
static int next_in_view(lua_State *L, int view) {
    lua_rawgetp(L, view, &data_key);
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
    if (!cordial_view_data(L, 1)) luaL_typeerror(L, 1, "customer view");
    lua_pop(L, 1);
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
    if (cordial_view_data(L, 1)) {
        lua_pop(L, 1);
        return next_in_view(L, 1);
    }
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
    int is_view = cordial_view_data(L, 1);
    if (is_view) lua_pop(L, 1);
    lua_pushboolean(L, is_view);
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
