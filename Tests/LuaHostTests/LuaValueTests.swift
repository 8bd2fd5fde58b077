import Foundation
import LuaHost
import Testing

@Suite struct LuaValueTests {
    let state = try! LuaState()

    private func roundTrip(_ value: LuaValue) throws -> LuaValue {
        let identity = try state.load("return ...").callValues([value])
        return try #require(identity.first)
    }

    @Test func integersAndFloatsStayApart() throws {
        #expect(try roundTrip(.integer(3)) == .integer(3))
        #expect(try roundTrip(.number(3.0)) == .number(3.0))
        #expect(try roundTrip(.integer(.max)) == .integer(.max))
        #expect(try roundTrip(.integer(.min)) == .integer(.min))
        let kinds = try state.evaluate("return 3, 3.0, 2^53, 7 // 2, 7 / 2")
        #expect(kinds[0] == .integer(3))
        #expect(kinds[1] == .number(3.0))
        #expect(kinds[2] == .number(9_007_199_254_740_992))
        #expect(kinds[3] == .integer(3))
        #expect(kinds[4] == .number(3.5))
        let type: String = try state.load("return math.type(...)").call(Int64(1) << 62)
        #expect(type == "integer")
    }

    @Test func stringsAreBytesAndText() throws {
        let bytes = LuaString(bytes: [0x61, 0x00, 0x62, 0xFF])
        #expect(try roundTrip(.string(bytes)) == .string(bytes))
        let length: Int64 = try state.load("return #...").call(bytes)
        #expect(length == 4)
        for text in ["Nguyễn Thị Minh Khai", "王秀英", "Tết Nguyên Đán 🧧", ""] {
            #expect(try roundTrip(.string(LuaString(text))).stringValue == text)
            let codepoints: Int64 = try state.load("return utf8.len(...)").call(text)
            #expect(codepoints == Int64(text.unicodeScalars.count))
        }
        #expect(LuaValue.string(bytes).stringValue == nil, "invalid UTF-8 is not text")
    }

    @Test func tablesRoundTrip() throws {
        let customer: LuaValue = [
            "name": "Trần Văn Bảo", "orders": 3, "spend": 1250.5, "vip": true,
            "tags": ["gold", "hà nội"], "address": ["city": "Hà Nội"],
        ]
        #expect(try roundTrip(customer) == customer)
        let fromLua = try state.evaluate("return {10, 20, 30, x = 'y', [100] = true}")[0]
        #expect(fromLua.tableValue?.array == [10, 20, 30])
        #expect(fromLua["x"] == "y")
        #expect(fromLua.tableValue?[100] == true)
    }

    @Test func cyclicTablesAreRefusedNotLooped() throws {
        #expect(throws: LuaRunError.self) { try state.evaluate("local t = {} t.self = t return t") }
        let answer: Int64 = try state.load("return 1").call()
        #expect(answer == 1)
    }

    @Test func luaFunctionsAreCallableFromSwift() throws {
        let add = try #require(try state.evaluate("return function(a, b, c) return a + b + c end").first?.functionValue)
        let sum: Int64 = try add.call(Int64(1), Int64(2), Int64(3))
        #expect(sum == 6)
        let float: Double = try add.call(1.5, 2.0, Int64(3))
        #expect(float == 6.5)
        let several = try state.evaluate("return function(...) return select('#', ...), ... end")[0].functionValue!
        #expect(try several.callValues([1, .nil, "x"]) == [3, 1, .nil, "x"])
        #expect(throws: LuaRunError.self) { let _: Int64 = try add.call("a", "b", "c") }
    }

    @Test func swiftFunctionsTakeAndReturnValues() throws {
        let greet = state.function("shop.greet") { arguments in
            "Xin chào, " + (try arguments.get(1, "name", as: String.self))
        }
        try state.setGlobal("greet", .function(greet))
        #expect(try state.evaluate("return greet('An')") == ["Xin chào, An"])
        let pair = state.function("pair") { _ in LuaMultipleValues([.nil, "not found"]) }
        try state.setGlobal("pair", .function(pair))
        #expect(try state.evaluate("return pair()") == [.nil, "not found"])
    }

    struct Order: Codable, Equatable {
        var id: Int
        var customer: String
        var total: Decimal
        var placed: Date
        var items: [Item]
        var note: String?
        struct Item: Codable, Equatable {
            var sku: String
            var quantity: Int64
            var price: Double
        }
    }

    @Test func codableValuesBecomeTablesAndBack() throws {
        let order = Order(
            id: 7, customer: "李娜", total: Decimal(string: "123.45")!, placed: Date(timeIntervalSince1970: 1_700_000_000),
            items: [.init(sku: "TRA-01", quantity: 2, price: 4.5)], note: nil)
        let value = try LuaValueEncoder().encode(order)
        #expect(value["id"] == .integer(7))
        #expect(value["total"] == "123.45")
        #expect(value["items"][1]["quantity"] == .integer(2))
        let inLua: Int64 = try state.load("local o = ... return o.items[1].quantity * o.id").call(value)
        #expect(inLua == 14)
        let back = try LuaValueDecoder().decode(Order.self, from: try roundTrip(value))
        #expect(back == order)
        #expect(throws: DecodingError.self) {
            try LuaValueDecoder().decode(Order.Item.self, from: ["sku": "x", "quantity": 1.5, "price": 1])
        }
    }

    @Test func settingNilRemovesAKey() {
        var table = LuaTable(hash: ["after_days": 1, "role": "agent"])
        table["after_days"] = .nil
        #expect(table.hash.count == 1 && table["after_days"].isNil, "\(table.hash)")
        table["role"] = nil
        #expect(table.hash.isEmpty)
    }
}
