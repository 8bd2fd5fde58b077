/* Plain Lua C-API loops: the baselines `cordial bench lua` measures the host against.
 * Each returns the elapsed wall-clock nanoseconds, or -1 if Lua reported an error. */
#ifndef CORDIAL_LUA_BENCH_H
#define CORDIAL_LUA_BENCH_H

/* Calls a Lua function of three integers returning one, `iterations` times, from C. */
long long cordial_bench_c_calls_lua(long long iterations);

/* Runs a Lua loop calling a C function of three integers returning one, `iterations` times. */
long long cordial_bench_lua_calls_c(long long iterations);

/* Runs `source` in a plain state (luaL_newstate, standard allocator, no hook). */
long long cordial_bench_c_script(const char *source);

#endif
