#include "internal.h"

/* Read-only views (customer views handed to plugins).
 *
 * A view is a proxy table holding only two entries under light-userdata keys no script can
 * make: the data table it reads and its path in messages ("value.rfm."). All views share
 * one metatable (made once per state):
 *   { __index = view_index, __newindex = view_newindex, __len = view_len,
 *     __pairs = view_pairs, __metatable = false }
 * Every read goes to the data (whose own metatable still decides absent keys: unknown
 * fields are errors), every assignment reaches __newindex (the proxy has no field of its
 * own), `setmetatable`/`getmetatable` meet a protected metatable, and the sandbox's `next`,
 * `pairs` and `rawset` know views (next iterates the data, rawset refuses), so the data
 * table and the keys are never handed to a script.
 *
 * One small table per view table, and nothing else: a segment run builds seven per customer. */

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

/* Reads the data; an absent key is for the data's own metatable to decide (the strict ones
 * raise "no field 'x' in this customer view" at level 3: the script's line). */
static int view_index(lua_State *L) {
    lua_settop(L, 2);
    lua_rawgetp(L, 1, &data_key); /* 3 */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, 3) != LUA_TNIL || !lua_getmetatable(L, 3)) return 1;
    lua_pushliteral(L, "__index");
    int type = lua_rawget(L, -2);
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

static void push_data_or_raise(lua_State *L) {
    if (!cordial_view_data(L, 1)) luaL_typeerror(L, 1, "customer view");
}

static int view_len(lua_State *L) {
    lua_rawgetp(L, 1, &data_key);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

/* next(view, key) over the data: pairs never hands the data table out. */
static int view_next(lua_State *L) {
    lua_settop(L, 2);
    push_data_or_raise(L);
    lua_insert(L, 2); /* view, data, key */
    if (lua_next(L, 2)) return 2;
    lua_pushnil(L);
    return 1;
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
    if (cordial_view_data(L, 1)) lua_replace(L, 1);
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
    lua_createtable(L, 0, 5);
    lua_pushliteral(L, "__index");
    lua_pushcfunction(L, view_index);
    lua_rawset(L, -3);
    lua_pushliteral(L, "__newindex");
    lua_pushcfunction(L, view_newindex);
    lua_rawset(L, -3);
    lua_pushliteral(L, "__len");
    lua_pushcfunction(L, view_len);
    lua_rawset(L, -3);
    lua_pushliteral(L, "__pairs");
    lua_pushcfunction(L, view_pairs);
    lua_rawset(L, -3);
    lua_pushliteral(L, "__metatable");
    lua_pushboolean(L, 0);
    lua_rawset(L, -3);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &metatable_key);
}

static void seal(lua_State *L, const char *path, int deep);

/* Seals the plain tables inside the table on top (JSON values in attributes); tables with
 * a metatable (views already) are kept as they are. */
static void seal_nested(lua_State *L, const char *path) {
    int data = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, data)) {
        if (lua_type(L, -1) == LUA_TTABLE && lua_getmetatable(L, -1)) {
            lua_pop(L, 1);
        } else if (lua_type(L, -1) == LUA_TTABLE) {
            if (lua_type(L, -2) == LUA_TSTRING)
                lua_pushfstring(L, "%s%s.", path, lua_tostring(L, -2));
            else if (lua_isinteger(L, -2))
                lua_pushfstring(L, "%s%I.", path, (LUAI_UACINT)lua_tointeger(L, -2));
            else
                lua_pushfstring(L, "%s?.", path);
            const char *inner = lua_tostring(L, -1);
            lua_pushvalue(L, -2);
            seal(L, inner, 1);             /* key, value, inner path, proxy */
            lua_pushvalue(L, -4);
            lua_insert(L, -2);             /* key, value, inner path, key, proxy */
            lua_rawset(L, data);           /* assigning an existing field during next is allowed */
            lua_pop(L, 1);
        }
        lua_pop(L, 1);
    }
}

static void seal(lua_State *L, const char *path, int deep) {
    /* Cannot fail: the host pushes values at most 100 levels deep (LuaState.maximumNesting),
     * 5 slots a level, far below LUAI_MAXSTACK, and allocations made for the host are never
     * refused (guard.in_host). Raising here would unwind Swift frames. */
    lua_checkstack(L, 12);
    if (deep) seal_nested(L, path);
    int data = lua_gettop(L);
    lua_createtable(L, 0, 2);
    lua_pushvalue(L, data);
    lua_rawsetp(L, -2, &data_key);
    lua_pushstring(L, path);
    lua_rawsetp(L, -2, &path_key);
    push_metatable(L);
    lua_setmetatable(L, -2);
    lua_replace(L, data);
}

void cordial_view_seal(lua_State *L, const char *path, int deep) { seal(L, path, deep); }

void cordial_push_view_is(lua_State *L) { lua_pushcfunction(L, cordial_view_is); }
void cordial_push_sandbox_next(lua_State *L) { lua_pushcfunction(L, sandbox_next); }
void cordial_push_sandbox_pairs(lua_State *L) { lua_pushcfunction(L, sandbox_pairs); }
