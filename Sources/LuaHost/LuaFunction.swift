import CLua

/// A Lua function held by Swift, callable from Swift.
///
/// ```swift
/// let add = try state.evaluate("return function(a, b, c) return a + b + c end").functionValue!
/// let sum: Int64 = try add.call(1, 2, 3)       // typed, no boxing
/// let all = try add.callValues([1, 2, 3])       // dynamic: [LuaValue]
/// ```
public struct LuaFunction: Hashable {
    let reference: LuaReference

    init(reference: LuaReference) { self.reference = reference }

    /// Calls the function with typed arguments and reads its first result as `R`.
    public func call<each Argument: LuaPushable, R: LuaReadable>(
        _ arguments: repeat each Argument, as type: R.Type = R.self
    ) throws(LuaRunError) -> R {
        guard let state = reference.state else { throw LuaRunError.closedState }
        return try state.call(ref: reference.ref, repeat each arguments)
    }

    /// Calls the function and discards its results.
    public func run<each Argument: LuaPushable>(_ arguments: repeat each Argument) throws(LuaRunError) {
        let _: LuaValue = try call(repeat each arguments)
    }

    /// Calls the function with any number of arguments and returns every result.
    public func callValues(_ arguments: [LuaValue]) throws(LuaRunError) -> [LuaValue] {
        guard let state = reference.state else { throw LuaRunError.closedState }
        return try state.callValues(ref: reference.ref, arguments)
    }
}
