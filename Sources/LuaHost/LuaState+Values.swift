import CLua
import CLuaHost

/// A Lua value that cannot become a ``LuaValue``: a cyclic or too deeply nested table.
struct LuaValueReadError: Error {
    let message: String
}

extension LuaState {
    /// Tables nested deeper than this are refused both ways (a cycle guard and a C-stack guard).
    static let maximumNesting = 100

    /// Pushes a Swift value. Tables are built with raw sets, so nothing here can raise.
    func push(_ value: LuaValue, on L: OpaquePointer, depth: Int = 0) {
        switch value {
        case .nil:
            lua_pushnil(L)
        case .boolean(let flag):
            lua_pushboolean(L, flag ? 1 : 0)
        case .integer(let number):
            lua_pushinteger(L, number)
        case .number(let number):
            lua_pushnumber(L, number)
        case .string(let string):
            string.bytes.withUnsafeBufferPointer { buffer in
                buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
            }
        case .table(let table):
            guard depth < LuaState.maximumNesting else {
                lua_pushnil(L)
                return
            }
            ensureStack(L, 4)
            lua_createtable(L, Int32(clamping: table.array.count), Int32(clamping: table.hash.count))
            for (offset, element) in table.array.enumerated() {
                push(element, on: L, depth: depth + 1)
                lua_rawseti(L, -2, lua_Integer(offset + 1))
            }
            for (key, element) in table.hash {
                if key.isNil || element.isNil { continue }
                if case .number(let number) = key, number.isNaN { continue }
                push(key, on: L, depth: depth + 1)
                push(element, on: L, depth: depth + 1)
                lua_rawset(L, -3)
            }
        case .function(let function):
            pushReference(function.reference, on: L)
        case .object(let box):
            pushObject(box.object, on: L)
        case .opaque(let reference):
            pushReference(reference, on: L)
        }
    }

    private func pushReference(_ reference: LuaReference, on L: OpaquePointer) {
        precondition(reference.state === self, "a Lua value from one state pushed onto another")
        lua_rawgeti(L, cordial_registryindex(), lua_Integer(reference.ref))
    }

    /// Reads the value at `index`. Tables are copied with raw access (their metatables are
    /// not consulted; a read-only view is read as the table behind it); functions, coroutines and foreign userdata come back as references.
    func value(at index: Int32, on L: OpaquePointer) throws(LuaValueReadError) -> LuaValue {
        var visiting: Set<UnsafeRawPointer> = []
        return try value(at: lua_absindex(L, index), on: L, visiting: &visiting)
    }

    private func value(
        at index: Int32, on L: OpaquePointer, visiting: inout Set<UnsafeRawPointer>
    ) throws(LuaValueReadError) -> LuaValue {
        switch lua_type(L, index) {
        case LUA_TNIL, LUA_TNONE:
            return .nil
        case LUA_TBOOLEAN:
            return .boolean(lua_toboolean(L, index) != 0)
        case LUA_TNUMBER:
            if lua_isinteger(L, index) != 0 { return .integer(lua_tointegerx(L, index, nil)) }
            return .number(lua_tonumberx(L, index, nil))
        case LUA_TSTRING:
            var length = 0
            let pointer = lua_tolstring(L, index, &length)
            try meter(length + LuaState.valueOverhead)
            return .string(LuaString(bytes: Array(UnsafeRawBufferPointer(start: pointer, count: length))))
        case LUA_TTABLE:
            // A read-only view (a customer view) reads as the table behind it.
            ensureStack(L, 4)
            let view = cordial_view_data(L, index)
            if view < 0 {
                defer { cordial_pop(L, 1) }
                var length = 0
                let message = lua_tolstring(L, -1, &length).map { String(decoding: UnsafeRawBufferPointer(start: $0, count: length), as: UTF8.self) }
                throw LuaValueReadError(message: message ?? "a customer view could not be built here")
            }
            if view != 0 {
                defer { cordial_pop(L, 1) }
                return .table(try table(at: lua_absindex(L, -1), on: L, visiting: &visiting))
            }
            return .table(try table(at: index, on: L, visiting: &visiting))
        case LUA_TFUNCTION:
            return .function(LuaFunction(reference: makeReference(at: index, on: L)))
        case LUA_TUSERDATA:
            if let object = object(at: index, on: L) { return .object(LuaObjectBox(object)) }
            return .opaque(makeReference(at: index, on: L))
        default:
            return .opaque(makeReference(at: index, on: L))
        }
    }

    private func table(
        at index: Int32, on L: OpaquePointer, visiting: inout Set<UnsafeRawPointer>
    ) throws(LuaValueReadError) -> LuaTable {
        guard let identity = lua_topointer(L, index) else { return LuaTable() }
        guard visiting.count < LuaState.maximumNesting else {
            throw LuaValueReadError(message: "table nested more than \(LuaState.maximumNesting) levels deep")
        }
        guard visiting.insert(identity).inserted else {
            throw LuaValueReadError(message: "table contains itself")
        }
        defer { visiting.remove(identity) }
        ensureStack(L, 4)
        var table = LuaTable()
        let length = lua_rawlen(L, index)
        // A border is not a count (a table with keys 1…5 and 2^44 can have that length):
        // reserve a little, the array grows as entries come.
        table.array.reserveCapacity(min(Int(length), 1024))
        lua_pushnil(L)
        while lua_next(L, index) != 0 {
            // key at -2, value at -1; reading never converts the key in place
            let key: LuaValue
            let element: LuaValue
            do {
                key = try value(at: lua_absindex(L, -2), on: L, visiting: &visiting)
                element = try value(at: lua_absindex(L, -1), on: L, visiting: &visiting)
            } catch {
                cordial_pop(L, 2)
                throw error
            }
            table[key] = element
            cordial_pop(L, 1)
            try meter(LuaState.valueOverhead)
        }
        return table
    }

    /// What a state without a memory cap may copy of one call's results (trusted code: a
    /// bound against a table of shared subtables, not a quota).
    static let uncappedResultBytes = 1 << 30

    /// Swift bytes a value takes besides its text (an enum case, a dictionary slot).
    static let valueOverhead = 48

    /// A copy of a script's value made for a Swift function counts against the script's cap
    /// while the function runs, and a long copy stops at the deadline: a table holding a
    /// thousand references to one 1 MB string is a gigabyte once copied.
    private func meter(_ bytes: Int) throws(LuaValueReadError) {
        if invokeDepth == 0 {
            // Reading a call's results: the call is over (no deadline, nothing to charge), so
            // the copy is bounded by the cap itself.
            resultBytes += bytes
            if let cap = limits.memoryBytes, resultBytes > cap {
                throw LuaValueReadError(message: "the values returned take more than the memory limit of \(limits.memoryText) to copy")
            }
            if limits.memoryBytes == nil, resultBytes > LuaState.uncappedResultBytes {
                throw LuaValueReadError(message: "the values returned take more than 1 GB to copy")
            }
            return
        }
        do {
            try chargeForCall(bytes)
            try checkLimits()
        } catch {
            throw LuaValueReadError(message: "a limit of the script was reached")
        }
    }

    /// Starts the count of a call's results against the cap (see ``resultBytes``).
    @usableFromInline
    func beginReadingResults() {
        if invokeDepth == 0 { resultBytes = 0 }
    }
}
