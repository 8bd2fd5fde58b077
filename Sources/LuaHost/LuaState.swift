import CLua
import CLuaHost
import Foundation

/// One sandboxed Lua 5.4 state with its own memory cap and time budget.
///
/// A state is confined to the thread that created it (it is deliberately not `Sendable`);
/// use ``LuaWorkerPool`` for parallel work. Lua errors never unwind Swift frames: Swift calls
/// Lua only through `lua_pcall`, and Swift functions report failure to a C trampoline that
/// raises the Lua error (DESIGN.md decision 2).
///
/// ```swift
/// let state = try LuaState(limits: LuaLimits(memoryBytes: 32 << 20, timeSeconds: 0.5))
/// try state.setGlobal("greet", .function(state.function("greet") { args in
///     "Xin chào, " + (try args.get(1, "name", as: String.self))
/// }))
/// let text: String = try state.evaluate(#"return greet("An")"#).first?.stringValue ?? ""
/// ```
public final class LuaState {
    /// The main thread of the state.
    @usableFromInline let L: OpaquePointer
    let guardPointer: UnsafeMutablePointer<cordial_guard>
    /// The thread that is running now: the main thread, or a coroutine whose Swift function is running.
    @exclusivity(unchecked) @usableFromInline var activeL: OpaquePointer
    /// Shared with every ``LuaReference``; cleared on close.
    var handle: LuaStateHandle!
    /// Bytes the running Swift function charged against the cap for its own work (see
    /// ``chargeForCall(_:)``); given back when it returns.
    @exclusivity(unchecked) var chargedForCall = 0
    /// Swift functions running (called from Lua) now.
    @exclusivity(unchecked) var invokeDepth = 0
    /// Bytes of Swift copies made while reading a call's results, outside any call: bounded by
    /// the memory cap, so that a returned table of shared subtables cannot be expanded for
    /// ever after the deadline is gone (see ``beginReadingResults()``).
    @exclusivity(unchecked) var resultBytes = 0
    /// Registry reference of the sandbox's internal table: `freeze`, `loaded`, `declared`.
    var internalsRef: Int32 = 0
    /// Metatables of registered object types, by the Swift class they expose.
    var objectMetatables: [ObjectIdentifier: Int32] = [:]
    /// The same metatables, by their Lua identity, to recognise our userdata.
    var objectTypesByMetatable: [UnsafeRawPointer: String] = [:]
    @exclusivity(unchecked) @usableFromInline private(set) var isClosed = false

    /// The directory under which `require "a.b"` finds `a/b.lua`; nil: host modules only.
    public let moduleRoot: URL?
    /// Chunk names of files are paths relative to this directory (`@plugins/x/plugin.lua`),
    /// so that messages point at files the way the user names them.
    public let chunkNameRoot: URL?
    /// Modules held in memory, by `require` name: searched before ``moduleRoot``. A plugin's
    /// files are read once and kept here, so that states made later (a worker pool, a reload
    /// that failed) run the same text even when the files on disk have changed since.
    public var moduleSources: [String: LuaSource] = [:]
    /// Where `print` writes; standard output unless the host redirects it.
    public var output: (String) -> Void = { text in
        FileHandle.standardOutput.write(Data(text.utf8))
    }
    /// The memory cap and time budget; changing them applies to the next call.
    public var limits: LuaLimits {
        didSet { applyLimits() }
    }

    /// A Swift function exposed to Lua; its Lua closure's userdata holds it retained (released
    /// when the closure is collected), and a call touches no reference count.
    @usableFromInline final class SwiftFunction {
        let name: String
        let body: (LuaArguments) throws -> Int32

        init(name: String, body: @escaping (LuaArguments) throws -> Int32) {
            self.name = name
            self.body = body
        }
    }

    /// Creates a state with the safe libraries and the sandbox of DESIGN.md decision 8.
    ///
    /// - Parameters:
    ///   - limits: the memory cap and the per-call time budget.
    ///   - moduleRoot: the directory `require` may load `.lua` files from (nil: none).
    ///   - chunkNameRoot: file chunk names are relative to it, so errors read
    ///     `plugins/x/util.lua:12: …`; the current directory unless given.
    public init(
        limits: LuaLimits = .default, moduleRoot: URL? = nil,
        chunkNameRoot: URL? = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
    ) throws(LuaRunError) {
        var guardPointer: UnsafeMutablePointer<cordial_guard>?
        guard let L = cordial_newstate(&guardPointer, luaHostDispatch, luaHostRelease), let guardPointer else {
            throw LuaRunError(kind: .memoryLimit, message: "cannot create a Lua state: out of memory")
        }
        self.L = L
        self.activeL = L
        self.guardPointer = guardPointer
        self.limits = limits
        self.moduleRoot = moduleRoot?.standardizedFileURL
        self.chunkNameRoot = chunkNameRoot?.standardizedFileURL
        self.handle = LuaStateHandle(state: self)
        cordial_guard_set_host(guardPointer, Unmanaged.passUnretained(self).toOpaque())
        applyLimits()
        LuaWatchdog.shared.watch(guardPointer)
        do {
            try openSandbox()
        } catch {
            close()
            throw error
        }
    }

    deinit {
        close()
    }

    /// Closes the state: a full collection (finalizers bounded to one second), then `lua_close`.
    /// Calls after closing throw ``LuaRunError/Kind/closed``.
    public func close() {
        guard !isClosed else { return }
        isClosed = true
        handle.clear()
        LuaWatchdog.shared.unwatch(guardPointer)
        cordial_close(L, 1_000_000_000)
    }

    private func applyLimits() {
        let budget = limits.timeSeconds.map { Int64(($0 * 1e9).rounded()) } ?? 0
        cordial_guard_set_budget(guardPointer, budget, limits.timeText)
        cordial_guard_set_limit(guardPointer, limits.memoryBytes.map { max(0, $0) } ?? 0, limits.memoryText)
    }

    // MARK: - Memory

    /// Bytes the state holds now.
    public var memoryUsed: Int { cordial_guard_used(guardPointer) }
    /// The most the state has held since creation or ``resetPeakMemory()``.
    public var peakMemory: Int { cordial_guard_peak(guardPointer) }
    public func resetPeakMemory() { cordial_guard_reset_peak(guardPointer) }

    /// A full garbage collection; finalizers written in Lua get at most `budgetSeconds`.
    public func collectGarbage(budgetSeconds: Double = 1) {
        guard !isClosed else { return }
        cordial_collect(L, Int64(budgetSeconds * 1e9))
    }

    // MARK: - Loading

    /// Compiles text (never a binary chunk) into a function without running it.
    ///
    /// - Parameter chunkName: `@path` for files (messages then read `path:line:`), `=name` for anything else.
    public func load(_ source: String, chunkName: String = "=[string]") throws(LuaLoadError) -> LuaFunction {
        var bytes = Array(source.utf8)
        return try load(bytes: &bytes, chunkName: chunkName)
    }

    /// Whether `file`, with every link resolved, lies inside `root` (links resolved too).
    public static func isInside(_ file: URL, _ root: URL) -> Bool {
        let real = file.resolvingSymlinksInPath().standardizedFileURL.path
        let base = root.resolvingSymlinksInPath().standardizedFileURL.path
        return real.hasPrefix(base.hasSuffix("/") ? base : base + "/")
    }

    /// Compiles the file at `path`; the chunk is named by the path relative to ``chunkNameRoot``
    /// (the full path when it is not under it), so errors read `plugins/x/plugin.lua:3: …`.
    public func loadFile(_ path: URL) throws(LuaLoadError) -> LuaFunction {
        let displayName = LuaState.displayPath(of: path, relativeTo: chunkNameRoot)
        var bytes: [UInt8]
        do {
            bytes = Array(try Data(contentsOf: path))
        } catch {
            let exists = FileManager.default.fileExists(atPath: path.path)
            throw LuaLoadError(
                kind: exists ? .unreadableFile : .missingFile,
                message: exists ? "cannot read \(displayName)" : "cannot open \(displayName): no such file",
                location: displayName)
        }
        return try load(bytes: &bytes, chunkName: "@" + displayName)
    }

    func load(bytes: inout [UInt8], chunkName: String) throws(LuaLoadError) -> LuaFunction {
        guard !isClosed else { throw LuaLoadError(kind: .unreadableFile, message: "the Lua state is closed") }
        // A first line starting with '#' (a shebang) is skipped as lua.c does; the newline stays so lines count right.
        if bytes.first == UInt8(ascii: "#") {
            let end = bytes.firstIndex(of: UInt8(ascii: "\n")) ?? bytes.endIndex
            bytes.replaceSubrange(0..<end, with: [])
        }
        let L = activeL
        // Parsed under the limits (a call of its own, or within the running one): Lua's parser
        // runs no instruction the hook could stop, and a long text takes seconds to compile.
        ensureStack(L, 4)
        let status = bytes.withUnsafeBufferPointer { buffer in
            cordial_push_host_load(L)
            lua_pushlightuserdata(L, UnsafeMutableRawPointer(mutating: buffer.baseAddress))
            lua_pushinteger(L, lua_Integer(buffer.count))
            LuaStack(L: L, state: self).push(chunkName)
            return cordial_call(L, 3, 1, 0)
        }
        if status == LUA_OK, cordial_call_depth(L) == 0, cordial_guard_kill_reason(guardPointer) != CORDIAL_KILL_NONE {
            // A limit reached after the parser's last check: the function is dropped, and the
            // kill is taken here so that it does not end the next call.
            cordial_pop(L, 1)
            let memory = cordial_guard_take_kill(guardPointer) == Int32(CORDIAL_KILL_MEMORY)
            cordial_collect(L, 1_000_000_000)
            let reason = memory ? "memory limit of \(limits.memoryText) exceeded" : "time limit of \(limits.timeText) exceeded"
            throw LuaLoadError(kind: .limit, message: "\(reason) while compiling \(chunkName.dropFirst())")
        }
        guard status == LUA_OK else {
            let error = runError(status: status, on: L)
            cordial_pop(L, 1)
            switch error.kind {
            case .timeLimit, .memoryLimit:
                throw LuaLoadError(kind: .limit, message: "\(error.message) while compiling \(chunkName.dropFirst())")
            default:
                throw LuaLoadError(kind: .syntax, message: error.message)
            }
        }
        let reference = makeReference(at: -1, on: L)
        cordial_pop(L, 1)
        return LuaFunction(reference: reference)
    }

    /// Loads and runs text, returning every result.
    @discardableResult
    public func evaluate(_ source: String, chunkName: String = "=[string]") throws -> [LuaValue] {
        try load(source, chunkName: chunkName).callValues([])
    }

    /// `path` relative to `root` when it is under it, else the full path.
    public static func displayPath(of path: URL, relativeTo root: URL?) -> String {
        let full = path.standardizedFileURL.path
        guard let root else { return full }
        let prefix = root.standardizedFileURL.path.hasSuffix("/") ? root.standardizedFileURL.path : root.standardizedFileURL.path + "/"
        return full.hasPrefix(prefix) ? String(full.dropFirst(prefix.count)) : full
    }

    // MARK: - Globals and modules

    /// Sets a global of the sandbox (declaring it, so that reading it is not an error).
    public func setGlobal(_ name: String, _ value: LuaValue) throws(LuaRunError) {
        guard !isClosed else { throw LuaRunError.closedState }
        let L = activeL
        ensureStack(L, 4)
        lua_rawgeti(L, cordial_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        LuaStack(L: L, state: self).push(name)
        push(value, on: L)
        lua_rawset(L, -3)
        cordial_pop(L, 1)
        declare(name, on: L)
    }

    /// Reads a global of the sandbox (raw: no error for undeclared names, `.nil` instead).
    public func global(_ name: String) throws(LuaRunError) -> LuaValue {
        guard !isClosed else { throw LuaRunError.closedState }
        let L = activeL
        ensureStack(L, 3)
        lua_rawgeti(L, cordial_registryindex(), lua_Integer(LUA_RIDX_GLOBALS))
        LuaStack(L: L, state: self).push(name)
        lua_rawget(L, -2)
        defer { cordial_pop(L, 2) }
        beginReadingResults()
        do { return try value(at: -1, on: L) } catch {
            throw LuaRunError(kind: .badResult, message: "global '\(name)': \(error.message)")
        }
    }

    /// Makes `value` available to `require(name)`, frozen: scripts can read it, never change it.
    public func registerModule(_ name: String, _ value: LuaValue) throws(LuaRunError) {
        let register = try internalFunction("register")
        try register.run(name, value)
    }

    private func declare(_ name: String, on L: OpaquePointer) {
        lua_rawgeti(L, cordial_registryindex(), lua_Integer(internalsRef))
        LuaStack(L: L, state: self).push("declared")
        lua_rawget(L, -2)
        LuaStack(L: L, state: self).push(name)
        lua_pushboolean(L, 1)
        lua_rawset(L, -3)
        cordial_pop(L, 2)
    }

    func internalFunction(_ name: String) throws(LuaRunError) -> LuaFunction {
        guard !isClosed else { throw LuaRunError.closedState }
        let L = activeL
        ensureStack(L, 3)
        lua_rawgeti(L, cordial_registryindex(), lua_Integer(internalsRef))
        LuaStack(L: L, state: self).push(name)
        lua_rawget(L, -2)
        defer { cordial_pop(L, 2) }
        return LuaFunction(reference: makeReference(at: -1, on: L))
    }

    // MARK: - References

    func makeReference(at index: Int32, on L: OpaquePointer) -> LuaReference {
        let typeName = String(cString: lua_typename(L, lua_type(L, index)))
        lua_pushvalue(L, index)
        let ref = luaL_ref(L, cordial_registryindex())
        return LuaReference(handle: handle, ref: ref, typeName: typeName)
    }

    func releaseReference(_ ref: Int32) {
        guard !isClosed else { return }
        luaL_unref(activeL, cordial_registryindex(), ref)
    }

    /// Makes room for `count` pushes. Inside a Swift function called from Lua the trampoline
    /// has already reserved `CORDIAL_HOST_STACK_SLOTS` (and a script that filled its stack got
    /// a Lua "stack overflow" there), so failing here is a host bug, never a script's doing.
    @usableFromInline
    final func ensureStack(_ L: OpaquePointer, _ count: Int32) {
        if lua_checkstack(L, count) == 0 {
            preconditionFailure("Lua stack cannot grow by \(count) slots")
        }
    }
}
