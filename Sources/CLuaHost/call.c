#include "internal.h"

/* Every Swift function is this C closure with upvalue 1 = the Swift function's
 * object (a light userdata; the host keeps the object alive). */
int cordial_trampoline(lua_State *L) {
    cordial_guard *g = cordial_guard_of(L);
    /* Room for everything the Swift function pushes (its results, the tables it builds,
     * nested values), taken here where running out is an ordinary Lua error: a script that
     * filled its stack gets "stack overflow", never a host precondition. */
    if (!lua_checkstack(L, CORDIAL_HOST_STACK_SLOTS))
        return luaL_error(L, "stack overflow (no room for the results of a host function)");
    int saved = g->in_host;
    g->in_host = 1;
    void **slot = (void **)lua_touserdata(L, lua_upvalueindex(1));
    int n = g->dispatch(L, g->host, *slot);
    g->in_host = saved;
    if (n == -3) cordial_raise_kill(L);
    if (n == -1) {
        luaL_where(L, 1);
        lua_insert(L, -2);
        lua_concat(L, 2);
        return lua_error(L);
    }
    if (n < 0) return lua_error(L);
    if (g->limit && g->used > g->limit) { /* Swift allocated past the cap */
        lua_gc(L, LUA_GCCOLLECT);
        if (g->used > g->limit) {
            cordial_guard_record_where(g, L);
            cordial_guard_kill(g, CORDIAL_KILL_MEMORY);
        }
    }
    return n;
}

void cordial_push_swift_function(lua_State *L, void *function, size_t charge) {
    void **slot = (void **)lua_newuserdatauv(L, charge > sizeof(void *) ? charge : sizeof(void *), 0);
    *slot = function;
    if (luaL_newmetatable(L, "cordial.SwiftFunction")) {
        lua_pushcfunction(L, cordial_userdata_gc);
        lua_setfield(L, -2, "__gc");
        lua_pushboolean(L, 0);
        lua_setfield(L, -2, "__metatable");
    }
    lua_setmetatable(L, -2);
    lua_pushcclosure(L, cordial_trampoline, 1);
}

/* A Swift object in a userdata is one retained pointer; __gc releases it. */
int cordial_userdata_gc(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, 1);
    if (slot && *slot) {
        void *object = *slot;
        *slot = NULL;
        cordial_guard_of(L)->release(object);
    }
    return 0;
}

void cordial_push_object(lua_State *L, void *object) {
    void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 0);
    *slot = object;
}

void *cordial_object_at(lua_State *L, int idx) {
    void **slot = (void **)lua_touserdata(L, idx);
    return slot ? *slot : NULL;
}

void cordial_push_userdata_gc(lua_State *L) { lua_pushcfunction(L, cordial_userdata_gc); }

/* The host's only way into Lua. The outermost call arms the deadline that the
 * watchdog checks; arming reads the watchdog's last tick (at most one period old,
 * so a budget can stretch by one period) and costs one store. */
int cordial_call(lua_State *L, int nargs, int nresults, int msgh) {
    cordial_guard *g = cordial_guard_of(L);
    int outermost = g->depth++ == 0;
    if (outermost) g->where[0] = '\0';
    if (outermost && g->budget_ns > 0)
        __atomic_store_n(&g->deadline, __atomic_load_n(&g->now, __ATOMIC_RELAXED) + g->budget_ns, __ATOMIC_RELEASE);
    int saved = g->in_host;
    g->in_host = 0;
    int status = lua_pcall(L, nargs, nresults, msgh);
    g->in_host = saved;
    if (outermost && g->budget_ns > 0)
        __atomic_store_n(&g->deadline, 0, __ATOMIC_RELEASE);
    g->depth--;
    return status;
}

int cordial_call_depth(lua_State *L) { return cordial_guard_of(L)->depth; }

int cordial_tostring_helper(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}

/* Turns any error value into a readable message, even when it is a table whose
 * __tostring itself fails. */
void cordial_push_error_text(lua_State *L, int idx) {
    idx = lua_absindex(L, idx);
    int t = lua_type(L, idx);
    if (t == LUA_TSTRING || t == LUA_TNUMBER) {
        lua_pushvalue(L, idx);
        lua_tolstring(L, -1, NULL);
        return;
    }
    if (luaL_getmetafield(L, idx, "__tostring") != LUA_TNIL) {
        lua_pop(L, 1);
        lua_pushcfunction(L, cordial_tostring_helper);
        lua_pushvalue(L, idx);
        if (lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING) return;
        const char *why = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "non-string error";
        lua_pushfstring(L, "(error object is a %s value; its __tostring failed: %s)", luaL_typename(L, idx), why);
        lua_remove(L, -2);
        return;
    }
    lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, idx));
}

/* The message handler of every host call; leaves {message, where, traceback}. */
int cordial_message_handler(lua_State *L) {
    /* stack: error value */
    lua_createtable(L, 0, 3);
    cordial_push_error_text(L, 1);
    lua_setfield(L, -2, "message");
    lua_Debug ar;
    /* the first Lua frame that is the script's: the sandbox's own functions are skipped */
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && strcmp(ar.source, "=[sandbox]") != 0) {
            lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
            lua_setfield(L, -2, "where");
            break;
        }
    }
    luaL_traceback(L, L, NULL, 1);
    lua_setfield(L, -2, "traceback");
    return 1;
}

int cordial_push_caller_where(lua_State *L) {
    lua_Debug ar;
    for (int level = 1; lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && strcmp(ar.source, "=[sandbox]") != 0) {
            lua_pushfstring(L, "%s:%d", ar.short_src, ar.currentline);
            return 1;
        }
    }
    return 0;
}

static int return_locator(lua_State *L);

/* Records where a function called directly by the return locator returns (a tail call's
 * callee included: it took the caller's frame). A limit that fires meanwhile replaces this
 * hook by the limit hook; a refusal left pending is passed on to it. */
static void return_hook(lua_State *L, lua_Debug *ar) {
    cordial_guard *g = cordial_guard_of(L);
    if (cordial_guard_kill_reason(g) != CORDIAL_KILL_NONE || g->refused) {
        cordial_limit_hook(L, ar);
        return;
    }
    if (ar->event != LUA_HOOKRET) return; /* a count event: only for a kill, checked above */
    lua_Debug caller;
    if (!lua_getstack(L, 1, &caller) || !lua_getinfo(L, "f", &caller)) return;
    int direct = lua_tocfunction(L, -1) == return_locator;
    lua_pop(L, 1);
    if (direct && lua_getinfo(L, "Sl", ar) && ar->currentline > 0 && strcmp(ar->source, "=[sandbox]") != 0)
        snprintf(g->returned_at, sizeof g->returned_at, "%s:%d", ar->short_src, ar->currentline);
}

static int return_locator(lua_State *L) {
    cordial_guard *g = cordial_guard_of(L);
    luaL_checktype(L, 1, LUA_TFUNCTION);
    g->returned_at[0] = '\0';
    /* Set and cleared under the mutex, as the watchdog's kill sets its hook; the count
     * events notice a kill that came in between, so the call can never outrun its limit. */
    pthread_mutex_lock(&g->mutex);
    if (cordial_guard_kill_reason(g) == CORDIAL_KILL_NONE) lua_sethook(L, return_hook, LUA_MASKRET | LUA_MASKCOUNT, 1000);
    pthread_mutex_unlock(&g->mutex);
    int status = lua_pcall(L, lua_gettop(L) - 1, 1, 0);
    /* A kill (or a refusal to check) needs the limit hook: it stays until the kill is taken. */
    pthread_mutex_lock(&g->mutex);
    if (cordial_guard_kill_reason(g) == CORDIAL_KILL_NONE && !g->refused) lua_sethook(L, NULL, 0, 0);
    else lua_sethook(L, cordial_limit_hook, LUA_MASKCOUNT, 1);
    pthread_mutex_unlock(&g->mutex);
    if (status != LUA_OK) return lua_error(L);
    if (g->returned_at[0]) lua_pushstring(L, g->returned_at);
    else lua_pushnil(L);
    return 2;
}

void cordial_push_return_locator(lua_State *L) { lua_pushcfunction(L, return_locator); }

/* Pushers, so that Swift never needs a C function's address. */
void cordial_push_message_handler(lua_State *L) { lua_pushcfunction(L, cordial_message_handler); }

void cordial_push_tostring_helper(lua_State *L) { lua_pushcfunction(L, cordial_tostring_helper); }
