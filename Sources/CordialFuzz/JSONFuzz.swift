import Cordial
import CordialCore
import CordialStore
import Foundation

/// The JSON reader (stored text, JSON Lines records) on any bytes, nested at most as deep as
/// an import allows. A value it reads, written by the store's JSON writer and read again,
/// must be the same value: what is stored is what was read.
package enum JSONFuzz {
    static func run(_ bytes: [UInt8]) -> String? {
        guard let value = read(bytes) else { return nil }
        let written = JSONText.value(value)
        guard let again = read(Array(written.utf8)) else { return "the written text does not read back: \(written.prefix(200))" }
        if !same(value, again) { return "\(value) was written as \(written.prefix(200)) and read back as \(again)" }
        return nil
    }

    static func read(_ bytes: [UInt8]) -> JSONValue? {
        bytes.withUnsafeBufferPointer { buffer in
            var parser = JSONTextParser(buffer)
            parser.maxDepth = ImportLimits.nesting
            return try? parser.anyValue()
        }
    }

    /// Equality where a number is the same number whether read as an integer or a double.
    package static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.number(let x), .integer(let y)), (.integer(let y), .number(let x)): return x == Double(y)
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy(same)
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { same(value, $0) } ?? false }
        default: return a == b
        }
    }
}
