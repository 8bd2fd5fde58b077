#include "CLuaBench.h"
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>
#include <time.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

long long cordial_bench_c_calls_lua(long long iterations) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (luaL_dostring(L, "return function(a, b, c) return a + b + c end") != LUA_OK) {
        lua_close(L);
        return -1;
    }
    int ref = luaL_ref(L, LUA_REGISTRYINDEX);
    long long sum = 0;
    long long start = now_ns();
    for (long long i = 0; i < iterations; i++) {
        lua_rawgeti(L, LUA_REGISTRYINDEX, ref);
        lua_pushinteger(L, i);
        lua_pushinteger(L, 2);
        lua_pushinteger(L, 3);
        if (lua_pcall(L, 3, 1, 0) != LUA_OK) {
            lua_close(L);
            return -1;
        }
        sum += lua_tointegerx(L, -1, NULL);
        lua_pop(L, 1);
    }
    long long elapsed = now_ns() - start;
    lua_close(L);
    return sum == 0 && iterations > 1 ? -1 : elapsed;
}

static int add3(lua_State *L) {
    lua_Integer a = luaL_checkinteger(L, 1), b = luaL_checkinteger(L, 2), c = luaL_checkinteger(L, 3);
    lua_pushinteger(L, a + b + c);
    return 1;
}

long long cordial_bench_lua_calls_c(long long iterations) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    lua_pushcfunction(L, add3);
    lua_setglobal(L, "add3");
    if (luaL_loadstring(L, "local n = ... local add3 = add3 local s = 0 "
                           "for i = 1, n do s = add3(i, 2, 3) end return s") != LUA_OK) {
        lua_close(L);
        return -1;
    }
    lua_pushinteger(L, iterations);
    long long start = now_ns();
    int status = lua_pcall(L, 1, 1, 0);
    long long elapsed = now_ns() - start;
    lua_close(L);
    return status == LUA_OK ? elapsed : -1;
}

long long cordial_bench_c_script(const char *source) {
    lua_State *L = luaL_newstate();
    luaL_openlibs(L);
    if (luaL_loadstring(L, source) != LUA_OK) {
        lua_close(L);
        return -1;
    }
    long long start = now_ns();
    int status = lua_pcall(L, 0, 0, 0);
    long long elapsed = now_ns() - start;
    lua_close(L);
    return status == LUA_OK ? elapsed : -1;
}
