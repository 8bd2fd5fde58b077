import Foundation
import LuaHost

/// Fuzz bytes read as choices: a generator of Lua values and arguments. Past the end every
/// choice is 0, so any input gives a finite value.
struct FuzzInput {
    let bytes: [UInt8]
    var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var isAtEnd: Bool { index >= bytes.count }

    mutating func byte() -> UInt8 {
        guard index < bytes.count else { return 0 }
        defer { index += 1 }
        return bytes[index]
    }

    mutating func choice(_ count: Int) -> Int { Int(byte()) % count }

    mutating func word() -> UInt64 {
        (0..<8).reduce(0) { value, _ in value << 8 | UInt64(byte()) }
    }

    static let integers: [Int64] = [0, 1, -1, 2, 7, 100, 1_000_000_000, Int64(Int32.max) + 1, 1 << 53, (1 << 53) + 1, .max, .min, .max - 1, .min + 1, -36500, 36500, 2_913_000]
    static let numbers: [Double] = [0.5, -0.0, 1e308, -1e308, .infinity, -.infinity, .nan, 9.2233720368547758e18, -9.2233720368547758e18, 0x1p63, .leastNonzeroMagnitude, 1.0, 2.0, 0.1]

    mutating func integer() -> Int64 {
        choice(2) == 0 ? Self.integers[choice(Self.integers.count)] : Int64(bitPattern: word())
    }

    mutating func number() -> Double {
        choice(2) == 0 ? Self.numbers[choice(Self.numbers.count)] : Double(bitPattern: word())
    }

    static let texts = ["", "2025-01-15", "2025-02-30", "9999-12-31", "0000-01-01", "vip", "gold", "demo:C-1", "1", "-1", "1e400",
                        "Nguyễn Thị Lan", "王伟", "\u{1B}[31m", "%s%d%%", "{\"a\":[1,2]}", "[", "customers.read", "lifecycle", "a\0b"]

    mutating func text() -> LuaString {
        if choice(2) == 0 { return LuaString(Self.texts[choice(Self.texts.count)]) }
        let count = min(Int(byte()), bytes.count - min(index, bytes.count))
        defer { index += count }
        return LuaString(bytes: Array(bytes[index..<index + count]))
    }

    /// A value for a table or an argument; `keys` avoids the values a table key cannot be or
    /// that Lua normalises (nil, NaN, floats with an integer value).
    mutating func value(depth: Int = 0, key: Bool = false) -> LuaValue {
        switch choice(key ? 4 : (depth < 4 ? 7 : 6)) {
        case 0: return .string(text())
        case 1: return .integer(integer())
        case 2:
            let number = number()
            if key && (number.isNaN || number.rounded() == number) { return .integer(integer()) }
            return .number(number)
        case 3: return .boolean(choice(2) == 0)
        case 4, 5: return key ? .boolean(true) : (choice(3) == 0 ? .nil : .string(text()))
        default: return .table(table(depth: depth + 1))
        }
    }

    mutating func table(depth: Int) -> LuaTable {
        var table = LuaTable()
        let count = choice(6)
        if choice(2) == 0 {
            for _ in 0..<count { table.array.append(nonNil(depth: depth)) }
        } else {
            for _ in 0..<count { table[value(depth: depth, key: true)] = nonNil(depth: depth) }
        }
        return table
    }

    mutating func nonNil(depth: Int) -> LuaValue {
        let value = value(depth: depth)
        return value.isNil ? .boolean(false) : value
    }
}
