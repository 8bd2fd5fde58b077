import CLua

/// A Swift value that can be pushed onto a Lua stack: as an argument to a Lua function,
/// or as the result of a Swift function called from Lua.
public protocol LuaPushable {
    /// Pushes the value(s) and returns how many were pushed (-1: too many for Lua's stack).
    func push(onto stack: LuaStack) -> Int32
}

/// A Swift value that can be read from a Lua stack slot.
public protocol LuaReadable {
    /// Reads the value at `index`; throws when the slot holds another type.
    static func read(from stack: LuaStack, at index: Int32) throws(LuaConversionError) -> Self
}

/// A Lua value was not of the type Swift asked for.
public struct LuaConversionError: Error, Sendable {
    public let expected: String
    public let got: String

    public init(expected: String, got: String) {
        self.expected = expected
        self.got = got
    }
    public var problem: String { "expected \(expected), got \(got)" }
}

/// The stack of the thread running now, as handed to conversions.
public struct LuaStack {
    @usableFromInline let L: OpaquePointer
    @usableFromInline unowned(unsafe) let state: LuaState

    @usableFromInline init(L: OpaquePointer, state: LuaState) {
        self.L = L
        self.state = state
    }

    @usableFromInline
    func typeName(at index: Int32) -> String {
        if lua_type(L, index) == LUA_TNUMBER { return lua_isinteger(L, index) != 0 ? "integer" : "float" }
        return String(cString: lua_typename(L, lua_type(L, index)))
    }

    @usableFromInline
    func conversionError(_ expected: String, at index: Int32) -> LuaConversionError {
        LuaConversionError(expected: expected, got: lua_type(L, index) == LUA_TNONE ? "no value" : typeName(at: index))
    }


    /// The bytes of the string at `index`; the slot must hold a string.
    func bytes(at index: Int32) -> UnsafeRawBufferPointer {
        var length = 0
        let pointer = lua_tolstring(L, index, &length)
        return UnsafeRawBufferPointer(start: pointer, count: length)
    }
}

/// Several results from one Swift function: `return LuaMultipleValues([.nil, "not found"])`.
public struct LuaMultipleValues: LuaPushable {
    public var values: [LuaValue]
    public init(_ values: [LuaValue]) { self.values = values }
    public func push(onto stack: LuaStack) -> Int32 {
        guard lua_checkstack(stack.L, Int32(clamping: values.count + 1)) != 0 else { return -1 }
        for value in values { _ = value.push(onto: stack) }
        return Int32(values.count)
    }
}

/// No result: `return LuaNoValue()` from a Swift function that returns nothing.
public struct LuaNoValue: LuaPushable, LuaReadable {
    public init() {}
    public func push(onto stack: LuaStack) -> Int32 { 0 }
    public static func read(from stack: LuaStack, at index: Int32) -> LuaNoValue { LuaNoValue() }
}

extension LuaValue: LuaPushable, LuaReadable {
    public func push(onto stack: LuaStack) -> Int32 {
        stack.state.push(self, on: stack.L)
        return 1
    }

    public static func read(from stack: LuaStack, at index: Int32) throws(LuaConversionError) -> LuaValue {
        do { return try stack.state.value(at: index, on: stack.L) } catch {
            throw LuaConversionError(expected: "a convertible value", got: error.message)
        }
    }
}

extension Int64: LuaPushable, LuaReadable {
    @inlinable
    public func push(onto stack: LuaStack) -> Int32 {
        lua_pushinteger(stack.L, self)
        return 1
    }

    /// Integers, floats with an exact integer value and numeric strings: the rule of Lua's own
    /// `luaL_checkinteger`. One C call on the fast path.
    @inlinable @inline(__always)
    public static func read(from stack: LuaStack, at index: Int32) throws(LuaConversionError) -> Int64 {
        var isInteger: Int32 = 0
        let value = lua_tointegerx(stack.L, index, &isInteger)
        if isInteger != 0 { return value }
        if lua_type(stack.L, index) == LUA_TNUMBER {
            throw LuaConversionError(expected: "integer", got: "float with no integer representation")
        }
        throw stack.conversionError("integer", at: index)
    }
}

extension Int: LuaPushable, LuaReadable {
    @inlinable
    public func push(onto stack: LuaStack) -> Int32 {
        lua_pushinteger(stack.L, lua_Integer(self))
        return 1
    }

    @inlinable
    public static func read(from stack: LuaStack, at index: Int32) throws(LuaConversionError) -> Int {
        Int(try Int64.read(from: stack, at: index))
    }
}

extension Double: LuaPushable, LuaReadable {
    @inlinable
    public func push(onto stack: LuaStack) -> Int32 {
        lua_pushnumber(stack.L, self)
        return 1
    }

    @inlinable
    public static func read(from stack: LuaStack, at index: Int32) throws(LuaConversionError) -> Double {
        // Numbers and numeric strings, as Lua's own luaL_checknumber.
        var isNumber: Int32 = 0
        let value = lua_tonumberx(stack.L, index, &isNumber)
        if isNumber != 0 { return value }
        throw stack.conversionError("number", at: index)
    }
}

extension Bool: LuaPushable, LuaReadable {
    @inlinable
    public func push(onto stack: LuaStack) -> Int32 {
        lua_pushboolean(stack.L, self ? 1 : 0)
        return 1
    }

    @inlinable
    public static func read(from stack: LuaStack, at index: Int32) throws(LuaConversionError) -> Bool {
        guard lua_type(stack.L, index) == LUA_TBOOLEAN else { throw stack.conversionError("boolean", at: index) }
        return lua_toboolean(stack.L, index) != 0
    }
}

extension String: LuaPushable, LuaReadable {
    public func push(onto stack: LuaStack) -> Int32 {
        stack.push(self)
        return 1
    }

    /// Strings that are valid UTF-8 (numbers are not strings here).
    public static func read(from stack: LuaStack, at index: Int32) throws(LuaConversionError) -> String {
        guard lua_type(stack.L, index) == LUA_TSTRING else { throw stack.conversionError("string", at: index) }
        guard let text = String(validating: stack.bytes(at: index), as: UTF8.self) else {
            throw LuaConversionError(expected: "UTF-8 text", got: "invalid UTF-8")
        }
        return text
    }
}

extension LuaString: LuaPushable, LuaReadable {
    public func push(onto stack: LuaStack) -> Int32 {
        bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(stack.L, $0.baseAddress, $0.count) }
        }
        return 1
    }

    public static func read(from stack: LuaStack, at index: Int32) throws(LuaConversionError) -> LuaString {
        guard lua_type(stack.L, index) == LUA_TSTRING else { throw stack.conversionError("string", at: index) }
        return LuaString(bytes: Array(stack.bytes(at: index)))
    }
}

extension Optional: LuaPushable where Wrapped: LuaPushable {
    public func push(onto stack: LuaStack) -> Int32 {
        guard let self else {
            lua_pushnil(stack.L)
            return 1
        }
        return self.push(onto: stack)
    }
}

extension Optional: LuaReadable where Wrapped: LuaReadable {
    public static func read(from stack: LuaStack, at index: Int32) throws(LuaConversionError) -> Wrapped? {
        if lua_type(stack.L, index) <= LUA_TNIL { return nil }
        return try Wrapped.read(from: stack, at: index)
    }
}

extension LuaFunction: LuaPushable, LuaReadable {
    public func push(onto stack: LuaStack) -> Int32 {
        lua_rawgeti(stack.L, cordial_registryindex(), lua_Integer(reference.ref))
        return 1
    }

    public static func read(from stack: LuaStack, at index: Int32) throws(LuaConversionError) -> LuaFunction {
        guard lua_type(stack.L, index) == LUA_TFUNCTION else { throw stack.conversionError("function", at: index) }
        return LuaFunction(reference: stack.state.makeReference(at: index, on: stack.L))
    }
}

extension LuaTable: LuaPushable {
    public func push(onto stack: LuaStack) -> Int32 {
        stack.state.push(.table(self), on: stack.L)
        return 1
    }
}
