import CLua
import CLuaHost
import Foundation

/// Swift functions exposed to Lua, and the way the C trampoline reaches them.
extension LuaState {
    /// Wraps a Swift closure as a Lua function. `name` is used in argument errors
    /// (`cordial.customers.get: invalid 'id': expected integer, got string`).
    /// Throwing raises a Lua error at the caller's `file:line`.
    @inlinable
    public func function<Result: LuaPushable>(_ name: String, _ body: @escaping (LuaArguments) throws -> Result) -> LuaFunction {
        rawFunction(name) { arguments in
            try body(arguments).push(onto: arguments.stack)
        }
    }

    /// Like ``function(_:_:)`` for closures whose result type varies from one return to another.
    public func dynamicFunction(_ name: String, _ body: @escaping (LuaArguments) throws -> any LuaPushable) -> LuaFunction {
        rawFunction(name) { arguments in
            try body(arguments).push(onto: arguments.stack)
        }
    }

    /// Like ``function(_:_:)`` for closures that push their results themselves and return how many.
    public func rawFunction(_ name: String, _ body: @escaping (LuaArguments) throws -> Int32) -> LuaFunction {
        let function = SwiftFunction(name: name, body: body)
        let L = activeL
        ensureStack(L, 3)
        // The closure's userdata holds the retained function and is its size in Lua's count:
        // a script that makes a million iterators is counted (and collected) for them.
        cordial_push_swift_function(L, Unmanaged.passRetained(function).toOpaque(), LuaState.swiftFunctionCharge)
        defer { cordial_pop(L, 1) }
        return LuaFunction(reference: makeReference(at: -1, on: L))
    }

    /// `locate(fn, ...)`: calls `fn(...)` and gives its first result and the `file:line` of the
    /// return statement that gave it (nil when none was seen). A result has no location of its
    /// own; a host that refuses one (a label that is not declared) calls the function again
    /// through this to say where it came from.
    public func returnLocator() -> LuaFunction {
        let L = activeL
        ensureStack(L, 1)
        cordial_push_return_locator(L)
        defer { cordial_pop(L, 1) }
        return LuaFunction(reference: makeReference(at: -1, on: L))
    }

    /// Bytes a Swift function's userdata takes: about what the function object and its
    /// closure hold in Swift.
    static let swiftFunctionCharge = 512

    func invoke(_ function: SwiftFunction, on L: OpaquePointer) -> Int32 {
        let saved = activeL
        activeL = L
        let savedCharge = chargedForCall
        chargedForCall = 0
        invokeDepth += 1
        defer {
            // What this call charged for its own work is given back as it returns.
            if chargedForCall > 0 { cordial_guard_discharge(L, chargedForCall) }
            chargedForCall = savedCharge
            invokeDepth -= 1
            activeL = saved
        }
        do {
            let count = try function.body(LuaArguments(L: L, state: self, swiftFunction: function))
            if count < 0 {
                LuaStack(L: L, state: self).push("\(function.name): too many results")
                return -1
            }
            return count
        } catch let error as LuaRunError where cordial_guard_kill_reason(guardPointer) != CORDIAL_KILL_NONE && error.location != nil {
            // A limit stopped the Lua this Swift function called: raised again as it is, so that
            // it names the line it stopped, not this function's caller. The kill stays armed.
            LuaStack(L: L, state: self).push(error.message)
            return -2
        } catch _ where cordial_guard_kill_reason(guardPointer) != CORDIAL_KILL_NONE {
            // A limit stopped the Swift work (or the Lua it called): the kill's own message.
            return -3
        } catch let error as LuaRunError {
            // A Lua error that passed through Swift: raised again as it is (it has its location).
            LuaStack(L: L, state: self).push(error.description)
            return -2
        } catch let error as LuaArgumentError {
            LuaStack(L: L, state: self).push(error.description)
            return -1
        } catch {
            let text = (error as? any LocalizedError)?.errorDescription ?? "\(error)"
            LuaStack(L: L, state: self).push("\(function.name): \(text)")
            return -1
        }
    }
}

/// The C trampoline's way into Swift (see `cordial_trampoline` in CLuaHost/call.c): a plain function,
/// so that each call is a direct C call.
func luaHostDispatch(_ L: OpaquePointer?, _ host: UnsafeMutableRawPointer?, _ function: UnsafeMutableRawPointer?) -> Int32 {
    Unmanaged<LuaState>.fromOpaque(host!)._withUnsafeGuaranteedRef { state in
        Unmanaged<LuaState.SwiftFunction>.fromOpaque(function!)._withUnsafeGuaranteedRef { function in
            state.invoke(function, on: L!)
        }
    }
}

/// `__gc` of a userdata holding a Swift object: drops the reference the userdata held.
func luaHostRelease(_ object: UnsafeMutableRawPointer?) {
    Unmanaged<AnyObject>.fromOpaque(object!).release()
}
