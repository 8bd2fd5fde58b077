/*
 * CLuaHost: the host's own C, compiled once (DESIGN.md, "CLuaHost").
 *
 * Swift must never be unwound by lua_error's longjmp (DESIGN.md decision 2), so every
 * raise happens in these C frames:
 *   - `cordial_guard`, the per-state record of the memory cap, the time budget and the
 *     "kill" that makes a limit fatal (pcall cannot swallow it);
 *   - the counting allocator, the limit hook and the watchdog's deadline check (guard.c);
 *   - the trampoline through which Lua calls Swift functions (Swift reports failure by
 *     return value and the trampoline raises), the host's protected call and the message
 *     handler that turns any error value into message + where + traceback (call.c);
 *   - the sandbox's protected helpers: safe libraries, strict globals, guarded
 *     coroutine.resume and xpcall handlers (sandbox.c);
 *   - the library functions that loop in C (patterns, string.rep, table.move...), copied
 *     from Lua 5.4.4 with a check of the kill in every loop (bounded.c);
 *   - creating, collecting and closing states (state.c).
 * The thin wrappers of Lua's macros are in CLua's shim.h.
 */
#ifndef CORDIAL_LUA_HOST_H
#define CORDIAL_LUA_HOST_H

#include <lua.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <CCustomerBlock.h>

enum {
    CORDIAL_KILL_NONE = 0,
    CORDIAL_KILL_TIME = 1,
    CORDIAL_KILL_MEMORY = 2,
};

/* Stack slots every Swift function called from Lua may use (checked before it runs): the
 * host's own pushes stay well inside (a value nested 100 levels deep takes about 300). */
#define CORDIAL_HOST_STACK_SLOTS 1000

/* A deadline value that means "this call was killed by the watchdog". */
#define CORDIAL_DEADLINE_KILLED (-1LL)

/* Swift's side of a Lua->Swift call: >= 0 results pushed; -1 an error message
 * string is on top (the trampoline prefixes the caller's file:line); -2 an error
 * value is on top that is raised as it is (a Lua error passing through Swift); -3 a
 * limit stopped the Swift work (the state is killed): the kill's message is raised. */
typedef int (*cordial_dispatch_fn)(lua_State *L, void *host, void *function);

typedef void (*cordial_release_fn)(void *object);

typedef struct cordial_guard {
    size_t used;          /* bytes allocated by this state now */
    size_t peak;          /* the most it ever held */
    size_t limit;         /* memory cap in bytes, 0 = none */
    size_t grace;         /* headroom past the cap for error handling after a kill */
    size_t pending_size;  /* the refused request Lua retries after an emergency GC */
    int refused;          /* a request was refused and not retried yet (see cordial_alloc) */
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
    char returned_at[96]; /* file:line of the return the return locator saw (call.c) */
} cordial_guard;

/* ------------------------------------------------------------- the guard */

long long cordial_coarse_now(void);
int cordial_guard_kill_reason(cordial_guard *g);
size_t cordial_guard_used(cordial_guard *g);
size_t cordial_guard_peak(cordial_guard *g);
void cordial_guard_reset_peak(cordial_guard *g);
const char *cordial_guard_where(cordial_guard *g);
/* Called by the watchdog thread: kills the call whose deadline has passed.
 * The compare-and-swap makes sure it is the same call: a later call's deadline
 * is always later than `now`. Returns 1 when it killed. */
int cordial_guard_check_deadline(cordial_guard *g, long long now);
/* After the outermost call: forget the kill and remove the hooks. */
int cordial_guard_take_kill(cordial_guard *g);
/* Host memory spent on a script's behalf (Swift copies of its values, texts built for it),
 * counted against the cap like Lua's own: returns 0, and kills the state, when the charge
 * crosses the cap. `discharge` gives it back. */
int cordial_guard_charge(lua_State *L, size_t bytes);
void cordial_guard_discharge(lua_State *L, size_t bytes);
/* Every Swift function is this C closure with upvalue 1 = a userdata holding the retained
 * Swift function object, released by its __gc when the closure is collected. The userdata
 * is `charge` bytes, so that the Swift memory behind it counts against the cap. */
int cordial_trampoline(lua_State *L);
void cordial_push_swift_function(lua_State *L, void *function, size_t charge);
void cordial_push_object(lua_State *L, void *object);
void *cordial_object_at(lua_State *L, int idx);
void cordial_push_userdata_gc(lua_State *L);
/* The host's only way into Lua. The outermost call arms the deadline that the
 * watchdog checks; arming reads the watchdog's last tick (at most one period old,
 * so a budget can stretch by one period) and costs one store. */
int cordial_call(lua_State *L, int nargs, int nresults, int msgh);
int cordial_call_depth(lua_State *L);
/* The message handler of every host call; leaves {message, where, traceback}. */
int cordial_message_handler(lua_State *L);
/* Pushes "file:line" of the innermost script frame that called the running C function (the
 * sandbox's own frames skipped) and returns 1; pushes nothing and returns 0 without one. */
int cordial_push_caller_where(lua_State *L);
/* Opens only the safe libraries (never luaL_openlibs); run under lua_pcall. */
int cordial_open_safe_libraries(lua_State *L);
/* Creates a state whose allocator counts into a new guard. NULL on failure. */
lua_State *cordial_newstate(cordial_guard **out, cordial_dispatch_fn dispatch, cordial_release_fn release);
void cordial_guard_set_host(cordial_guard *g, void *host);
void cordial_guard_set_budget(cordial_guard *g, long long budget_ns, const char *text);
void cordial_guard_set_limit(cordial_guard *g, size_t limit, const char *text);
/* A full collection from the host, finalizers bounded by `budget_ns`. */
void cordial_collect(lua_State *L, long long budget_ns);
/* Closes the state (finalizers bounded by `budget_ns`) and frees the guard.
 * The watchdog must no longer be watching this guard. */
void cordial_close(lua_State *L, long long budget_ns);
/* Pushers, so that Swift never needs a C function's address. */
void cordial_push_message_handler(lua_State *L);
void cordial_push_open_safe_libraries(lua_State *L);
void cordial_push_tostring_helper(lua_State *L);
/* `locate(fn, ...)`: calls fn(...) again to find where it returned; gives its first result
 * and "file:line" of the return statement that gave it (nil when none was seen). For error
 * reports about a result (a label that is not declared): a result has no location of its own. */
void cordial_push_return_locator(lua_State *L);
void cordial_push_make_guarded_handler(lua_State *L);
void cordial_push_make_strict_metatable(lua_State *L);
void cordial_push_make_guarded_resume(lua_State *L);
/* Read-only views (view.c): replaces the table on top by a proxy that reads it and refuses
 * every write ("a customer view is read-only (assigning '<path><key>')"); the tables inside
 * it are handed out as views too. Called from the host (allocates, never raises). */
void cordial_view_seal(lua_State *L, const char *path);
/* Pushes the table a view reads and returns 1, or returns 0 when `idx` is not a view. A
 * lazy view's table is made here (under a protected call: this is for the host); when that
 * fails, its message is pushed instead and -1 returned. */
int cordial_view_data(lua_State *L, int idx);

/* Lazy customer views (view.c): a segment run hands a thousand customers to a state at a
 * time, and a segment reads a few fields of each. A batch is one userdata holding every
 * customer's scalar fields (this block), with a function as its user value that builds a
 * customer's whole data table. Each customer's view is a proxy over the batch and its row:
 * the fields below are read straight from the block; any other read (or pairs, next, #)
 * makes the whole data table once, through the function, and the view then reads it as any
 * other view. The block's layout is CCustomerBlock.h's; a day outside years 0-9999 is
 * read that way too. */
/* Pops the function on top (`make(row, batch)` pushes row's data table, row counted from 0,
 * reading the batch userdata's block) and
 * pushes a batch userdata of `bytes` bytes (at least the block), whose memory is returned
 * for the host to fill. Called from the host (allocates, never raises). */
cordial_block *cordial_view_batch_new(lua_State *L, size_t bytes);
/* Pushes the lazy view of row `row` of the batch at `batch`. Called from the host. */
void cordial_view_push_lazy(lua_State *L, int batch, int row);
/* Pushes a Lua function `is_view(value)` (for the sandbox's rawset). */
void cordial_push_view_is(lua_State *L);
/* The sandbox's next and pairs: stock Lua's, reading a view as its data. */
void cordial_push_sandbox_next(lua_State *L);
void cordial_push_sandbox_pairs(lua_State *L);
/* The host's loader: call it with cordial_call(L, 3, 1, 0) and the arguments (text as a
 * light userdata, its length, chunk name); it parses in pieces under the limits (bounded.c). */
void cordial_push_host_load(lua_State *L);
/* A function returning the library functions bounded by the limits (bounded.c). */
void cordial_push_bounded_library(lua_State *L);

#endif
