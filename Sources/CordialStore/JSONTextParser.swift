import CordialCore
import Foundation

/// Reads back the JSON text that ``JSONText`` writes (and any other valid JSON), straight
/// from a database's bytes. A scan decodes four of these per customer; `JSONDecoder` cost ten
/// times the rest of the row.
package struct JSONTextParser {
    package struct Invalid: Error {}
    /// Arrays and objects nested deeper than the parser's `maxDepth`.
    package struct TooDeep: Error {}

    private let bytes: UnsafeBufferPointer<UInt8>
    private(set) var index = 0
    private var depth = 0
    /// How deep arrays and objects may nest below the value being read.
    package var maxDepth = Int.max
    /// The last number read, as written (an id of 40 digits stays itself).
    package private(set) var lastNumberText: String?

    package init(_ bytes: UnsafeBufferPointer<UInt8>) {
        self.bytes = bytes
    }

    /// A list of strings (`emails`, `phones`, `tags`).
    package static func strings(_ bytes: UnsafeBufferPointer<UInt8>) throws -> [String] {
        if bytes.count == 2 && bytes[0] == UInt8(ascii: "[") { return [] }
        var parser = JSONTextParser(bytes)
        let items = try parser.stringList()
        try parser.end()
        return items
    }

    /// An object read field by field: `field` gets each key and must read its value
    /// (``string()``, ``stringList()`` or ``anyValue()``). No dictionary, no boxing.
    package static func object(
        _ bytes: UnsafeBufferPointer<UInt8>, maxDepth: Int = .max, field: (String, inout JSONTextParser) throws -> Void
    ) throws {
        var parser = JSONTextParser(bytes)
        parser.maxDepth = maxDepth
        parser.skipSpaces()
        guard parser.take(UInt8(ascii: "{")) else { throw Invalid() }
        parser.skipSpaces()
        if !parser.take(UInt8(ascii: "}")) {
            repeat {
                parser.skipSpaces()
                let key = try parser.string()
                parser.skipSpaces()
                guard parser.take(UInt8(ascii: ":")) else { throw Invalid() }
                parser.skipSpaces()
                try field(key, &parser)
                parser.skipSpaces()
            } while parser.take(UInt8(ascii: ","))
            guard parser.take(UInt8(ascii: "}")) else { throw Invalid() }
        }
        try parser.end()
    }

    package mutating func stringList() throws -> [String] {
        var items: [String] = []
        skipSpaces()
        guard take(UInt8(ascii: "[")) else { throw Invalid() }
        skipSpaces()
        if take(UInt8(ascii: "]")) { return items }
        repeat {
            skipSpaces()
            items.append(try string())
            skipSpaces()
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "]")) else { throw Invalid() }
        return items
    }

    package mutating func anyValue() throws -> JSONValue { try value() }

    private mutating func end() throws {
        skipSpaces()
        guard index == bytes.count else { throw Invalid() }
    }

    private mutating func objectFields() throws -> [(key: String, value: JSONValue)] {
        guard take(UInt8(ascii: "{")) else { throw Invalid() }
        var fields: [(key: String, value: JSONValue)] = []
        skipSpaces()
        if take(UInt8(ascii: "}")) { return fields }
        repeat {
            skipSpaces()
            let key = try string()
            skipSpaces()
            guard take(UInt8(ascii: ":")) else { throw Invalid() }
            fields.append((key, try value()))
            skipSpaces()
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")) else { throw Invalid() }
        return fields
    }

    private mutating func value() throws -> JSONValue {
        skipSpaces()
        guard index < bytes.count else { throw Invalid() }
        switch bytes[index] {
        case UInt8(ascii: "\""): return .string(try string())
        case UInt8(ascii: "["):
            index += 1
            depth += 1
            defer { depth -= 1 }
            guard depth <= maxDepth else { throw TooDeep() }
            var items: [JSONValue] = []
            skipSpaces()
            if take(UInt8(ascii: "]")) { return .array(items) }
            repeat {
                items.append(try value())
                skipSpaces()
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")) else { throw Invalid() }
            return .array(items)
        case UInt8(ascii: "{"):
            depth += 1
            defer { depth -= 1 }
            guard depth <= maxDepth else { throw TooDeep() }
            return .object(Dictionary(try objectFields(), uniquingKeysWith: { _, last in last }))
        case UInt8(ascii: "t"): try word("true"); return .bool(true)
        case UInt8(ascii: "f"): try word("false"); return .bool(false)
        case UInt8(ascii: "n"): try word("null"); return .null
        default: return try number()
        }
    }

    package mutating func string() throws -> String {
        guard take(UInt8(ascii: "\"")) else { throw Invalid() }
        let start = index
        // Fast path: no escapes, the bytes are the text.
        while index < bytes.count, bytes[index] != UInt8(ascii: "\""), bytes[index] != UInt8(ascii: "\\") { index += 1 }
        guard index < bytes.count else { throw Invalid() }
        if bytes[index] == UInt8(ascii: "\"") {
            defer { index += 1 }
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        }
        var text = [UInt8](bytes[start..<index])
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""): return String(decoding: text, as: UTF8.self)
            case UInt8(ascii: "\\"):
                guard index < bytes.count else { throw Invalid() }
                let escaped = bytes[index]
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "r"): text.append(0x0D)
                case UInt8(ascii: "b"): text.append(0x08)
                case UInt8(ascii: "f"): text.append(0x0C)
                case UInt8(ascii: "u"):
                    var scalar = try hex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        // A high surrogate must be followed by a low one; anything else is not JSON text.
                        guard take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")) else { throw Invalid() }
                        let low = try hex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw Invalid() }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    }
                    guard let unicode = Unicode.Scalar(scalar) else { throw Invalid() }
                    text.append(contentsOf: String(Character(unicode)).utf8)
                default: text.append(escaped)  // \" \\ \/
                }
            default: text.append(byte)
            }
        }
        throw Invalid()
    }

    private mutating func hex4() throws -> UInt32 {
        guard index + 4 <= bytes.count else { throw Invalid() }
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let digit = Character(Unicode.Scalar(bytes[index])).hexDigitValue else { throw Invalid() }
            value = value * 16 + UInt32(digit)
            index += 1
        }
        return value
    }

    private mutating func number() throws -> JSONValue {
        let start = index
        // JSON numbers start with a minus or a digit (no "+", no ".5").
        guard index < bytes.count, bytes[index] == UInt8(ascii: "-") || (0x30...0x39).contains(bytes[index]) else { throw Invalid() }
        while index < bytes.count, "+-0123456789.eE".utf8.contains(bytes[index]) { index += 1 }
        let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<index]), as: UTF8.self)
        lastNumberText = text
        if let integer = Int64(text) { return .integer(integer) }
        // 1e400 is no number a double holds: refused, not read as infinity (which would be
        // stored as null). Found by the json fuzz target's seed corpus.
        guard let number = Double(text), number.isFinite else { throw Invalid() }
        return .number(number)
    }

    private mutating func word(_ word: StaticString) throws {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.count,
              UnsafeBufferPointer(rebasing: bytes[index..<index + count]).elementsEqual(UnsafeBufferPointer(start: word.utf8Start, count: count))
        else { throw Invalid() }
        index += count
    }

    mutating func skipSpaces() {
        while index < bytes.count, [0x20, 0x0A, 0x0D, 0x09].contains(bytes[index]) { index += 1 }
    }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.count && bytes[index] == byte }

    mutating func take(_ byte: UInt8) -> Bool {
        guard peek(byte) else { return false }
        index += 1
        return true
    }
}
