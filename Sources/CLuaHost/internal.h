/* Shared by the host's C files; not visible to Swift. */
#ifndef CORDIAL_LUA_HOST_INTERNAL_H
#define CORDIAL_LUA_HOST_INTERNAL_H

#include "CLuaHost.h"
#include <lauxlib.h>
#include <lualib.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* The guard of a state (or of any of its threads): kept in the state's extra space. */
static inline cordial_guard *cordial_guard_of(lua_State *L) {
    return *(cordial_guard **)lua_getextraspace(L);
}

void cordial_guard_record_where(cordial_guard *g, lua_State *L);
void cordial_guard_kill(cordial_guard *g, int reason);
void cordial_push_kill_message(lua_State *L, cordial_guard *g, int reason, lua_Debug *ar);
void cordial_limit_hook(lua_State *L, lua_Debug *ar);
/* Raises the kill's message at the innermost Lua line: for C loops that run no Lua instruction. */
void cordial_raise_kill(lua_State *L);
void cordial_collect_hook(lua_State *L, lua_Debug *ar);
void *cordial_alloc(void *ud, void *ptr, size_t osize, size_t nsize);
int cordial_userdata_gc(lua_State *L);
int cordial_tostring_helper(lua_State *L);
void cordial_push_error_text(lua_State *L, int idx);
int cordial_strict_index(lua_State *L);
int cordial_strict_newindex(lua_State *L);
int cordial_guarded_resume(lua_State *L);
/* C stack a guarded resume or close must find left: room for Lua's own 200 nested C calls
 * inside the coroutine (LUAI_MAXCCALLS) and for the host functions they may call. */
#define CORDIAL_C_STACK_RESERVE (256 * 1024)
size_t cordial_c_stack_left(void);
int cordial_panic(lua_State *L);
void cordial_ignore_warning(void *ud, const char *msg, int tocont);
int cordial_make_strict_metatable(lua_State *L);
int cordial_make_guarded_resume(lua_State *L);
int cordial_guarded_handler(lua_State *L);
int cordial_make_guarded_handler(lua_State *L);

#endif
