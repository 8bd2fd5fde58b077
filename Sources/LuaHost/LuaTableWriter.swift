import CLua
import CLuaHost

/// Builds a Lua table in place on the stack, field by field, for hosts that hand many
/// records to Lua: no ``LuaTable`` dictionary in between. Raw sets only, so nothing raises.
///
/// ```swift
/// struct Point: LuaPushable {
///     var x, y: Double
///     func push(onto stack: LuaStack) -> Int32 {
///         stack.pushTable(fields: 2) { t in t.set("x", x); t.set("y", y) }
///     }
/// }
/// ```
public struct LuaTableWriter {
    @usableFromInline let stack: LuaStack

    @usableFromInline init(stack: LuaStack) { self.stack = stack }

    /// Sets `table[key] = value` (nil leaves the key absent).
    @inlinable
    public func set(_ key: String, _ value: some LuaPushable) {
        stack.push(key)
        guard value.push(onto: stack) == 1 else {
            lua_settop(stack.L, -2)  // a value that pushed nothing: drop the key
            return
        }
        lua_rawset(stack.L, -3)
    }

    /// Sets `table[key]` to a nested table filled by `fill`.
    @inlinable
    public func set(_ key: String, arrayCount: Int = 0, fields: Int = 0, metatable: LuaReference? = nil, _ fill: (LuaTableWriter) -> Void) {
        stack.push(key)
        _ = stack.pushTable(arrayCount: arrayCount, fields: fields, metatable: metatable, fill)
        lua_rawset(stack.L, -3)
    }

    /// Appends `value` at `index` (1-based).
    @inlinable
    public func set(_ index: Int, _ value: some LuaPushable) {
        guard value.push(onto: stack) == 1 else { return }
        lua_rawseti(stack.L, -2, lua_Integer(index))
    }
}

/// How a table pushed by the host is made read-only for scripts (CLuaHost/view.c): reads go
/// through a proxy to the table, every write is refused naming `path` + the key
/// (`a customer view is read-only (assigning 'value.rfm.r')`); `rawset`, `setmetatable` and
/// `getmetatable` cannot reach it. The tables inside it are read-only too, all the way down
/// (each made a view when first read, its path extended by its key).
public struct LuaReadOnly: Sendable {
    public var path: String

    public init(path: String) {
        self.path = path
    }
}

extension LuaStack {
    /// Pushes a new table filled by `fill`, with `metatable` (a table reference) when given,
    /// read-only when `readOnly` is given.
    @inlinable
    public func pushTable(
        arrayCount: Int = 0, fields: Int = 0, metatable: LuaReference? = nil, readOnly: LuaReadOnly? = nil,
        _ fill: (LuaTableWriter) -> Void
    ) -> Int32 {
        state.ensureStack(L, 8)
        lua_createtable(L, Int32(clamping: arrayCount), Int32(clamping: fields))
        fill(LuaTableWriter(stack: self))
        if let metatable, metatable.typeName == "table" {
            lua_rawgeti(L, cordial_registryindex(), lua_Integer(metatable.ref))
            lua_setmetatable(L, -2)
        }
        if let readOnly { cordial_view_seal(L, readOnly.path) }
        return 1
    }

    @usableFromInline
    func push(_ text: String) {
        var text = text
        text.withUTF8 { buffer in
            buffer.withMemoryRebound(to: CChar.self) { _ = lua_pushlstring(L, $0.baseAddress, $0.count) }
        }
    }
}
