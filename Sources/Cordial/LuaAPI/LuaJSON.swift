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
    static func jsonValue(_ value: LuaValue, path: String = "value") throws -> JSONValue {
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
                return .array(try table.array.enumerated().map { try jsonValue($0.element, path: "\(path)[\($0.offset + 1)]") })
            }
            guard table.array.isEmpty else { throw PluginAPIError("\(path) mixes array items and named keys") }
            var object: [String: JSONValue] = [:]
            for (key, element) in table.hash {
                guard let name = key.stringValue else {
                    throw PluginAPIError("\(path) has a \(key.typeName) key; JSON object keys are strings")
                }
                object[name] = try jsonValue(element, path: "\(path).\(name)")
            }
            return .object(object)
        default:
            throw PluginAPIError("\(path) is a \(value.typeName), which JSON cannot hold")
        }
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
