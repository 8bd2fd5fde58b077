import Foundation
import LuaHost

/// Lua value conversion on generated values: a value set as a global of a sandboxed state
/// and read back is the same value (integers stay integers, floats floats, strings their
/// bytes, tables their keys and values).
package enum LuaValueFuzz {
    static func run(_ bytes: [UInt8]) -> String? {
        var input = FuzzInput(bytes)
        let value = input.value()
        do {
            let state = try LuaValueFuzz.state.get()
            try state.setGlobal("v", value)
            let back = try state.global("v")
            if !same(value, back) { return "\(value) read back as \(back)" }
        } catch {
            return "a value of the host's own making was refused: \(error)"
        }
        return nil
    }

    /// One state for every input (making one per input would spend the fuzzer's time on the sandbox).
    nonisolated(unsafe) static let state = Result { try LuaState(limits: LuaLimits(memoryBytes: 64 << 20, timeSeconds: 2)) }

    package static func same(_ a: LuaValue, _ b: LuaValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .number(let y)): return x == y && x.sign == y.sign || (x.isNaN && y.isNaN)
        case (.table(let x), .table(let y)):
            let left = entries(x), right = entries(y)
            return left.count == right.count && left.allSatisfy { key, value in right[key].map { same(value, $0) } ?? false }
        default: return a == b
        }
    }

    /// A table's entries by key, whether held in its array part or its hash.
    static func entries(_ table: LuaTable) -> [LuaValue: LuaValue] {
        var entries = table.hash
        for (index, value) in table.array.enumerated() { entries[.integer(Int64(index + 1))] = value }
        return entries
    }
}
