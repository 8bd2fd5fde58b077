import Foundation

/// Turns `Encodable` Swift values into ``LuaValue``s: structs become tables with string keys,
/// arrays become sequences, integers stay integers.
///
/// `Date` becomes seconds since 1970 (a float, as `os.time` counts), `Decimal` a string (money
/// never passes through a Double), `URL` its absolute string.
/// ```swift
/// struct Order: Codable { var id: Int; var items: [String] }
/// let table = try LuaValueEncoder().encode(Order(id: 7, items: ["trà", "茶"]))
/// ```
public struct LuaValueEncoder {
    public init() {}

    public func encode<T: Encodable>(_ value: T) throws -> LuaValue {
        let node = EncodingNode()
        try node.encodeValue(value, codingPath: [])
        return node.luaValue
    }
}

/// One value being encoded; containers fill it in place.
final class EncodingNode {
    enum Content {
        case empty
        case value(LuaValue)
        case keyed([String: EncodingNode])
        case unkeyed([EncodingNode])
    }

    var content = Content.empty

    var luaValue: LuaValue {
        switch content {
        case .empty:
            return .nil
        case .value(let value):
            return value
        case .keyed(let members):
            var table = LuaTable()
            for (key, node) in members { table[key] = node.luaValue }
            return .table(table)
        case .unkeyed(let elements):
            return .table(LuaTable(array: elements.map(\.luaValue)))
        }
    }

    func encodeValue<T: Encodable>(_ value: T, codingPath: [any CodingKey]) throws {
        switch value {
        case let date as Date: content = .value(.number(date.timeIntervalSince1970))
        case let decimal as Decimal: content = .value(.string(LuaString(decimal.description)))
        case let url as URL: content = .value(.string(LuaString(url.absoluteString)))
        case let data as Data: content = .value(.string(LuaString(bytes: Array(data))))
        case let value as LuaValue: content = .value(value)
        default: try value.encode(to: NodeEncoder(node: self, codingPath: codingPath))
        }
    }
}

private struct NodeEncoder: Encoder {
    let node: EncodingNode
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        if case .keyed = node.content {} else { node.content = .keyed([:]) }
        return KeyedEncodingContainer(KeyedNodeContainer<Key>(node: node, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        if case .unkeyed = node.content {} else { node.content = .unkeyed([]) }
        return UnkeyedNodeContainer(node: node, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        SingleNodeContainer(node: node, codingPath: codingPath)
    }
}

private struct KeyedNodeContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    private func child(_ key: Key) -> EncodingNode {
        let child = EncodingNode()
        if case .keyed(var members) = node.content {
            members[key.stringValue] = child
            node.content = .keyed(members)
        }
        return child
    }

    mutating func encodeNil(forKey key: Key) throws {}
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        try child(key).encodeValue(value, codingPath: codingPath + [key])
    }
    mutating func encode(_ value: Bool, forKey key: Key) throws { child(key).content = .value(.boolean(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { child(key).content = .value(.string(LuaString(value))) }
    mutating func encode(_ value: Double, forKey key: Key) throws { child(key).content = .value(.number(value)) }
    mutating func encode(_ value: Int, forKey key: Key) throws { child(key).content = .value(.integer(Int64(value))) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { child(key).content = .value(.integer(value)) }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: child(key), codingPath: codingPath + [key]).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        NodeEncoder(node: child(key), codingPath: codingPath + [key]).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { NodeEncoder(node: node, codingPath: codingPath) }
    mutating func superEncoder(forKey key: Key) -> any Encoder { NodeEncoder(node: child(key), codingPath: codingPath + [key]) }
}

private struct UnkeyedNodeContainer: UnkeyedEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    var count: Int {
        if case .unkeyed(let elements) = node.content { elements.count } else { 0 }
    }

    private func append() -> EncodingNode {
        let child = EncodingNode()
        if case .unkeyed(var elements) = node.content {
            elements.append(child)
            node.content = .unkeyed(elements)
        }
        return child
    }

    mutating func encodeNil() throws { append().content = .value(.nil) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        try append().encodeValue(value, codingPath: codingPath)
    }
    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        NodeEncoder(node: append(), codingPath: codingPath).container(keyedBy: keyType)
    }
    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        NodeEncoder(node: append(), codingPath: codingPath).unkeyedContainer()
    }
    mutating func superEncoder() -> any Encoder { NodeEncoder(node: append(), codingPath: codingPath) }
}

private struct SingleNodeContainer: SingleValueEncodingContainer {
    let node: EncodingNode
    let codingPath: [any CodingKey]

    mutating func encodeNil() throws { node.content = .value(.nil) }
    mutating func encode(_ value: Bool) throws { node.content = .value(.boolean(value)) }
    mutating func encode(_ value: String) throws { node.content = .value(.string(LuaString(value))) }
    mutating func encode(_ value: Double) throws { node.content = .value(.number(value)) }
    mutating func encode(_ value: Float) throws { node.content = .value(.number(Double(value))) }
    mutating func encode(_ value: Int) throws { node.content = .value(.integer(Int64(value))) }
    mutating func encode(_ value: Int8) throws { node.content = .value(.integer(Int64(value))) }
    mutating func encode(_ value: Int16) throws { node.content = .value(.integer(Int64(value))) }
    mutating func encode(_ value: Int32) throws { node.content = .value(.integer(Int64(value))) }
    mutating func encode(_ value: Int64) throws { node.content = .value(.integer(value)) }
    mutating func encode(_ value: UInt8) throws { node.content = .value(.integer(Int64(value))) }
    mutating func encode(_ value: UInt16) throws { node.content = .value(.integer(Int64(value))) }
    mutating func encode(_ value: UInt32) throws { node.content = .value(.integer(Int64(value))) }
    mutating func encode(_ value: UInt) throws { try encode(UInt64(value)) }
    mutating func encode(_ value: UInt64) throws {
        guard let integer = Int64(exactly: value) else {
            throw EncodingError.invalidValue(value, .init(codingPath: codingPath, debugDescription: "\(value) does not fit a Lua integer"))
        }
        node.content = .value(.integer(integer))
    }
    mutating func encode<T: Encodable>(_ value: T) throws { try node.encodeValue(value, codingPath: codingPath) }
}
