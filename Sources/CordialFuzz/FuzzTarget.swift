import Foundation

/// The libFuzzer targets of `make fuzz` (docs/security.md, "Fuzzing"). Each takes any bytes,
/// runs one reader of untrusted input on them and checks what must hold whatever the bytes:
/// no trap or crash (the fuzzer sees those itself) and the properties each target lists,
/// returned as a violation for the caller to report (the fuzz entry point traps on it, so
/// libFuzzer keeps the input; the corpus test records it).
public enum FuzzTarget: String, CaseIterable, Sendable {
    /// The CSV reader: records read back the same after writing them out again.
    case csv
    /// The JSON reader of stored text and JSON Lines: a value written by the store's JSON
    /// writer reads back equal.
    case json
    /// The customer-file importer (CSV and JSON Lines): a batch, or an error of located,
    /// one-line issues without control characters.
    case customers
    /// The purchase importers (CSV, JSON Lines, CDNOW's layout): the same.
    case purchases
    /// Lua value conversion: a generated value pushed into a sandboxed state reads back
    /// equal (integers stay integers, floats floats, strings their bytes).
    case luaValue = "lua-value"
    /// The Lua API's argument decoding: a `cordial.*` function called with generated
    /// arguments returns, or fails with a message (a string, not empty); never a host trap.
    case luaAPI = "lua-api"

    /// Runs the target on `bytes`; a description of what did not hold, or nil.
    public func run(_ bytes: [UInt8]) -> String? {
        switch self {
        case .csv: return CSVFuzz.run(bytes)
        case .json: return JSONFuzz.run(bytes)
        case .customers: return ImportFuzz.customers(bytes)
        case .purchases: return ImportFuzz.purchases(bytes)
        case .luaValue: return LuaValueFuzz.run(bytes)
        case .luaAPI: return LuaAPIFuzz.shared.run(bytes)
        }
    }
}

/// What every message shown to a user must be: one line, no control characters, not empty.
package enum OneLine {
    package static func problem(in message: String, _ what: String) -> String? {
        if message.isEmpty { return "\(what): an empty message" }
        if let bad = message.unicodeScalars.first(where: { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }) {
            return "\(what): a control character U+\(String(bad.value, radix: 16, uppercase: true)) in \(message.debugDescription)"
        }
        return nil
    }
}
