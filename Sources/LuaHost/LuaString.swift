/// A Lua string: bytes, which are usually, but not always, UTF-8 text.
///
/// ```swift
/// let name = LuaString("Trần Thị Bích")
/// name.text   // "Trần Thị Bích"
/// LuaString(bytes: [0x61, 0x00, 0x62]).bytes.count   // 3: the NUL survives
/// ```
public struct LuaString: Hashable, Sendable {
    public var bytes: [UInt8]

    public init(bytes: [UInt8]) { self.bytes = bytes }

    public init(_ text: String) { self.bytes = Array(text.utf8) }

    /// The bytes as UTF-8 text, or nil when they are not valid UTF-8.
    public var text: String? { String(validating: bytes, as: UTF8.self) }
}

extension LuaString: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self.init(value) }
}
