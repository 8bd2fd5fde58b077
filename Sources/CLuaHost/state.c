#include "internal.h"

int cordial_panic(lua_State *L) {
    const char *msg = lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : "(non-string error)";
    fprintf(stderr, "cordial: unprotected Lua error (a bug in the host): %s\n", msg);
    fflush(stderr);
    abort();
    return 0;
}

void cordial_ignore_warning(void *ud, const char *msg, int tocont) {
    (void)ud; (void)msg; (void)tocont;
}

/* Creates a state whose allocator counts into a new guard. NULL on failure. */
lua_State *cordial_newstate(cordial_guard **out, cordial_dispatch_fn dispatch, cordial_release_fn release) {
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

/* A full collection from the host, finalizers bounded by `budget_ns`. */
void cordial_collect(lua_State *L, long long budget_ns) {
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
void cordial_close(lua_State *L, long long budget_ns) {
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
