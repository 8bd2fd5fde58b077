import CordialCore
import Foundation
import LuaHost

/// JSON for plugins: attributes reach Lua as tables, `cordial.json` encodes and decodes.
enum LuaJSON {
    static func luaValue(_ value: JSONValue) -> LuaValue {
        switch value {
        case .null: .nil
        case .bool(let flag): .boolean(flag)
        case .integer(let integer): .integer(integer)
        case .number(let number): .number(number)
        case .string(let text): .string(LuaString(text))
        case .array(let array): .table(LuaTable(array: array.map(luaValue)))
        case .object(let object):
            .table(LuaTable(hash: Dictionary(uniqueKeysWithValues: object.map { (LuaValue.string(LuaString($0.key)), luaValue($0.value)) })))
        }
    }

    /// A Lua value as JSON: tables with keys 1…n are arrays, tables with string keys objects.
    /// With `meter`, the copy counts against that script's cap and stops at its deadline.
    static func jsonValue(_ value: LuaValue, path: String = "value", meter: LuaState? = nil) throws -> JSONValue {
        try meter?.chargeForCall(LuaJSON.nodeBytes + (value.stringValue?.utf8.count ?? 0))
        try meter?.checkLimits()
        switch value {
        case .nil: return .null
        case .boolean(let flag): return .bool(flag)
        case .integer(let integer): return .integer(integer)
        case .number(let number):
            guard number.isFinite else { throw PluginAPIError("\(path) is \(number), which JSON cannot hold") }
            return .number(number)
        case .string(let string):
            guard let text = string.text else { throw PluginAPIError("\(path) is not valid UTF-8 text") }
            return .string(text)
        case .table(let table):
            if table.hash.isEmpty {
                return .array(try table.array.enumerated().map { try jsonValue($0.element, path: "\(path)[\($0.offset + 1)]", meter: meter) })
            }
            guard table.array.isEmpty else { throw PluginAPIError("\(path) mixes array items and named keys") }
            var object: [String: JSONValue] = [:]
            for (key, element) in table.hash {
                guard let name = key.stringValue else {
                    throw PluginAPIError("\(path) has a \(key.typeName) key; JSON object keys are strings")
                }
                object[name] = try jsonValue(element, path: "\(path).\(name)", meter: meter)
            }
            return .object(object)
        default:
            throw PluginAPIError("\(path) is a \(value.typeName), which JSON cannot hold")
        }
    }

    /// Swift bytes a JSON value takes besides its text.
    static let nodeBytes = 64

    /// At most how many bytes the JSON text of `value` takes (escapes counted): charged before
    /// encoding, since the encoder cannot be stopped half-way. Stops at the deadline.
    static func encodedSize(_ value: JSONValue, meter: LuaState) throws -> Int {
        try meter.checkLimits()
        switch value {
        case .null, .bool: return 5
        case .integer, .number: return 32
        case .string(let text): return quotedSize(text)
        case .array(let array): return try array.reduce(2) { try $0 + encodedSize($1, meter: meter) + 1 }
        case .object(let object):
            return try object.reduce(2) { try $0 + quotedSize($1.key) + encodedSize($1.value, meter: meter) + 2 }
        }
    }

    private static func quotedSize(_ text: String) -> Int {
        var size = 2
        for byte in text.utf8 { size += byte < 0x20 ? 6 : (byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") ? 2 : 1) }
        return size
    }

    /// About what decoding `text` holds in Swift (the decoder's tree and the Lua value built
    /// from it), estimated from its brackets and commas before decoding; stops at the deadline.
    static func decodingCost(_ text: String, meter: LuaState) throws -> Int {
        var cost = 0
        var scanned = 0
        var inString = false, escaped = false
        for byte in text.utf8 {
            if inString {  // punctuation inside a string is text, not structure
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                cost += 3
            } else {
                switch byte {
                case UInt8(ascii: "\""): inString = true; cost += nodeBytes
                case UInt8(ascii: "["), UInt8(ascii: "{"): cost += 4 * nodeBytes
                case UInt8(ascii: ","), UInt8(ascii: ":"): cost += 2 * nodeBytes
                default: cost += 3
                }
            }
            scanned += 1
            if scanned & 0xFFFF == 0 { try meter.checkLimits() }
        }
        return cost
    }

    static func encode(_ value: JSONValue) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decode(_ text: String) throws -> JSONValue {
        do {
            return try JSONDecoder().decode(JSONValue.self, from: Data(text.utf8))
        } catch let DecodingError.dataCorrupted(context) {
            throw PluginAPIError("not valid JSON: \((context.underlyingError as? NSError)?.localizedDescription ?? context.debugDescription)")
        } catch {
            throw PluginAPIError("not valid JSON")
        }
    }
}
