import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// `cordial.json`: JSON text to and from Lua values.
extension LuaAPI {
    static let json: [LuaAPIFunction] = [
        LuaAPIFunction(
            "json.encode", "JSON text of a value: tables with keys 1…n become arrays, tables with string keys objects (keys sorted).",
            parameters: [.init("value", "any", "nil, boolean, number, string or table")],
            results: [.init("string", "compact JSON")]
        ) { _, arguments in
            try LuaJSON.encode(try LuaJSON.jsonValue(try arguments.value(1, "value")))
        },
        LuaAPIFunction(
            "json.decode", "The value of JSON text (null becomes nil).",
            parameters: [.init("text", "string", "JSON text")],
            results: [.init("any", "the value")]
        ) { _, arguments in
            LuaJSON.luaValue(try LuaJSON.decode(try arguments.get(1, "text", as: String.self)))
        },
    ]
}
