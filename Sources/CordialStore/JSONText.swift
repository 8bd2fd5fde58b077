import CordialCore
import Foundation

/// Canonical JSON text for the list and object columns: keys sorted, no insignificant
/// spaces, non-ASCII text as is. Written by hand because an import encodes five of these
/// per customer and `JSONEncoder` cost more than the insert itself; canonical because an
/// upsert compares the stored text with the new text to see whether anything changed.
package enum JSONText {
    package static func strings(_ list: [String]) -> String {
        if list.isEmpty { return "[]" }
        var out = "["
        for (index, text) in list.enumerated() {
            if index > 0 { out += "," }
            appendString(text, to: &out)
        }
        return out + "]"
    }

    /// Keys in order: city, country, lines, postalCode, region (absent ones left out).
    package static func address(_ address: Address) -> String {
        var out = "{"
        func field(_ key: String, _ text: String?) {
            guard let text else { return }
            if out.utf8.count > 1 { out += "," }
            out += key
            appendString(text, to: &out)
        }
        field("\"city\":", address.city)
        field("\"country\":", address.country)
        out += out.utf8.count > 1 ? ",\"lines\":" : "\"lines\":"
        out += strings(address.lines)
        field("\"postalCode\":", address.postalCode)
        field("\"region\":", address.region)
        return out + "}"
    }

    package static func value(_ value: JSONValue) -> String {
        var out = ""
        append(value, to: &out)
        return out
    }

    package static func object(_ object: [String: JSONValue]) -> String {
        if object.isEmpty { return "{}" }
        return value(.object(object))
    }

    private static func append(_ value: JSONValue, to out: inout String) {
        switch value {
        case .null: out += "null"
        case .bool(let flag): out += flag ? "true" : "false"
        case .integer(let integer): out += String(integer)
        case .number(let number): out += number.isFinite ? "\(number)" : "null"
        case .string(let text): appendString(text, to: &out)
        case .array(let items):
            out += "["
            for (index, item) in items.enumerated() {
                if index > 0 { out += "," }
                append(item, to: &out)
            }
            out += "]"
        case .object(let object):
            appendObject(object.sorted { $0.key < $1.key }, to: &out)
        }
    }

    private static func appendObject(_ fields: [(key: String, value: JSONValue)], to out: inout String) {
        out += "{"
        for (index, field) in fields.enumerated() {
            if index > 0 { out += "," }
            appendString(field.key, to: &out)
            out += ":"
            append(field.value, to: &out)
        }
        out += "}"
    }

    private static func appendString(_ text: String, to out: inout String) {
        out += "\""
        // Fast path: nothing to escape (the usual case).
        var text = text
        let plain = text.withUTF8 { bytes in !bytes.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) }
        if plain {
            out += text
        } else {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                case "\t": out += "\\t"
                case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }
}
