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
            // Every copy made for the script counts against its cap: the Lua value, the JSON
            // value, and the text (bounded before the encoder runs, twice: data and string).
            let state = arguments.luaState
            let value = try LuaJSON.jsonValue(try arguments.value(1, "value"), meter: state)
            try state.chargeForCall(2 * (try LuaJSON.encodedSize(value, meter: state)))
            return try LuaJSON.encode(value)
        },
        LuaAPIFunction(
            "json.decode", "The value of JSON text (null becomes nil).",
            parameters: [.init("text", "string", "JSON text")],
            results: [.init("any", "the value")]
        ) { _, arguments in
            let state = arguments.luaState
            let text = try arguments.get(1, "text", as: String.self)
            try state.chargeForCall(text.utf8.count + (try LuaJSON.decodingCost(text, meter: state)))
            return LuaJSON.luaValue(try LuaJSON.decode(text))
        },
    ]
}
