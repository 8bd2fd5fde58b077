#define _GNU_SOURCE
#include "internal.h"

/* Opens only the safe libraries (never luaL_openlibs); run under lua_pcall. */
int cordial_open_safe_libraries(lua_State *L) {
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},       {LUA_COLIBNAME, luaopen_coroutine},
        {LUA_TABLIBNAME, luaopen_table}, {LUA_STRLIBNAME, luaopen_string},
        {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8},
        {LUA_OSLIBNAME, luaopen_os},     {NULL, NULL}};
    for (const luaL_Reg *lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    return 0;
}

/* __index of the globals table: upvalue 1 = declared names, 2 = withheld names. */
int cordial_strict_index(lua_State *L) {
    /* stack: globals, key */
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) return 0;
    if (lua_type(L, 2) != LUA_TSTRING) return 0;
    lua_pushvalue(L, 2);
    if (lua_rawget(L, lua_upvalueindex(2)) != LUA_TNIL)
        return luaL_error(L, "'%s' is not available in the Cordial sandbox", lua_tostring(L, 2));
    return luaL_error(L, "undefined global '%s'", lua_tostring(L, 2));
}

/* __newindex of the globals table: a main chunk declares globals by assigning
 * them; a function may only assign globals that are declared (strict.lua). */
int cordial_strict_newindex(lua_State *L) {
    /* stack: globals, key, value */
    lua_pushvalue(L, 2);
    int declared = lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL;
    lua_pop(L, 1);
    if (!declared) {
        lua_Debug ar;
        int main_chunk = lua_getstack(L, 1, &ar) && lua_getinfo(L, "S", &ar) &&
                         (strcmp(ar.what, "main") == 0 || strcmp(ar.what, "C") == 0);
        if (!main_chunk) {
            if (lua_type(L, 2) == LUA_TSTRING)
                return luaL_error(L, "assignment to undeclared global '%s'", lua_tostring(L, 2));
            return luaL_error(L, "assignment to undeclared global");
        }
        lua_pushvalue(L, 2);
        lua_pushboolean(L, 1);
        lua_rawset(L, lua_upvalueindex(1));
    }
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 0;
}

/* Bytes of C stack left to the calling thread, from its own bounds (read once per
 * thread: pthread_getattr_np reads /proc for the main thread). SIZE_MAX when unknown. */
size_t cordial_c_stack_left(void) {
    static __thread char *lowest;
    static __thread int known;
    if (!known) {
        pthread_attr_t attr;
        void *address;
        size_t size;
        known = 1;
        if (pthread_getattr_np(pthread_self(), &attr) == 0) {
            if (pthread_attr_getstack(&attr, &address, &size) == 0) lowest = (char *)address;
            pthread_attr_destroy(&attr);
        }
    }
    if (lowest == NULL) return (size_t)-1;
    char probe;
    return &probe > lowest ? (size_t)(&probe - lowest) : 0;
}

/* coroutine.resume, guarded: records the running thread so that a limit kill
 * reaches it, and makes a kill inside the coroutine fatal in the resumer too.
 * upvalue 1 = the original coroutine.resume. */
int cordial_guarded_resume(lua_State *L) {
    /* stack: co, args... */
    /* Lua 5.4.4 does not count the C stack that coroutine.close spends on the closed
     * thread's __close handlers (fixed in 5.4.6 with lua_closethread's `from`), so a chain
     * of coroutines whose handlers close one another overflows the C stack and the process
     * dies. Every resume and close of a script comes through here: refuse one that would
     * start with too little C stack left, whatever the chain that led to it. */
    if (cordial_c_stack_left() < CORDIAL_C_STACK_RESERVE)
        return luaL_error(L, "C stack overflow (coroutines resumed or closed inside one another too deeply)");
    lua_State *co = lua_tothread(L, 1);
    cordial_guard *g = cordial_guard_of(L);
    lua_State *previous = g->current;
    if (co) {
        pthread_mutex_lock(&g->mutex);
        g->current = co;
        if (cordial_guard_kill_reason(g) != CORDIAL_KILL_NONE)
            lua_sethook(co, cordial_limit_hook, LUA_MASKCOUNT, 1);
        pthread_mutex_unlock(&g->mutex);
    }
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    int status = lua_pcall(L, n, LUA_MULTRET, 0);
    pthread_mutex_lock(&g->mutex);
    g->current = previous;
    pthread_mutex_unlock(&g->mutex);
    if (status != LUA_OK) return lua_error(L);
    int reason = cordial_guard_kill_reason(g);
    if (reason != CORDIAL_KILL_NONE) { /* killed inside: fatal here too */
        cordial_guard_kill(g, reason);
        /* resume returned false and the kill message from inside: raise that one, it says where */
        if (lua_gettop(L) >= 2 && lua_type(L, 1) == LUA_TBOOLEAN && !lua_toboolean(L, 1) &&
            lua_type(L, 2) == LUA_TSTRING) {
            const char *text = lua_tostring(L, 2);
            if (strncmp(text, "time limit of", 13) == 0 || strncmp(text, "memory limit of", 15) == 0) {
                lua_settop(L, 2);
                return lua_error(L);
            }
        }
        lua_Debug ar;
        int found = lua_getstack(L, 1, &ar) && lua_getinfo(L, "Sl", &ar);
        cordial_push_kill_message(L, g, reason, found ? &ar : NULL);
        return lua_error(L);
    }
    return lua_gettop(L);
}

/* For the sandbox prelude: make_strict_metatable(declared, withheld) returns the
 * metatable of the globals table; make_guarded_resume(resume) the guarded resume. */
int cordial_make_strict_metatable(lua_State *L) {
    /* stack: declared, withheld */
    lua_settop(L, 2);
    lua_createtable(L, 0, 3);
    lua_pushvalue(L, 1);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, cordial_strict_index, 2);
    lua_setfield(L, -2, "__index");
    lua_pushvalue(L, 1);
    lua_pushcclosure(L, cordial_strict_newindex, 1);
    lua_setfield(L, -2, "__newindex");
    lua_pushboolean(L, 0);
    lua_setfield(L, -2, "__metatable");
    return 1;
}

int cordial_make_guarded_resume(lua_State *L) {
    /* stack: resume */
    lua_settop(L, 1);
    lua_pushcclosure(L, cordial_guarded_resume, 1);
    return 1;
}

/* The message handler of a script's xpcall, guarded: after a time or memory kill the
 * script's handler is not run. (Lua runs a message handler for an error raised by a hook
 * with hooks disabled, so a handler that loops could otherwise never be stopped.)
 * upvalue 1 = the script's handler. */
int cordial_guarded_handler(lua_State *L) {
    if (cordial_guard_kill_reason(cordial_guard_of(L)) != CORDIAL_KILL_NONE) {
        lua_settop(L, 1);
        return 1;
    }
    int n = lua_gettop(L);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, n, 1);
    return 1;
}

int cordial_make_guarded_handler(lua_State *L) {
    /* stack: handler */
    lua_settop(L, 1);
    lua_pushcclosure(L, cordial_guarded_handler, 1);
    return 1;
}

void cordial_push_open_safe_libraries(lua_State *L) { lua_pushcfunction(L, cordial_open_safe_libraries); }

void cordial_push_make_guarded_handler(lua_State *L) { lua_pushcfunction(L, cordial_make_guarded_handler); }

void cordial_push_make_strict_metatable(lua_State *L) { lua_pushcfunction(L, cordial_make_strict_metatable); }

void cordial_push_make_guarded_resume(lua_State *L) { lua_pushcfunction(L, cordial_make_guarded_resume); }
