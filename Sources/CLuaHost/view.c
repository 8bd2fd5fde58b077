#include "internal.h"

/* Read-only views (customer views handed to plugins).
 *
 * A view is an empty proxy table whose own metatable is
 *   { __index = data, __newindex = view_newindex, __len = view_len, __pairs = view_pairs,
 *     __metatable = false, __path = "value.rfm." }
 * so that every read goes to `data` (which keeps its own strict metatable: unknown fields
 * are errors) and no write can reach it: assigning an existing field goes to __newindex
 * because the proxy itself is empty, `setmetatable` and `getmetatable` meet a protected
 * metatable, and the sandbox's rawset refuses a view (cordial_view_is). A table's marker is
 * its metatable's __newindex being view_newindex, a C function scripts cannot reach. */

static int view_newindex(lua_State *L) {
    lua_getmetatable(L, 1);
    lua_pushliteral(L, "__path");
    lua_rawget(L, -2);
    const char *path = lua_tostring(L, -1);
    const char *key = luaL_tolstring(L, 2, NULL);
    return luaL_error(L, "a customer view is read-only (assigning '%s%s')", path ? path : "", key);
}

/* Pushes the data table of the view at `idx` and returns 1; returns 0, pushing nothing,
 * when the value is not a view. */
int cordial_view_data(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    if (lua_type(L, idx) != LUA_TTABLE || !lua_getmetatable(L, idx)) return 0;
    lua_pushliteral(L, "__newindex");
    lua_rawget(L, -2);
    int is_view = lua_tocfunction(L, -1) == view_newindex;
    lua_pop(L, 1);
    if (!is_view) {
        lua_pop(L, 1);
        return 0;
    }
    lua_pushliteral(L, "__index");
    lua_rawget(L, -2);
    lua_remove(L, -2);
    return 1;
}

int cordial_view_is(lua_State *L) {
    int is_view = cordial_view_data(L, 1);
    if (is_view) lua_pop(L, 1);
    lua_pushboolean(L, is_view);
    return 1;
}

static void push_data_or_raise(lua_State *L) {
    if (!cordial_view_data(L, 1)) luaL_typeerror(L, 1, "customer view");
}

static int view_len(lua_State *L) {
    push_data_or_raise(L);
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, -1));
    return 1;
}

/* next(view, key) over the data, so that pairs never hands the data table itself out. */
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

static void seal(lua_State *L, const char *path, int deep);

/* Seals the plain tables inside the table on top (JSON values in attributes). */
static void seal_nested(lua_State *L, const char *path) {
    int data = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, data)) {
        if (lua_type(L, -1) == LUA_TTABLE && !lua_getmetatable(L, -1)) {
            if (lua_type(L, -2) == LUA_TSTRING)
                lua_pushfstring(L, "%s%s.", path, lua_tostring(L, -2));
            else if (lua_isinteger(L, -2))
                lua_pushfstring(L, "%s%I.", path, (LUAI_UACINT)lua_tointeger(L, -2));
            else
                lua_pushfstring(L, "%s?.", path);
            const char *inner = lua_tostring(L, -1);
            lua_pushvalue(L, -2);
            seal(L, inner, 1);  /* key, value, inner path, proxy */
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
    lua_createtable(L, 0, 0);
    lua_createtable(L, 0, 6);
    lua_pushliteral(L, "__index");
    lua_pushvalue(L, data);
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
    lua_pushliteral(L, "__path");
    lua_pushstring(L, path);
    lua_rawset(L, -3);
    lua_setmetatable(L, -2);
    lua_replace(L, data);
}

void cordial_view_seal(lua_State *L, const char *path, int deep) { seal(L, path, deep); }

void cordial_push_view_is(lua_State *L) { lua_pushcfunction(L, cordial_view_is); }
