/*
 * The C side of Cordial's Lua host.
 *
 * Swift cannot import Lua's function-like macros, and it must never be unwound by
 * lua_error's longjmp (DESIGN.md decision 2). Everything here is C so that every
 * raise happens between C frames:
 *   - static inline wrappers for the macros Swift needs;
 *   - `cordial_guard`, the per-state record of the memory cap, the time budget and
 *     the "kill" that makes a limit fatal (pcall cannot swallow it);
 *   - the counting allocator, the limit hook, the watchdog check;
 *   - the trampoline through which Lua calls Swift functions: Swift reports failure
 *     by return value and the trampoline raises;
 *   - the message handler that turns any error value into message + where + traceback;
 *   - small protected helpers (strict globals, guarded coroutine.resume).
 */
#ifndef CORDIAL_LUA_SHIM_H
#define CORDIAL_LUA_SHIM_H

#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

/* ---------------------------------------------------------------- macros */

static inline int cordial_registryindex(void) { return LUA_REGISTRYINDEX; }
static inline int cordial_upvalueindex(int i) { return lua_upvalueindex(i); }
static inline void cordial_pop(lua_State *L, int n) { lua_pop(L, n); }
static inline void cordial_newtable(lua_State *L) { lua_newtable(L); }
static inline void cordial_insert(lua_State *L, int idx) { lua_insert(L, idx); }
static inline void cordial_remove(lua_State *L, int idx) { lua_remove(L, idx); }
static inline int cordial_isnoneornil(lua_State *L, int idx) { return lua_isnoneornil(L, idx); }
static inline void cordial_pushcfunction(lua_State *L, lua_CFunction f) { lua_pushcfunction(L, f); }

/* ----------------------------------------------------------------- guard */

enum {
    CORDIAL_KILL_NONE = 0,
    CORDIAL_KILL_TIME = 1,
    CORDIAL_KILL_MEMORY = 2,
};

/* A deadline value that means "this call was killed by the watchdog". */
#define CORDIAL_DEADLINE_KILLED (-1LL)

/* Swift's side of a Lua->Swift call: >= 0 results pushed; -1 an error message
 * string is on top (the trampoline prefixes the caller's file:line); -2 an error
 * value is on top that is raised as it is (a Lua error passing through Swift). */
typedef int (*cordial_dispatch_fn)(lua_State *L, void *host, void *function);

typedef void (*cordial_release_fn)(void *object);

typedef struct cordial_guard {
    size_t used;          /* bytes allocated by this state now */
    size_t peak;          /* the most it ever held */
    size_t limit;         /* memory cap in bytes, 0 = none */
    size_t grace;         /* headroom past the cap for error handling after a kill */
    size_t pending_size;  /* the refused request Lua retries after an emergency GC */
    int in_host;          /* Swift frames are innermost: an allocation must not raise */
    int kill;             /* CORDIAL_KILL_*, written under mutex, read atomically */
    int depth;            /* nesting of host->Lua calls; the outermost one is timed */
    long long budget_ns;  /* wall-clock budget of an outermost call, 0 = none */
    long long deadline;   /* CLOCK_MONOTONIC_COARSE ns; 0 = not armed */
    long long now;        /* the watchdog's clock, updated every tick: arming reads no clock */
    long long collect_deadline; /* for finalizers run by the host's collections */
    lua_State *main;
    lua_State *current;   /* the running thread (coroutines), under mutex */
    pthread_mutex_t mutex;
    void *host;           /* the Swift LuaState, unretained */
    cordial_dispatch_fn dispatch;
    cordial_release_fn release; /* drops the Swift object of a collected userdata */
    char budget_text[32]; /* "0.5 s" */
    char limit_text[32];  /* "64 MB" */
    char where[96];       /* file:line of the allocation that crossed the cap */
} cordial_guard;

static inline long long cordial_coarse_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static inline cordial_guard *cordial_guard_of(lua_State *L) {
    return *(cordial_guard **)lua_getextraspace(L);
}

static inline int cordial_guard_kill_reason(cordial_guard *g) {
    return __atomic_load_n(&g->kill, __ATOMIC_ACQUIRE);
}

static inline size_t cordial_guard_used(cordial_guard *g) { return g->used; }
static inline size_t cordial_guard_peak(cordial_guard *g) { return g->peak; }
static inline void cordial_guard_reset_peak(cordial_guard *g) { g->peak = g->used; }
static inline const char *cordial_guard_where(cordial_guard *g) { return g->where; }

static inline void cordial_limit_hook(lua_State *L, lua_Debug *ar);

/* Records the first Lua frame's file:line into g->where (no allocation). */
static inline void cordial_guard_record_where(cordial_guard *g, lua_State *L) {
    lua_Debug ar;
    g->where[0] = '\0';
    for (int level = 0; level < 32 && lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
            snprintf(g->where, sizeof g->where, "%s:%d", ar.short_src, ar.currentline);
            return;
        }
    }
}

/* Makes a limit fatal: every Lua instruction of the running thread and of the
 * main thread now raises, so a pcall in the script cannot carry on. */
static inline void cordial_guard_kill(cordial_guard *g, int reason) {
    pthread_mutex_lock(&g->mutex);
    if (g->main == NULL) { /* closed */
        pthread_mutex_unlock(&g->mutex);
        return;
    }
    if (__atomic_load_n(&g->kill, __ATOMIC_RELAXED) == CORDIAL_KILL_NONE)
        __atomic_store_n(&g->kill, reason, __ATOMIC_RELEASE);
    lua_sethook(g->main, cordial_limit_hook, LUA_MASKCOUNT, 1);
    if (g->current && g->current != g->main)
        lua_sethook(g->current, cordial_limit_hook, LUA_MASKCOUNT, 1);
    pthread_mutex_unlock(&g->mutex);
}

/* Called by the watchdog thread: kills the call whose deadline has passed.
 * The compare-and-swap makes sure it is the same call: a later call's deadline
 * is always later than `now`. Returns 1 when it killed. */
static inline int cordial_guard_check_deadline(cordial_guard *g, long long now) {
    __atomic_store_n(&g->now, now, __ATOMIC_RELAXED);
    long long d = __atomic_load_n(&g->deadline, __ATOMIC_ACQUIRE);
    if (d <= 0 || now < d) return 0;
    if (!__atomic_compare_exchange_n(&g->deadline, &d, CORDIAL_DEADLINE_KILLED, 0,
                                     __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
        return 0;
    cordial_guard_kill(g, CORDIAL_KILL_TIME);
    return 1;
}

/* After the outermost call: forget the kill and remove the hooks. */
static inline int cordial_guard_take_kill(cordial_guard *g) {
    pthread_mutex_lock(&g->mutex);
    int reason = __atomic_exchange_n(&g->kill, CORDIAL_KILL_NONE, __ATOMIC_ACQ_REL);
    if (reason != CORDIAL_KILL_NONE) {
        lua_sethook(g->main, NULL, 0, 0);
        g->current = g->main;
    }
    pthread_mutex_unlock(&g->mutex);
    g->pending_size = 0;
    return reason;
}

/* Pushes "time limit of 0.5 s exceeded at file:line" for the frame in `ar`. */
static inline void cordial_push_kill_message(lua_State *L, cordial_guard *g, int reason, lua_Debug *ar) {
    const char *src = ar ? ar->short_src : "?";
    int line = ar ? ar->currentline : 0;
    if (reason == CORDIAL_KILL_TIME)
        lua_pushfstring(L, "time limit of %s exceeded at %s:%d", g->budget_text, src, line);
    else
        lua_pushfstring(L, "memory limit of %s exceeded at %s:%d", g->limit_text, src, line);
}

static inline void cordial_limit_hook(lua_State *L, lua_Debug *ar) {
    cordial_guard *g = cordial_guard_of(L);
    int reason = cordial_guard_kill_reason(g);
    if (reason == CORDIAL_KILL_NONE) { /* a stale hook from an earlier call */
        lua_sethook(L, NULL, 0, 0);
        return;
    }
    lua_getinfo(L, "Sl", ar);
    cordial_push_kill_message(L, g, reason, ar);
    lua_error(L);
}

/* Bounds finalizers run by the host's collections and by lua_close, when no
 * watchdog is watching: every 1000 instructions it checks the clock. */
static inline void cordial_collect_hook(lua_State *L, lua_Debug *ar) {
    cordial_guard *g = cordial_guard_of(L);
    if (cordial_coarse_now() < g->collect_deadline) return;
    lua_getinfo(L, "Sl", ar);
    cordial_push_kill_message(L, g, CORDIAL_KILL_TIME, ar);
    lua_error(L);
}

/* The allocator of every state: counts bytes and holds the cap.
 * Over the cap it first refuses, so that Lua runs an emergency collection and
 * retries; if the retry is still over, the state is killed. The retry is granted
 * within the grace (the limit hook then raises with file:line at the next
 * instruction) or refused (Lua raises "not enough memory" at once). While Swift
 * frames are innermost nothing is refused: a raise there would unwind Swift. */
static inline void *cordial_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    cordial_guard *g = (cordial_guard *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        g->used -= old;
        return NULL;
    }
    if (g->limit && nsize > old && g->used + (nsize - old) > g->limit && !g->in_host) {
        size_t grow = nsize - old;
        int retry = g->pending_size == nsize;
        g->pending_size = retry ? 0 : nsize;
        /* Every refusal records its place (refusals are rare): whichever way Lua reports
         * it (a raised "not enough memory", or the kill below), the message can say where. */
        if (g->current || g->main) cordial_guard_record_where(g, g->current ? g->current : g->main);
        if (!retry && cordial_guard_kill_reason(g) == CORDIAL_KILL_NONE) return NULL;
        if (cordial_guard_kill_reason(g) != CORDIAL_KILL_MEMORY)
            cordial_guard_kill(g, CORDIAL_KILL_MEMORY);
        if (g->used + grow > g->limit + g->grace) return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block == NULL) return NULL;
    g->pending_size = 0;
    g->used = g->used - old + nsize;
    if (g->used > g->peak) g->peak = g->used;
    return block;
}

/* ------------------------------------------------------------ trampoline */

/* Every Swift function is this C closure with upvalue 1 = the Swift function's
 * object (a light userdata; the host keeps the object alive). */
static inline int cordial_trampoline(lua_State *L) {
    cordial_guard *g = cordial_guard_of(L);
    int saved = g->in_host;
    g->in_host = 1;
    int n = g->dispatch(L, g->host, lua_touserdata(L, lua_upvalueindex(1)));
    g->in_host = saved;
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

static inline void cordial_push_swift_function(lua_State *L, void *function) {
    lua_pushlightuserdata(L, function);
    lua_pushcclosure(L, cordial_trampoline, 1);
}

/* A Swift object in a userdata is one retained pointer; __gc releases it. */
static inline int cordial_userdata_gc(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, 1);
    if (slot && *slot) {
        void *object = *slot;
        *slot = NULL;
        cordial_guard_of(L)->release(object);
    }
    return 0;
}

static inline void cordial_push_object(lua_State *L, void *object) {
    void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 0);
    *slot = object;
}

static inline void *cordial_object_at(lua_State *L, int idx) {
    void **slot = (void **)lua_touserdata(L, idx);
    return slot ? *slot : NULL;
}

static inline void cordial_push_userdata_gc(lua_State *L) { lua_pushcfunction(L, cordial_userdata_gc); }

/* ------------------------------------------------------------ host calls */

/* The host's only way into Lua. The outermost call arms the deadline that the
 * watchdog checks; arming reads the watchdog's last tick (at most one period old,
 * so a budget can stretch by one period) and costs one store. */
static inline int cordial_call(lua_State *L, int nargs, int nresults, int msgh) {
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

static inline int cordial_call_depth(lua_State *L) { return cordial_guard_of(L)->depth; }

/* ------------------------------------------------------- message handler */

static inline int cordial_tostring_helper(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}

/* Turns any error value into a readable message, even when it is a table whose
 * __tostring itself fails. */
static inline void cordial_push_error_text(lua_State *L, int idx) {
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
static inline int cordial_message_handler(lua_State *L) {
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

/* --------------------------------------------------------------- sandbox */

/* Opens only the safe libraries (never luaL_openlibs); run under lua_pcall. */
static inline int cordial_open_safe_libraries(lua_State *L) {
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
static inline int cordial_strict_index(lua_State *L) {
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
static inline int cordial_strict_newindex(lua_State *L) {
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

/* coroutine.resume, guarded: records the running thread so that a limit kill
 * reaches it, and makes a kill inside the coroutine fatal in the resumer too.
 * upvalue 1 = the original coroutine.resume. */
static inline int cordial_guarded_resume(lua_State *L) {
    /* stack: co, args... */
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

/* ------------------------------------------------------------- lifecycle */

static inline int cordial_panic(lua_State *L) {
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(non-string error)";
    fprintf(stderr, "cordial: unprotected Lua error (a bug in the host): %s\n", msg);
    fflush(stderr);
    abort();
    return 0;
}

static inline void cordial_ignore_warning(void *ud, const char *msg, int tocont) {
    (void)ud; (void)msg; (void)tocont;
}

/* Creates a state whose allocator counts into a new guard. NULL on failure. */
static inline lua_State *cordial_newstate(cordial_guard **out, cordial_dispatch_fn dispatch, cordial_release_fn release) {
    cordial_guard *g = (cordial_guard *)calloc(1, sizeof(cordial_guard));
    if (!g) return NULL;
    pthread_mutex_init(&g->mutex, NULL);
    g->in_host = 1;
    g->now = cordial_coarse_now();
    g->dispatch = dispatch;
    g->release = release;
    lua_State *L = lua_newstate(cordial_alloc, g);
    if (!L) {
        pthread_mutex_destroy(&g->mutex);
        free(g);
        return NULL;
    }
    *(cordial_guard **)lua_getextraspace(L) = g;
    g->main = L;
    g->current = L;
    lua_atpanic(L, cordial_panic);
    lua_setwarnf(L, cordial_ignore_warning, NULL);
    *out = g;
    return L;
}

static inline void cordial_guard_set_host(cordial_guard *g, void *host) { g->host = host; }

static inline void cordial_guard_set_budget(cordial_guard *g, long long budget_ns, const char *text) {
    g->budget_ns = budget_ns;
    snprintf(g->budget_text, sizeof g->budget_text, "%s", text);
}

static inline void cordial_guard_set_limit(cordial_guard *g, size_t limit, const char *text) {
    g->limit = limit;
    g->grace = limit ? (limit / 8 < (1u << 20) ? (1u << 20) : limit / 8) : 0;
    snprintf(g->limit_text, sizeof g->limit_text, "%s", text);
}

/* A full collection from the host, finalizers bounded by `budget_ns`. */
static inline void cordial_collect(lua_State *L, long long budget_ns) {
    cordial_guard *g = cordial_guard_of(L);
    int saved = g->in_host;
    g->collect_deadline = cordial_coarse_now() + budget_ns;
    lua_sethook(L, cordial_collect_hook, LUA_MASKCOUNT, 1000);
    g->in_host = 0;
    lua_gc(L, LUA_GCCOLLECT);
    g->in_host = saved;
    lua_sethook(L, NULL, 0, 0);
}

/* Closes the state (finalizers bounded by `budget_ns`) and frees the guard.
 * The watchdog must no longer be watching this guard. */
static inline void cordial_close(lua_State *L, long long budget_ns) {
    cordial_guard *g = cordial_guard_of(L);
    __atomic_store_n(&g->kill, CORDIAL_KILL_NONE, __ATOMIC_RELEASE);
    g->limit = 0; /* closing frees memory; nothing is refused any more */
    g->collect_deadline = cordial_coarse_now() + budget_ns;
    lua_sethook(L, cordial_collect_hook, LUA_MASKCOUNT, 1000);
    g->in_host = 0;
    pthread_mutex_lock(&g->mutex);
    g->main = NULL; /* a late watchdog kill now leaves the state alone */
    g->current = NULL;
    pthread_mutex_unlock(&g->mutex);
    lua_gc(L, LUA_GCCOLLECT); /* a full collection first: finalizers run while the state is whole */
    lua_close(L);
    pthread_mutex_destroy(&g->mutex);
    free(g);
}

/* Pushers, so that Swift never needs a C function's address. */
static inline void cordial_push_message_handler(lua_State *L) { lua_pushcfunction(L, cordial_message_handler); }
static inline void cordial_push_open_safe_libraries(lua_State *L) { lua_pushcfunction(L, cordial_open_safe_libraries); }
static inline void cordial_push_tostring_helper(lua_State *L) { lua_pushcfunction(L, cordial_tostring_helper); }
/* For the sandbox prelude: make_strict_metatable(declared, withheld) returns the
 * metatable of the globals table; make_guarded_resume(resume) the guarded resume. */
static inline int cordial_make_strict_metatable(lua_State *L) {
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
static inline int cordial_make_guarded_resume(lua_State *L) {
    /* stack: resume */
    lua_settop(L, 1);
    lua_pushcclosure(L, cordial_guarded_resume, 1);
    return 1;
}
/* The message handler of a script's xpcall, guarded: after a time or memory kill the
 * script's handler is not run. (Lua runs a message handler for an error raised by a hook
 * with hooks disabled, so a handler that loops could otherwise never be stopped.)
 * upvalue 1 = the script's handler. */
static inline int cordial_guarded_handler(lua_State *L) {
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
static inline int cordial_make_guarded_handler(lua_State *L) {
    /* stack: handler */
    lua_settop(L, 1);
    lua_pushcclosure(L, cordial_guarded_handler, 1);
    return 1;
}
static inline void cordial_push_make_guarded_handler(lua_State *L) { lua_pushcfunction(L, cordial_make_guarded_handler); }
static inline void cordial_push_make_strict_metatable(lua_State *L) { lua_pushcfunction(L, cordial_make_strict_metatable); }
static inline void cordial_push_make_guarded_resume(lua_State *L) { lua_pushcfunction(L, cordial_make_guarded_resume); }

#endif
