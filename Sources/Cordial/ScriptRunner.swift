import Foundation
import LuaHost

/// Runs an ad-hoc Lua script in the sandbox: `cordial run SCRIPT.lua [ARG ...]`.
///
/// The script gets `arg` as `lua` gives it (`arg[0]` the script, `arg[1]`… the arguments) and
/// the same arguments as `...`; `require` finds `.lua` files beside the script.
public struct ScriptRunner {
    public var limits: LuaLimits
    /// Where `print` writes.
    public var output: (String) -> Void

    public init(limits: LuaLimits = .default, output: @escaping (String) -> Void) {
        self.limits = limits
        self.output = output
    }

    /// Runs the script; throws ``LuaLoadError`` when it cannot be compiled and ``LuaRunError`` when it fails.
    /// Returns what the script's main chunk returned.
    @discardableResult
    public func run(script: URL, arguments: [String]) throws -> [LuaValue] {
        let state = try LuaState(limits: limits, moduleRoot: script.deletingLastPathComponent())
        defer { state.close() }
        state.output = output
        let chunk = try state.loadFile(script)
        var arg = LuaTable(array: arguments.map { .string(LuaString($0)) })
        arg[0] = .string(LuaString(LuaState.displayPath(of: script, relativeTo: state.chunkNameRoot)))
        try state.setGlobal("arg", .table(arg))
        return try chunk.callValues(arguments.map { .string(LuaString($0)) })
    }
}
