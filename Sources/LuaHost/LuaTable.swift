/// A Lua table copied into Swift: its sequence part `1...n` as an array, the rest as a map.
///
/// ```swift
/// var table = LuaTable(array: ["a", "b"])
/// table["locale"] = "vi"
/// table[1]          // "a"
/// ```
public struct LuaTable: Hashable {
    /// Values at keys 1, 2, … n, with no gap.
    public var array: [LuaValue]
    /// Every other key.
    public var hash: [LuaValue: LuaValue]

    public init(array: [LuaValue] = [], hash: [LuaValue: LuaValue] = [:]) {
        self.array = array
        self.hash = hash
    }

    /// The value at a key of any type; `.nil` when absent, as in Lua.
    public subscript(key: LuaValue) -> LuaValue {
        get {
            if let index = key.integerValue, index >= 1, index <= array.count { return array[Int(index) - 1] }
            return hash[key] ?? .nil
        }
        set {
            if let index = key.integerValue, index >= 1, index <= array.count {
                if newValue.isNil, index == array.count { array.removeLast() } else { array[Int(index) - 1] = newValue }
                return
            }
            if let index = key.integerValue, index == array.count + 1, !newValue.isNil {
                array.append(newValue)
                // Later integer keys may now continue the sequence.
                while let next = hash.removeValue(forKey: .integer(Int64(array.count + 1))) { array.append(next) }
                return
            }
            // Not `hash[key] = newValue.isNil ? nil : newValue`: LuaValue is ExpressibleByNilLiteral,
            // so that `nil` is LuaValue.nil and the key would stay, holding nil.
            if newValue.isNil { hash.removeValue(forKey: key) } else { hash[key] = newValue }
        }
    }

    public subscript(key: String) -> LuaValue {
        get { self[.string(LuaString(key))] }
        set { self[.string(LuaString(key))] = newValue }
    }

    public subscript(index: Int) -> LuaValue {
        get { self[.integer(Int64(index))] }
        set { self[.integer(Int64(index))] = newValue }
    }

    /// Every key and value, the sequence first.
    public var pairs: [(key: LuaValue, value: LuaValue)] {
        array.enumerated().map { (LuaValue.integer(Int64($0.offset + 1)), $0.element) }
            + hash.map { ($0.key, $0.value) }
    }

    public var isEmpty: Bool { array.isEmpty && hash.isEmpty }
}

extension LuaTable: CustomStringConvertible {
    public var description: String {
        let items = array.map(\.description)
            + hash.map { key, value in
                if let name = key.stringValue { "\(name) = \(value)" } else { "[\(key)] = \(value)" }
            }.sorted()
        return "{" + items.joined(separator: ", ") + "}"
    }
}
