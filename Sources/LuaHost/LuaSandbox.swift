import CLua
import CLuaHost
import Foundation

/// The sandbox of DESIGN.md decision 8, set up once per state.
///
/// Only the safe libraries are opened, one by one (never `luaL_openlibs`). The prelude below
/// then replaces the globals with frozen copies of what scripts may use, and makes reading or
/// assigning an undeclared global an error (the C side is `cordial_strict_*` in CLuaHost/sandbox.c).
enum LuaSandbox {
    /// Names that exist in stock Lua but not here, so that using one says why.
    static let withheld = ["io", "debug", "package", "dofile", "loadfile"]

    static let prelude = #"""
    local host = ...
    local G = _G
    local next, type, error, select, tostring, rawset, rawget, setmetatable, getmetatable, pcall, xpcall =
          next, type, error, select, tostring, rawset, rawget, setmetatable, getmetatable, pcall, xpcall
    local format = string.format
    local concat, pack, unpack = table.concat, table.pack, table.unpack
    local original_collectgarbage = collectgarbage
    local create, yield, status, close = coroutine.create, coroutine.yield, coroutine.status, coroutine.close

    local function unavailable(name)
      return function() error(format("'%s' is not available in the Cordial sandbox", name), 2) end
    end

    -- Read-only proxies: an empty table whose __index is a private copy; nested tables are
    -- frozen too. rawset is wrapped below, setmetatable is stopped by __metatable.
    local readonly = setmetatable({}, { __mode = "k" })
    local proxy_of = setmetatable({}, { __mode = "k" })
    local copy_of = setmetatable({}, { __mode = "k" })
    local function freeze(t, name)
      if type(t) ~= "table" or readonly[t] then return t end
      local proxy = proxy_of[t]
      if proxy then return proxy end
      local copy = {}
      proxy = setmetatable({}, {
        __index = copy,
        __newindex = function(_, key)
          error(format("attempt to modify read-only table '%s' (key '%s')", name, tostring(key)), 2)
        end,
        __len = function() return #copy end,
        __pairs = function() return function(_, key) return next(copy, key) end, proxy, nil end,
        __metatable = false,
      })
      readonly[proxy] = true
      proxy_of[t] = proxy
      copy_of[proxy] = copy
      for key, value in next, t do
        copy[key] = freeze(value, type(key) == "string" and (name .. "." .. key) or name)
      end
      return proxy
    end

    local is_view = host.is_view
    local function sandbox_rawset(t, key, value)
      if readonly[t] then error("attempt to modify a read-only table with rawset", 2) end
      if is_view(t) then error("a customer view is read-only (rawset)", 2) end
      return rawset(t, key, value)
    end

    -- Finalizers run with hooks disabled (lgc.c), so a __gc that loops could never be
    -- stopped: tables may not have one. (Host objects keep theirs, written in C.)
    local function sandbox_setmetatable(t, metatable)
      if type(t) ~= "table" then
        error(format("bad argument #1 to 'setmetatable' (table expected, got %s)", type(t)), 2)
      end
      if type(metatable) == "table" and rawget(metatable, "__gc") ~= nil then
        error("__gc metamethods are not available in the Cordial sandbox", 2)
      end
      -- through pcall, so that a refusal (a protected metatable) names the script's line
      local ok, result = pcall(setmetatable, t, metatable)
      if not ok then error(result, 2) end
      return result
    end

    -- A message handler runs with hooks disabled after a limit kill: the guarded one skips it then.
    local guarded_handler = host.guarded_handler
    local function sandbox_xpcall(f, handler, ...)
      return xpcall(f, guarded_handler(handler), ...)
    end

    -- The functions that can loop in C without running a Lua instruction (patterns, rep,
    -- move, insert, remove, concat, sort, load's parser) are replaced by copies that stop at
    -- a limit (CLuaHost/bounded.c); they behave exactly as the stock ones otherwise.
    -- Its load compiles text only.
    local bounded = host.bounded_library()
    local sandbox_load = bounded.load

    local gc_options = { count = true, collect = true, step = true, isrunning = true }
    local function sandbox_collectgarbage(option, ...)
      if option == nil then option = "collect" end
      if not gc_options[option] then
        error(format("collectgarbage('%s') is not available in the Cordial sandbox", tostring(option)), 2)
      end
      return original_collectgarbage(option, ...)
    end

    local write = host.write
    local function print(...)
      local n = select("#", ...)
      local parts = pack(...)
      for i = 1, n do parts[i] = tostring(parts[i]) end
      write(concat(parts, "\t", 1, n) .. "\n")
    end

    -- coroutine.resume that lets a time or memory limit reach the coroutine and its resumer.
    local resume = host.guarded_resume(coroutine.resume)
    -- coroutine.close runs the coroutine's pending __close handlers on the coroutine's own
    -- thread: guarded the same way, so that a limit reaches a handler that loops there.
    close = host.guarded_resume(close)
    local function wrap(f)
      local co = create(f)
      return function(...)
        local results = pack(resume(co, ...))
        if results[1] then return unpack(results, 2, results.n) end
        if status(co) == "dead" then close(co) end
        error(results[2], 0)
      end
    end

    -- The bounded functions go into the stock tables too, which Lua's own error messages
    -- search for a function's name ("bad argument #1 to 'string.find'").
    for _, name in next, { "find", "match", "gmatch", "gsub", "rep" } do string[name] = bounded[name] end
    for _, name in next, { "insert", "remove", "move", "concat", "sort" } do table[name] = bounded[name] end
    local string_library = {}
    for key, value in next, string do string_library[key] = value end
    string_library.dump = unavailable("string.dump")

    local os_library = { time = os.time, date = os.date, clock = os.clock, difftime = os.difftime }
    for _, name in next, { "execute", "exit", "getenv", "remove", "rename", "tmpname", "setlocale" } do
      os_library[name] = unavailable("os." .. name)
    end

    local libraries = {
      string = freeze(string_library, "string"),
      table = freeze(table, "table"),
      math = freeze(math, "math"),
      utf8 = freeze(utf8, "utf8"),
      os = freeze(os_library, "os"),
      coroutine = freeze({
        create = create, resume = resume, yield = yield, status = status, close = close,
        wrap = wrap, running = coroutine.running, isyieldable = coroutine.isyieldable,
      }, "coroutine"),
    }

    -- Strings index the frozen copy directly; getmetatable("") shows a read-only view.
    local string_metatable = getmetatable("")
    string_metatable.__index = copy_of[libraries.string]
    string_metatable.__metatable = freeze({ __index = libraries.string }, "string metatable")

    local loaded, loading = {}, {}
    for name, library in next, libraries do loaded[name] = library end
    local withheld_modules = { io = true, debug = true, package = true }
    local search = host.search
    local function require(name)
      if type(name) ~= "string" then
        error(format("bad argument #1 to 'require' (string expected, got %s)", type(name)), 2)
      end
      local module = loaded[name]
      if module ~= nil then return module end
      if withheld_modules[name] then
        error(format("module '%s' is not available in the Cordial sandbox", name), 2)
      end
      if loading[name] then error(format("module '%s' requires itself (a require loop)", name), 2) end
      local chunk, problem = search(name)
      if not chunk then error(problem, 2) end
      loading[name] = true
      local ok, result = pcall(chunk, name)
      loading[name] = nil
      if not ok then error(result, 0) end
      if result == nil then result = true end
      loaded[name] = result
      return result
    end

    local builtins = {
      assert = assert, error = error, getmetatable = getmetatable, ipairs = ipairs, next = host.next,
      pairs = host.pairs, pcall = pcall, print = print, rawequal = rawequal, rawget = rawget,
      rawlen = rawlen, rawset = sandbox_rawset, select = select, setmetatable = sandbox_setmetatable,
      tonumber = tonumber, tostring = tostring, type = type, xpcall = sandbox_xpcall, _VERSION = _VERSION,
      load = sandbox_load, collectgarbage = sandbox_collectgarbage, require = require,
    }
    for name, library in next, libraries do builtins[name] = library end

    for key in next, G do G[key] = nil end
    for key, value in next, builtins do G[key] = value end
    G._G = G
    loaded._G = G

    local declared = {}
    for key in next, G do declared[key] = true end
    local withheld = {}
    for _, name in next, host.withheld do withheld[name] = true end
    setmetatable(G, host.strict_metatable(declared, withheld))

    local function register(name, value)
      loaded[name] = freeze(value, name)
    end
    return { freeze = freeze, loaded = loaded, declared = declared, register = register }
    """#

    /// `require "a.b"` looks for `a/b.lua`, then `a/b/init.lua`, under the module root.
    static func isValidModuleName(_ name: String) -> Bool {
        let parts = name.split(separator: ".", omittingEmptySubsequences: false)
        return !parts.isEmpty && parts.allSatisfy { part in
            guard let first = part.first, first == "_" || (first.isASCII && first.isLetter) else { return false }
            return part.allSatisfy { $0 == "_" || $0 == "-" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }
        }
    }
}

extension LuaState {
    /// Opens the safe libraries and runs the prelude; called once by `init`.
    func openSandbox() throws(LuaRunError) {
        let L = self.L
        ensureStack(L, 4)
        cordial_push_message_handler(L)
        cordial_push_open_safe_libraries(L)
        let status = cordial_call(L, 0, 0, 1)
        guard status == LUA_OK else {
            let message = stringAt(-1, on: L) ?? "cannot open the Lua libraries"
            lua_settop(L, 0)
            throw LuaRunError(kind: .error, message: message)
        }
        lua_settop(L, 0)

        let prelude: LuaFunction
        do {
            prelude = try load(LuaSandbox.prelude, chunkName: "=[sandbox]")
        } catch {
            throw LuaRunError(kind: .error, message: "sandbox prelude: \(error.message)")
        }
        let write = function("print") { [unowned self] arguments in
            // Lua strings are bytes: what is not UTF-8 is printed as U+FFFD, never dropped.
            self.output(String(decoding: try arguments.get(1, "text", as: LuaString.self).bytes, as: UTF8.self))
            return LuaNoValue()
        }
        let search = rawFunction("require") { [unowned self] arguments in
            try self.searchModule(arguments)
        }
        var host = LuaTable()
        host["write"] = .function(write)
        host["search"] = .function(search)
        host["strict_metatable"] = .function(cFunction(cordial_push_make_strict_metatable))
        host["guarded_resume"] = .function(cFunction(cordial_push_make_guarded_resume))
        host["guarded_handler"] = .function(cFunction(cordial_push_make_guarded_handler))
        host["bounded_library"] = .function(cFunction(cordial_push_bounded_library))
        host["is_view"] = .function(cFunction(cordial_push_view_is))
        host["next"] = .function(cFunction(cordial_push_sandbox_next))
        host["pairs"] = .function(cFunction(cordial_push_sandbox_pairs))
        host["withheld"] = .table(LuaTable(array: LuaSandbox.withheld.map { .string(LuaString($0)) }))
        // The internals table is kept as it is in the registry (it holds the globals: a cycle).
        ensureStack(L, 4)
        cordial_push_message_handler(L)
        _ = prelude.push(onto: LuaStack(L: L, state: self))
        push(.table(host), on: L)
        let preludeStatus = cordial_call(L, 1, 1, 1)
        guard preludeStatus == LUA_OK, lua_type(L, -1) == LUA_TTABLE else {
            let message = lua_type(L, -1) == LUA_TTABLE ? "failed" : (stringAt(-1, on: L) ?? "failed")
            lua_settop(L, 0)
            throw LuaRunError(kind: .error, message: "sandbox prelude: \(message)")
        }
        internalsRef = luaL_ref(L, cordial_registryindex())
        lua_settop(L, 0)
        // The main thread's permanent message handler, at index 1 (see pushMessageHandler).
        cordial_push_message_handler(L)
    }

    /// A C function of CLuaHost, held as a Lua function.
    private func cFunction(_ pusher: (OpaquePointer?) -> Void) -> LuaFunction {
        ensureStack(L, 1)
        pusher(L)
        defer { cordial_pop(L, 1) }
        return LuaFunction(reference: makeReference(at: -1, on: L))
    }

    /// `require`'s file search: pushes the loaded chunk, or nil and why not.
    private func searchModule(_ arguments: LuaArguments) throws -> Int32 {
        let name = try arguments.get(1, "name", as: String.self)
        let stack = arguments.stack
        func notFound(_ why: String) -> Int32 {
            lua_pushnil(stack.L)
            stack.push("module '\(name)' not found: \(why)")
            return 2
        }
        guard LuaSandbox.isValidModuleName(name) else { return notFound("not a valid module name") }
        if let source = moduleSources[name] {
            do {
                return try load(source.text, chunkName: "@" + source.displayPath).push(onto: stack)
            } catch {
                lua_pushnil(stack.L)
                stack.push(error.message)
                return 2
            }
        }
        guard let root = moduleRoot else { return notFound("no host module of that name") }
        let relative = name.replacingOccurrences(of: ".", with: "/")
        let candidates = [root.appendingPathComponent(relative + ".lua"), root.appendingPathComponent(relative + "/init.lua")]
        guard let file = candidates.first(where: { FileManager.default.fileExists(atPath: $0.path) }) else {
            return notFound("no host module and no file '\(relative).lua' under the module root")
        }
        // A link (the file, or a folder on its way) that leads out of the module root is
        // refused: a script may read its own files only.
        guard LuaState.isInside(file, root) else {
            return notFound("'\(relative).lua' leads outside the module root (a link); only the script's own files can be required")
        }
        let chunk: LuaFunction
        do {
            chunk = try loadFile(file)
        } catch {
            lua_pushnil(stack.L)
            stack.push(error.message)
            return 2
        }
        return chunk.push(onto: stack)
    }
}
