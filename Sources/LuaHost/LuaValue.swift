/// A Lua value held in Swift.
///
/// Integers and floats stay apart (Lua 5.4's subtypes): `3` is `.integer(3)`, `3.0` is
/// `.number(3.0)`, and neither is ever silently turned into the other. Strings are bytes
/// (``LuaString``), so embedded NULs and non-UTF-8 data survive a round trip.
///
/// ```swift
/// let customer: LuaValue = ["name": "Nguyễn Văn An", "orders": 3, "tags": ["vip"]]
/// try state.setGlobal("customer", customer)
/// ```
public enum LuaValue: Hashable {
    case `nil`
    case boolean(Bool)
    case integer(Int64)
    case number(Double)
    case string(LuaString)
    case table(LuaTable)
    case function(LuaFunction)
    /// A Swift object exposed to Lua through a registered ``LuaObjectType``.
    case object(LuaObjectBox)
    /// A value Swift does not look into (a foreign userdata or a coroutine), kept by reference.
    case opaque(LuaReference)

    /// The Lua type name: `nil`, `boolean`, `number`, `string`, `table`, `function`, `userdata`, `thread`.
    public var typeName: String {
        switch self {
        case .nil: "nil"
        case .boolean: "boolean"
        case .integer, .number: "number"
        case .string: "string"
        case .table: "table"
        case .function: "function"
        case .object: "userdata"
        case .opaque(let reference): reference.typeName
        }
    }

    /// The name used in argument errors: like ``typeName``, but `integer` and `float` apart.
    public var detailedTypeName: String {
        switch self {
        case .integer: "integer"
        case .number: "float"
        default: typeName
        }
    }

    public var isNil: Bool { if case .nil = self { true } else { false } }

    /// The integer, or a float with an exact integer value (Lua's own conversion rule).
    public var integerValue: Int64? {
        switch self {
        case .integer(let value): value
        case .number(let value): Int64(exactly: value)
        default: nil
        }
    }

    /// The number as a Double, whether integer or float.
    public var doubleValue: Double? {
        switch self {
        case .integer(let value): Double(value)
        case .number(let value): value
        default: nil
        }
    }

    /// The string as UTF-8 text; nil for other types and for invalid UTF-8.
    public var stringValue: String? {
        if case .string(let string) = self { string.text } else { nil }
    }

    public var boolValue: Bool? {
        if case .boolean(let value) = self { value } else { nil }
    }

    public var tableValue: LuaTable? {
        if case .table(let table) = self { table } else { nil }
    }

    /// The Swift object of an ``object(_:)`` value.
    public var objectValue: AnyObject? {
        if case .object(let box) = self { box.object } else { nil }
    }

    public var functionValue: LuaFunction? {
        if case .function(let function) = self { function } else { nil }
    }

    /// Lua truthiness: everything but `nil` and `false` is true.
    public var isTruthy: Bool {
        switch self {
        case .nil, .boolean(false): false
        default: true
        }
    }

    /// Reads a field of a table value; `.nil` for anything else.
    public subscript(key: String) -> LuaValue {
        tableValue?[key] ?? .nil
    }

    /// Reads an array element (1-based, as in Lua) of a table value.
    public subscript(index: Int) -> LuaValue {
        tableValue?[index] ?? .nil
    }
}

extension LuaValue: ExpressibleByNilLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByStringLiteral, ExpressibleByArrayLiteral,
    ExpressibleByDictionaryLiteral
{
    public init(nilLiteral: ()) { self = .nil }
    public init(booleanLiteral value: Bool) { self = .boolean(value) }
    public init(integerLiteral value: Int64) { self = .integer(value) }
    public init(floatLiteral value: Double) { self = .number(value) }
    public init(stringLiteral value: String) { self = .string(LuaString(value)) }
    public init(arrayLiteral elements: LuaValue...) { self = .table(LuaTable(array: elements)) }
    public init(dictionaryLiteral elements: (String, LuaValue)...) {
        var table = LuaTable()
        for (key, value) in elements { table[key] = value }
        self = .table(table)
    }
}

extension LuaValue: CustomStringConvertible {
    /// A short rendering for logs and tests, e.g. `{1, 2, name = "x"}`.
    public var description: String {
        switch self {
        case .nil: "nil"
        case .boolean(let value): String(value)
        case .integer(let value): String(value)
        case .number(let value): value.description
        case .string(let value): "\"\(value.text ?? "<\(value.bytes.count) bytes>")\""
        case .table(let table): table.description
        case .function: "function"
        case .object(let box): "userdata(\(type(of: box.object)))"
        case .opaque(let reference): reference.typeName
        }
    }
}
