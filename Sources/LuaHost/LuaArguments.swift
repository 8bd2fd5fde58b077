import CLua
import CLuaHost

/// The arguments of a Swift function called from Lua, with checks whose errors read
/// `module.fn: invalid 'param': expected integer, got string`.
///
/// ```swift
/// state.function("shop.discount") { args in
///     let price = try args.get(1, "price", as: Double.self)
///     let percent = try args.get(2, "percent", as: Int64?.self) ?? 10
///     return price * Double(100 - percent) / 100
/// }
/// ```
public struct LuaArguments {
    @usableFromInline let L: OpaquePointer
    @usableFromInline unowned(unsafe) let state: LuaState
    @usableFromInline unowned(unsafe) let swiftFunction: LuaState.SwiftFunction

    /// The name the function was registered under, used in error messages.
    public var function: String { swiftFunction.name }

    /// The stack the function runs on (a coroutine's when called inside one); results are pushed here.
    @inlinable public var stack: LuaStack { LuaStack(L: L, state: state) }

    /// The state the function runs in (to make Swift functions, e.g. an iterator, on the spot).
    public var luaState: LuaState { state }

    /// `plugins/x/plugin.lua:12`: where the script called this function (the innermost
    /// frame of the script's own code), for registrations that report problems later.
    public var callerLocation: String? {
        // Swift frames are innermost: the guard grants this short text without raising.
        guard cordial_push_caller_where(L) == 1 else { return nil }
        defer { lua_settop(L, -2) }
        return try? String.read(from: stack, at: -1)
    }

    /// How many arguments Lua passed.
    public var count: Int { Int(lua_gettop(L)) }

    /// Argument `index` (1-based) as `T`; a missing argument is nil.
    @inlinable @inline(__always)
    public func get<T: LuaReadable>(_ index: Int, _ parameter: String, as type: T.Type = T.self) throws(LuaArgumentError) -> T {
        do {
            return try T.read(from: stack, at: Int32(index))
        } catch {
            throw invalid(parameter, error.problem)
        }
    }

    /// Argument `index` as an integer within `range`, in the one argument-error shape
    /// otherwise (`invalid 'days': expected an integer from -3652425 to 3652425, got …`):
    /// every number that Swift computes with is range-checked, so no arithmetic on it can trap.
    public func integer(_ index: Int, _ parameter: String, in range: ClosedRange<Int64>) throws(LuaArgumentError) -> Int {
        let value = try get(index, parameter, as: Int64.self)
        guard range.contains(value) else {
            throw invalid(parameter, "expected an integer from \(range.lowerBound) to \(range.upperBound), got \(value)")
        }
        return Int(value)
    }

    /// Argument `index` as any ``LuaValue`` (tables are copied).
    public func value(_ index: Int, _ parameter: String) throws(LuaArgumentError) -> LuaValue {
        guard index <= count else { return .nil }
        do {
            return try state.value(at: Int32(index), on: L)
        } catch {
            throw LuaArgumentError(function: function, parameter: parameter, problem: error.message)
        }
    }

    /// Argument `index` as a Swift object of a registered ``LuaObjectType``.
    public func object<Object: AnyObject>(_ index: Int, _ parameter: String, as type: Object.Type) throws(LuaArgumentError) -> Object {
        if let object = state.object(at: Int32(index), on: L) as? Object { return object }
        let got = lua_type(L, Int32(index)) == LUA_TNONE ? "no value" : stack.typeName(at: Int32(index))
        throw LuaArgumentError(function: function, parameter: parameter, problem: "expected \(String(describing: type)), got \(got)")
    }

    /// The Lua type of argument `index` as messages name it: `integer`, `float`, `string`,
    /// `table`, `function`, `boolean`, `nil`, `userdata`; `no value` past the last argument.
    public func typeName(_ index: Int) -> String {
        lua_type(L, Int32(index)) == LUA_TNONE ? "no value" : stack.typeName(at: Int32(index))
    }

    /// A problem with an argument that the type checks cannot see (a negative count, an unknown option).
    public func invalid(_ parameter: String, _ problem: String) -> LuaArgumentError {
        LuaArgumentError(function: function, parameter: parameter, problem: problem)
    }
}
