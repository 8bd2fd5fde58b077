import CLua
import CLuaHost

/// A limit stopped host work done for a script: the state is killed, and the Swift function
/// that throws this (or any error while the kill stands) ends with the kill's own message
/// (`memory limit of 64 MB exceeded at plugin.lua:12`), which `pcall` cannot catch.
public struct LuaLimitReached: Error, CustomStringConvertible {
    public var description: String { "a limit of the script was reached" }
}

/// Host work on a script's behalf is under the script's limits (DESIGN.md decision 8): the
/// Swift memory it holds counts against the memory cap, and its loops stop at the deadline.
extension LuaState {
    /// Counts `bytes` of Swift memory the running Swift function holds for its work (copies of
    /// the script's values, texts it builds) against the cap, until the function returns.
    /// Outside a Swift function called from Lua (the host reading results) nothing is counted.
    public func chargeForCall(_ bytes: Int) throws(LuaLimitReached) {
        guard invokeDepth > 0, bytes > 0 else { return }
        chargedForCall += bytes
        if cordial_guard_charge(activeL, bytes) == 0 { throw LuaLimitReached() }
    }

    /// Counts `bytes` of Swift memory kept beyond the call (changes a handler has queued)
    /// against the cap, until ``release(_:)`` gives them back.
    public func charge(_ bytes: Int) throws(LuaLimitReached) {
        guard bytes > 0 else { return }
        if cordial_guard_charge(activeL, bytes) == 0 { throw LuaLimitReached() }
    }

    /// Gives back bytes counted by ``charge(_:)``.
    public func release(_ bytes: Int) {
        guard bytes > 0, !isClosed else { return }
        cordial_guard_discharge(L, bytes)
    }

    /// Throws when a limit has stopped the state — the call's deadline passed, or the cap was
    /// crossed: Swift loops that work for a script call it every so often (one atomic load).
    @inline(__always)
    public func checkLimits() throws(LuaLimitReached) {
        if cordial_guard_kill_reason(guardPointer) != CORDIAL_KILL_NONE { throw LuaLimitReached() }
    }
}
