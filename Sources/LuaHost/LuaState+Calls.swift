import CLua
import CLuaHost

/// Calls from Swift into Lua, and the errors they report.
extension LuaState {
    /// Calls the function at registry reference `ref`; `pushArguments` pushes the arguments
    /// (at most `argumentSlots` slots) and returns how many. The first result is read as `R`.
    /// Inlinable, so that it is specialised for the caller's types: no generic dispatch per call.
    @inlinable
    func call<R: LuaReadable>(
        ref: Int32, argumentSlots: Int32, pushArguments: (LuaStack) -> Int32
    ) throws(LuaRunError) -> R {
        guard !isClosed else { throw LuaRunError.closedState }
        let L = activeL
        let base = lua_gettop(L)
        ensureStack(L, argumentSlots + 4)
        let handler = pushMessageHandler(L, base: base)
        lua_rawgeti(L, cordial_registryindex(), lua_Integer(ref))
        let stack = LuaStack(L: L, state: self)
        let pushed = pushArguments(stack)
        guard pushed >= 0 else {
            lua_settop(L, base)
            throw LuaRunError(kind: .badResult, message: "too many arguments for Lua's stack")
        }
        let status = cordial_call(L, pushed, 1, handler)
        defer { lua_settop(L, base) }
        guard status == LUA_OK else { throw runError(status: status, on: L) }
        beginReadingResults()
        do {
            return try R.read(from: stack, at: -1)
        } catch {
            throw LuaRunError.badResult(error)
        }
    }

    /// Calls the function at registry reference `ref` with any arguments; every result.
    func callValues(ref: Int32, _ arguments: [LuaValue]) throws(LuaRunError) -> [LuaValue] {
        guard !isClosed else { throw LuaRunError.closedState }
        let L = activeL
        let base = lua_gettop(L)
        guard lua_checkstack(L, Int32(clamping: arguments.count + 4)) != 0 else {
            throw LuaRunError(kind: .badResult, message: "too many arguments (\(arguments.count))")
        }
        let handler = pushMessageHandler(L, base: base)
        let firstResult = lua_gettop(L) + 1
        lua_rawgeti(L, cordial_registryindex(), lua_Integer(ref))
        for argument in arguments { push(argument, on: L) }
        let status = cordial_call(L, Int32(arguments.count), LUA_MULTRET, handler)
        defer { lua_settop(L, base) }
        guard status == LUA_OK else { throw runError(status: status, on: L) }
        var results: [LuaValue] = []
        beginReadingResults()
        let top = lua_gettop(L)
        if top >= firstResult {
            for index in firstResult...top {
                do { results.append(try value(at: index, on: L)) } catch {
                    throw LuaRunError(kind: .badResult, message: "bad result #\(index - firstResult + 1): \(error.message)")
                }
            }
        }
        return results
    }

    /// The stack index of the message handler for a call from `base`. The main thread keeps
    /// one at index 1 for good (saving a push per call), usable by calls from the host's top
    /// level; inside a Swift function index 1 is that function's first argument, and a
    /// coroutine has its own stack, so those get one pushed.
    @usableFromInline
    func pushMessageHandler(_ L: OpaquePointer, base: Int32) -> Int32 {
        if L == self.L && base >= 1 && cordial_call_depth(L) == 0 { return 1 }
        cordial_push_message_handler(L)
        return base + 1
    }

    /// Reads the error left by a failed call, then (for the outermost call) clears a limit
    /// kill and collects, so the state is usable again.
    @usableFromInline
    func runError(status: Int32, on L: OpaquePointer) -> LuaRunError {
        var message = "unknown error"
        var location: String?
        var traceback = ""
        if lua_type(L, -1) == LUA_TTABLE {
            message = field("message", ofTableAt: -1, on: L) ?? message
            location = field("where", ofTableAt: -1, on: L)
            traceback = Self.withoutHostFrames(field("traceback", ofTableAt: -1, on: L) ?? "")
        } else if let text = stringAt(-1, on: L) {
            message = text
        }
        if status == LUA_ERRERR { message = "error in the error handler: \(message)" }

        let outermost = cordial_call_depth(L) == 0
        let reason = outermost ? cordial_guard_take_kill(guardPointer) : cordial_guard_kill_reason(guardPointer)
        var kind = LuaRunError.Kind.error
        if reason == Int32(CORDIAL_KILL_MEMORY) || status == LUA_ERRMEM {
            // Lua does not call the message handler for memory errors: the allocator recorded where.
            kind = .memoryLimit
            // A kill raised again by a Swift function keeps its place, maybe behind a location.
            if !message.contains("memory limit of") {
                let recorded = String(cString: cordial_guard_where(guardPointer))
                let place = recorded.isEmpty ? location : recorded
                message = limits.memoryBytes == nil
                    ? "not enough memory" + (place.map { " at \($0)" } ?? "")
                    : "memory limit of \(limits.memoryText) exceeded" + (place.map { " at \($0)" } ?? "")
            }
        } else if reason == Int32(CORDIAL_KILL_TIME) {
            kind = .timeLimit
            if !message.contains("time limit of") {
                message = "time limit of \(limits.timeText) exceeded" + (location.map { " at \($0)" } ?? "")
            }
        }
        if outermost && kind != .error {
            cordial_collect(L, 1_000_000_000)
        }
        return LuaRunError(kind: kind, message: message, location: location, traceback: traceback)
    }

    /// A traceback without the frames of the host's own Lua chunks (named `[sandbox]`: the
    /// strict globals' metamethods, the segment driver), which the script's author cannot act on.
    static func withoutHostFrames(_ traceback: String) -> String {
        guard traceback.contains("[sandbox]:") else { return traceback }
        return traceback.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.drop { $0 == "\t" || $0 == " " }.hasPrefix("[sandbox]:") }
            .joined(separator: "\n")
    }

    private func field(_ name: String, ofTableAt index: Int32, on L: OpaquePointer) -> String? {
        let table = lua_absindex(L, index)
        LuaStack(L: L, state: self).push(name)
        lua_rawget(L, table)
        defer { cordial_pop(L, 1) }
        return stringAt(-1, on: L)
    }

    func stringAt(_ index: Int32, on L: OpaquePointer) -> String? {
        guard lua_type(L, index) == LUA_TSTRING else { return nil }
        var length = 0
        let pointer = lua_tolstring(L, index, &length)
        let bytes = UnsafeRawBufferPointer(start: pointer, count: length)
        return String(decoding: bytes, as: UTF8.self)
    }
}
