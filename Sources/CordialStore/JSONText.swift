import CordialCore
import Foundation

/// Canonical JSON text for the list and object columns: keys sorted, no insignificant
/// spaces, non-ASCII text as is. Written by hand because an import encodes five of these
/// per customer and `JSONEncoder` cost more than the insert itself; canonical because an
/// upsert compares the stored text with the new text to see whether anything changed.
/// Built as bytes (appending to a `String` piece by piece cost an import a sixth of its
/// writing thread); imports append them straight into their rows' buffer (``StoredTexts``).
package enum JSONText {
    package static func strings(_ list: [String]) -> String {
        if list.isEmpty { return "[]" }
        var out: [UInt8] = []
        out.reserveCapacity(list.reduce(2) { $0 + $1.utf8.count + 3 })
        appendStrings(list, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    package static func address(_ address: Address) -> String {
        var out: [UInt8] = []
        appendAddress(address, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    package static func value(_ value: JSONValue) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(32)
        append(value, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    package static func object(_ object: [String: JSONValue]) -> String {
        var out: [UInt8] = []
        appendObject(object, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: - Appending to a buffer (imports encode many rows into one)

    /// `["a","b"]`.
    package static func appendStrings(_ list: [String], to out: inout [UInt8]) {
        out.append(UInt8(ascii: "["))
        for (index, text) in list.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            appendString(text, to: &out)
        }
        out.append(UInt8(ascii: "]"))
    }

    /// Keys in order: city, country, lines, postalCode, region (absent ones left out).
    package static func appendAddress(_ address: Address, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        func field(_ key: StaticString, _ text: String?) {
            guard let text else { return }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            appendRaw(key, to: &out)
            appendString(text, to: &out)
        }
        field("\"city\":", address.city)
        field("\"country\":", address.country)
        appendRaw(first ? "\"lines\":" : ",\"lines\":", to: &out)
        first = false
        appendStrings(address.lines, to: &out)
        field("\"postalCode\":", address.postalCode)
        field("\"region\":", address.region)
        out.append(UInt8(ascii: "}"))
    }

    /// `{}` for no keys; keys sorted.
    package static func appendObject(_ object: [String: JSONValue], to out: inout [UInt8]) {
        if object.isEmpty { return appendRaw("{}", to: &out) }
        append(.object(object), to: &out)
    }

    private static func appendRaw(_ text: StaticString, to out: inout [UInt8]) {
        out.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private static func append(_ value: JSONValue, to out: inout [UInt8]) {
        switch value {
        case .null: appendRaw("null", to: &out)
        case .bool(let flag): appendRaw(flag ? "true" : "false", to: &out)
        case .integer(let integer): out.append(contentsOf: String(integer).utf8)
        case .number(let number): out.append(contentsOf: (number.isFinite ? "\(number)" : "null").utf8)
        case .string(let text): appendString(text, to: &out)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                append(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            out.append(UInt8(ascii: "{"))
            for (index, field) in object.sorted(by: { $0.key < $1.key }).enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                appendString(field.key, to: &out)
                out.append(UInt8(ascii: ":"))
                append(field.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    private static func appendString(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            // Fast path: nothing to escape (the usual case).
            guard bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                out.append(contentsOf: bytes)
                return
            }
            for byte in bytes {
                switch byte {
                case UInt8(ascii: "\""): appendRaw("\\\"", to: &out)
                case UInt8(ascii: "\\"): appendRaw("\\\\", to: &out)
                case UInt8(ascii: "\n"): appendRaw("\\n", to: &out)
                case UInt8(ascii: "\r"): appendRaw("\\r", to: &out)
                case UInt8(ascii: "\t"): appendRaw("\\t", to: &out)
                case 0..<0x20: out.append(contentsOf: String(format: "\\u%04x", byte).utf8)
                default: out.append(byte)  // UTF-8 bytes of other characters, as they are
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
