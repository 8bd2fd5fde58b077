/*
 * Thin wrappers of the Lua 5.4 macros that Swift cannot import, as GRDB's GRDBSQLite
 * shim does for SQLite. Nothing else belongs here: the host's own C (the allocator, the
 * guard, the trampoline, the sandbox helpers) is compiled in the CLuaHost target.
 */
#ifndef CORDIAL_LUA_SHIM_H
#define CORDIAL_LUA_SHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

/* ---------------------------------------------------------------- macros */

static inline int cordial_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int cordial_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void cordial_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void cordial_newtable(lua_State *L) { lua_newtable(L); }
static inline void cordial_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void cordial_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline int cordial_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
static inline void cordial_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }

#endif
