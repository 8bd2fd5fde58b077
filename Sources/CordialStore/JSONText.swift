import CordialCore
import Foundation

/// Canonical JSON text for the list and object columns: keys sorted, no insignificant
/// spaces, non-ASCII text as is. Written by hand because an import encodes five of these
/// per customer and `JSONEncoder` cost more than the insert itself; canonical because an
/// upsert compares the stored text with the new text to see whether anything changed.
/// Built as bytes and made a `String` once (appending to a `String` piece by piece cost an
/// import a sixth of its writing thread).
package enum JSONText {
    package static func strings(_ list: [String]) -> String {
        if list.isEmpty { return "[]" }
        var out = Bytes(capacity: list.reduce(2) { $0 + $1.utf8.count + 3 })
        appendStrings(list, to: &out)
        return out.text
    }

    /// Keys in order: city, country, lines, postalCode, region (absent ones left out).
    package static func address(_ address: Address) -> String {
        var out = Bytes(capacity: 64 + (address.city?.utf8.count ?? 0) + (address.region?.utf8.count ?? 0)
            + address.lines.reduce(0) { $0 + $1.utf8.count + 3 })
        out.append("{")
        var first = true
        func field(_ key: StaticString, _ text: String?) {
            guard let text else { return }
            if !first { out.append(",") }
            first = false
            out.append(key)
            appendString(text, to: &out)
        }
        field("\"city\":", address.city)
        field("\"country\":", address.country)
        out.append(first ? "\"lines\":" : ",\"lines\":")
        first = false
        appendStrings(address.lines, to: &out)
        field("\"postalCode\":", address.postalCode)
        field("\"region\":", address.region)
        out.append("}")
        return out.text
    }

    package static func value(_ value: JSONValue) -> String {
        var out = Bytes(capacity: 32)
        append(value, to: &out)
        return out.text
    }

    package static func object(_ object: [String: JSONValue]) -> String {
        if object.isEmpty { return "{}" }
        return value(.object(object))
    }

    /// A growing UTF-8 buffer.
    private struct Bytes {
        var bytes: [UInt8] = []

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        mutating func append(_ text: StaticString) {
            bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
        }

        mutating func append(_ text: String) { bytes.append(contentsOf: text.utf8) }

        mutating func append(byte: UInt8) { bytes.append(byte) }

        var text: String { String(decoding: bytes, as: UTF8.self) }
    }

    private static func appendStrings(_ list: [String], to out: inout Bytes) {
        out.append("[")
        for (index, text) in list.enumerated() {
            if index > 0 { out.append(",") }
            appendString(text, to: &out)
        }
        out.append("]")
    }

    private static func append(_ value: JSONValue, to out: inout Bytes) {
        switch value {
        case .null: out.append("null")
        case .bool(let flag): out.append(flag ? "true" : "false")
        case .integer(let integer): out.append(String(integer))
        case .number(let number): out.append(number.isFinite ? "\(number)" : "null")
        case .string(let text): appendString(text, to: &out)
        case .array(let items):
            out.append("[")
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(",") }
                append(item, to: &out)
            }
            out.append("]")
        case .object(let object):
            out.append("{")
            for (index, field) in object.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out.append(",") }
                appendString(field.key, to: &out)
                out.append(":")
                append(field.value, to: &out)
            }
            out.append("}")
        }
    }

    private static func appendString(_ text: String, to out: inout Bytes) {
        out.append(byte: UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Fast path: nothing to escape (the usual case).
            guard bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                out.bytes.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): out.append("\\\"")
                case UInt8(ascii: "\\"): out.append("\\\\")
                case UInt8(ascii: "\n"): out.append("\\n")
                case UInt8(ascii: "\r"): out.append("\\r")
                case UInt8(ascii: "\t"): out.append("\\t")
                case 0..<0x20: out.append(String(format: "\\u%04x", byte))
                default: out.append(byte: byte)  // UTF-8 bytes of other characters, as they are
                }
            }
        }
        out.append(byte: UInt8(ascii: "\""))
    }
}
