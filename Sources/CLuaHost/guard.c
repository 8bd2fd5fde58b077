#include "internal.h"

long long cordial_coarse_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC_COARSE, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int cordial_guard_kill_reason(cordial_guard *g) {
    return __atomic_load_n(&g->kill, __ATOMIC_ACQUIRE);
}

size_t cordial_guard_used(cordial_guard *g) { return g->used; }

size_t cordial_guard_peak(cordial_guard *g) { return g->peak; }

void cordial_guard_reset_peak(cordial_guard *g) { g->peak = g->used; }

const char *cordial_guard_where(cordial_guard *g) { return g->where; }

/* Records the first Lua frame's file:line into g->where (no allocation); the host's own
 * chunks ("=[sandbox]": the sandbox's functions, the segment driver) are skipped, so the
 * place named is the script's. */
void cordial_guard_record_where(cordial_guard *g, lua_State *L) {
    lua_Debug ar;
    g->where[0] = '\0';
    for (int level = 0; level < 32 && lua_getstack(L, level, &ar); level++) {
        if (lua_getinfo(L, "Sl", &ar) && ar.currentline > 0 && strcmp(ar.source, "=[sandbox]") != 0) {
            snprintf(g->where, sizeof g->where, "%s:%d", ar.short_src, ar.currentline);
            return;
        }
    }
}

/* Makes a limit fatal: every Lua instruction of the running thread and of the
 * main thread now raises, so a pcall in the script cannot carry on. */
void cordial_guard_kill(cordial_guard *g, int reason) {
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
int cordial_guard_check_deadline(cordial_guard *g, long long now) {
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
int cordial_guard_take_kill(cordial_guard *g) {
    pthread_mutex_lock(&g->mutex);
    int reason = __atomic_exchange_n(&g->kill, CORDIAL_KILL_NONE, __ATOMIC_ACQ_REL);
    if (reason != CORDIAL_KILL_NONE) {
        lua_sethook(g->main, NULL, 0, 0);
        g->current = g->main;
    }
    pthread_mutex_unlock(&g->mutex);
    g->pending_size = 0;
    g->refused = 0;
    return reason;
}

/* Pushes "time limit of 0.5 s exceeded at file:line" for the frame in `ar`. */
void cordial_push_kill_message(lua_State *L, cordial_guard *g, int reason, lua_Debug *ar) {
    /* No Lua frame (the parser of a host load): the message names no place; the host adds
     * what it was doing ("while compiling plugin.lua"). */
    int placed = ar && ar->currentline > 0;
    const char *src = placed ? ar->short_src : "";
    int line = placed ? ar->currentline : 0;
    if (reason == CORDIAL_KILL_TIME && placed)
        lua_pushfstring(L, "time limit of %s exceeded at %s:%d", g->budget_text, src, line);
    else if (reason == CORDIAL_KILL_TIME && g->where[0]) /* raised again in the host's code: where it first landed */
        lua_pushfstring(L, "time limit of %s exceeded at %s", g->budget_text, g->where);
    else if (reason == CORDIAL_KILL_TIME)
        lua_pushfstring(L, "time limit of %s exceeded", g->budget_text);
    else if (g->where[0]) /* where the request over the cap was made, not where the kill lands */
        lua_pushfstring(L, "memory limit of %s exceeded at %s", g->limit_text, g->where);
    else if (placed)
        lua_pushfstring(L, "memory limit of %s exceeded at %s:%d", g->limit_text, src, line);
    else
        lua_pushfstring(L, "memory limit of %s exceeded", g->limit_text);
}

/* The innermost frame from `level` up that runs the script's own code, with a line: the
 * host's Lua chunks (all named "=[sandbox]") are skipped, so that a kill that lands in them
 * (the sandbox's require, the segment driver) names the script's line. */
static int script_frame(lua_State *L, int level, lua_Debug *ar) {
    for (; level < 64 && lua_getstack(L, level, ar); level++)
        if (lua_getinfo(L, "Sl", ar) && ar->currentline > 0 && strcmp(ar->source, "=[sandbox]") != 0) return 1;
    return 0;
}

void cordial_limit_hook(lua_State *L, lua_Debug *ar) {
    cordial_guard *g = cordial_guard_of(L);
    int reason = cordial_guard_kill_reason(g);
    if (reason == CORDIAL_KILL_NONE && g->refused) {
        /* A refusal that nobody retried: lauxlib's buffers (string.rep, gsub, concat,
         * pack) raise "not enough memory" at once, which a pcall could catch. It is as
         * fatal as a refusal Lua retried after its emergency collection. */
        g->refused = 0;
        cordial_guard_kill(g, CORDIAL_KILL_MEMORY);
        reason = CORDIAL_KILL_MEMORY;
    }
    if (reason == CORDIAL_KILL_NONE) { /* a stale hook from an earlier call */
        lua_sethook(L, NULL, 0, 0);
        return;
    }
    lua_Debug script;
    if (script_frame(L, 0, &script)) {
        /* The first script line a kill lands on is kept: if a pcall of the host's catches it,
         * the kill raised again in the host's own code still names it. */
        if (!g->where[0]) snprintf(g->where, sizeof g->where, "%s:%d", script.short_src, script.currentline);
        cordial_push_kill_message(L, g, reason, &script);
    } else {
        /* Only the host's own chunks are running: the message names no place of theirs. */
        lua_getinfo(L, "Sl", ar);
        cordial_push_kill_message(L, g, reason, strcmp(ar->source, "=[sandbox]") == 0 ? NULL : ar);
    }
    lua_error(L);
}

int cordial_guard_charge(lua_State *L, size_t bytes) {
    cordial_guard *g = cordial_guard_of(L);
    g->used += bytes;
    if (g->used > g->peak) g->peak = g->used;
    if (!g->limit || g->used <= g->limit) return 1;
    if (cordial_guard_kill_reason(g) == CORDIAL_KILL_NONE) {
        cordial_guard_record_where(g, L);
        cordial_guard_kill(g, CORDIAL_KILL_MEMORY);
    }
    return 0;
}

void cordial_guard_discharge(lua_State *L, size_t bytes) {
    cordial_guard *g = cordial_guard_of(L);
    g->used = bytes < g->used ? g->used - bytes : 0;
}

void cordial_raise_kill(lua_State *L) {
    cordial_guard *g = cordial_guard_of(L);
    int reason = cordial_guard_kill_reason(g);
    lua_Debug ar;
    int found = script_frame(L, 1, &ar);
    cordial_push_kill_message(L, g, reason, found ? &ar : NULL);
    lua_error(L);
}

/* Bounds finalizers run by the host's collections and by lua_close, when no
 * watchdog is watching: every 1000 instructions it checks the clock. */
void cordial_collect_hook(lua_State *L, lua_Debug *ar) {
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
void *cordial_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
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
        g->refused = !retry;
        /* Every refusal records its place (refusals are rare): whichever way Lua reports
         * it (a raised "not enough memory", or the kill below), the message can say where. */
        if (g->current || g->main) cordial_guard_record_where(g, g->current ? g->current : g->main);
        if (!retry && cordial_guard_kill_reason(g) == CORDIAL_KILL_NONE) {
            /* Lua's own allocations retry at once after an emergency collection (clearing
             * `refused`); a caller that does not (lauxlib's buffers) raises instead, and the
             * hook at the next instruction makes that fatal. */
            pthread_mutex_lock(&g->mutex);
            if (g->main) lua_sethook(g->main, cordial_limit_hook, LUA_MASKCOUNT, 1);
            if (g->current && g->current != g->main) lua_sethook(g->current, cordial_limit_hook, LUA_MASKCOUNT, 1);
            pthread_mutex_unlock(&g->mutex);
            return NULL;
        }
        if (cordial_guard_kill_reason(g) != CORDIAL_KILL_MEMORY)
            cordial_guard_kill(g, CORDIAL_KILL_MEMORY);
        if (g->used + grow > g->limit + g->grace) return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block == NULL) return NULL;
    if (g->pending_size == nsize) g->refused = 0; /* Lua's retry, granted after its collection */
    g->pending_size = 0;
    g->used = g->used - old + nsize;
    if (g->used > g->peak) g->peak = g->used;
    return block;
}

void cordial_guard_set_host(cordial_guard *g, void *host) { g->host = host; }

void cordial_guard_set_budget(cordial_guard *g, long long budget_ns, const char *text) {
    g->budget_ns = budget_ns;
    snprintf(g->budget_text, sizeof g->budget_text, "%s", text);
}

void cordial_guard_set_limit(cordial_guard *g, size_t limit, const char *text) {
    g->limit = limit;
    g->grace = limit ? (limit / 8 < (1u << 20) ? (1u << 20) : limit / 8) : 0;
    snprintf(g->limit_text, sizeof g->limit_text, "%s", text);
}
