import Foundation

/// Turns ``LuaValue``s (e.g. a table a plugin returned) into `Decodable` Swift values.
///
/// Integers decode only from Lua integers or floats with an exact integer value; `Date` from
/// seconds since 1970, `Decimal` from a string or a number, `URL` from a string.
/// ```swift
/// let order = try LuaValueDecoder().decode(Order.self, from: state.evaluate("return {id = 7, items = {}}")[0])
/// ```
public struct LuaValueDecoder {
    public init() {}

    public func decode<T: Decodable>(_ type: T.Type, from value: LuaValue) throws -> T {
        try ValueDecoder(value: value, codingPath: []).decodeValue(type)
    }
}

private struct ValueDecoder: Decoder {
    let value: LuaValue
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func mismatch<T>(_ type: T.Type, _ expected: String) -> DecodingError {
        .typeMismatch(type, .init(codingPath: codingPath, debugDescription: "expected \(expected), got \(value.detailedTypeName)"))
    }

    func decodeValue<T: Decodable>(_ type: T.Type) throws -> T {
        if type == Date.self {
            guard let seconds = value.doubleValue else { throw mismatch(type, "seconds since 1970") }
            return Date(timeIntervalSince1970: seconds) as! T
        }
        if type == Decimal.self {
            if let text = value.stringValue, let decimal = Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) {
                return decimal as! T
            }
            if case .integer(let integer) = value { return Decimal(integer) as! T }
            if case .number(let number) = value { return Decimal(number) as! T }
            throw mismatch(type, "a decimal number or string")
        }
        if type == URL.self {
            guard let text = value.stringValue, let url = URL(string: text) else { throw mismatch(type, "a URL string") }
            return url as! T
        }
        if type == LuaValue.self { return value as! T }
        return try T(from: self)
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .table(let table) = value else { throw mismatch([String: LuaValue].self, "table") }
        return KeyedDecodingContainer(KeyedValueContainer<Key>(table: table, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .table(let table) = value else { throw mismatch([LuaValue].self, "table") }
        guard table.hash.isEmpty else {
            throw DecodingError.typeMismatch([LuaValue].self, .init(codingPath: codingPath, debugDescription: "expected a sequence, got a table with other keys"))
        }
        return UnkeyedValueContainer(elements: table.array, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        SingleValueContainer(decoder: self)
    }
}

private struct IndexKey: CodingKey {
    let intValue: Int?
    var stringValue: String { "\(intValue ?? 0)" }
    init(_ index: Int) { intValue = index }
    init?(stringValue: String) { return nil }
    init?(intValue: Int) { self.intValue = intValue }
}

private struct KeyedValueContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let table: LuaTable
    let codingPath: [any CodingKey]

    var allKeys: [Key] { table.pairs.compactMap { $0.key.stringValue.flatMap(Key.init(stringValue:)) } }

    func contains(_ key: Key) -> Bool { !table[key.stringValue].isNil }

    func decodeNil(forKey key: Key) throws -> Bool { table[key.stringValue].isNil }

    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        let value = table[key.stringValue]
        if value.isNil, !(type is any ExpressibleByNilLiteral.Type) {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no field '\(key.stringValue)'"))
        }
        return try ValueDecoder(value: value, codingPath: codingPath + [key]).decodeValue(type)
    }

    func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type, forKey key: Key) throws -> KeyedDecodingContainer<NestedKey> {
        try ValueDecoder(value: table[key.stringValue], codingPath: codingPath + [key]).container(keyedBy: type)
    }
    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try ValueDecoder(value: table[key.stringValue], codingPath: codingPath + [key]).unkeyedContainer()
    }
    func superDecoder() throws -> any Decoder { ValueDecoder(value: .table(table), codingPath: codingPath) }
    func superDecoder(forKey key: Key) throws -> any Decoder {
        ValueDecoder(value: table[key.stringValue], codingPath: codingPath + [key])
    }
}

private struct UnkeyedValueContainer: UnkeyedDecodingContainer {
    let elements: [LuaValue]
    let codingPath: [any CodingKey]
    var currentIndex = 0

    init(elements: [LuaValue], codingPath: [any CodingKey]) {
        self.elements = elements
        self.codingPath = codingPath
    }

    var count: Int? { elements.count }
    var isAtEnd: Bool { currentIndex >= elements.count }

    private mutating func next() throws -> ValueDecoder {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(LuaValue.self, .init(codingPath: codingPath, debugDescription: "the sequence has only \(elements.count) elements"))
        }
        defer { currentIndex += 1 }
        return ValueDecoder(value: elements[currentIndex], codingPath: codingPath + [IndexKey(currentIndex)])
    }

    mutating func decodeNil() throws -> Bool {
        guard !isAtEnd, elements[currentIndex].isNil else { return false }
        currentIndex += 1
        return true
    }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T { try next().decodeValue(type) }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey> {
        try next().container(keyedBy: type)
    }
    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer { try next().unkeyedContainer() }
    mutating func superDecoder() throws -> any Decoder { try next() }
}

private struct SingleValueContainer: SingleValueDecodingContainer {
    let decoder: ValueDecoder
    var codingPath: [any CodingKey] { decoder.codingPath }
    private var value: LuaValue { decoder.value }

    func decodeNil() -> Bool { value.isNil }
    func decode(_ type: Bool.Type) throws -> Bool {
        guard let flag = value.boolValue else { throw decoder.mismatch(type, "boolean") }
        return flag
    }
    func decode(_ type: String.Type) throws -> String {
        guard let text = value.stringValue else { throw decoder.mismatch(type, "UTF-8 string") }
        return text
    }
    func decode(_ type: Double.Type) throws -> Double {
        guard let number = value.doubleValue else { throw decoder.mismatch(type, "number") }
        return number
    }
    func decode(_ type: Float.Type) throws -> Float { Float(try decode(Double.self)) }
    func decode<I: BinaryInteger & Decodable>(integer type: I.Type) throws -> I {
        guard let integer = value.integerValue else { throw decoder.mismatch(type, "integer") }
        guard let exact = I(exactly: integer) else {
            throw DecodingError.dataCorrupted(.init(codingPath: codingPath, debugDescription: "\(integer) does not fit \(type)"))
        }
        return exact
    }
    func decode(_ type: Int.Type) throws -> Int { try decode(integer: type) }
    func decode(_ type: Int8.Type) throws -> Int8 { try decode(integer: type) }
    func decode(_ type: Int16.Type) throws -> Int16 { try decode(integer: type) }
    func decode(_ type: Int32.Type) throws -> Int32 { try decode(integer: type) }
    func decode(_ type: Int64.Type) throws -> Int64 { try decode(integer: type) }
    func decode(_ type: UInt.Type) throws -> UInt { try decode(integer: type) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try decode(integer: type) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try decode(integer: type) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try decode(integer: type) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try decode(integer: type) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T { try decoder.decodeValue(type) }
}
