import LuaHost

/// One function of the `cordial` Lua module: its documentation and its implementation, in one
/// place (DESIGN.md decision 9). ``CordialModule`` registers these; ``LuaAPIDocs`` writes
/// `docs/lua-api.md` and `docs/lua/cordial.d.lua` from the same values.
public struct LuaAPIFunction: Sendable {
    public struct Parameter: Sendable {
        public var name: String
        /// A LuaLS type: `integer`, `string|nil`, `cordial.Customer`, `fun(c: cordial.Customer): string?`.
        public var type: String
        public var doc: String
        public var optional: Bool

        public init(_ name: String, _ type: String, _ doc: String, optional: Bool = false) {
            self.name = name
            self.type = type
            self.doc = doc
            self.optional = optional
        }
    }

    public struct Result: Sendable {
        public var type: String
        public var doc: String

        public init(_ type: String, _ doc: String) {
            self.type = type
            self.doc = doc
        }
    }

    /// `customers.get` (in the module) or `Plugin:segment` (a method of an object the API returns).
    public var name: String
    /// The module that holds it: `cordial`, or `cordial.test` (plugin tests only).
    public var module: String
    public var summary: String
    public var parameters: [Parameter]
    public var results: [Result]
    /// The API version that introduced it.
    public var since: Int
    /// The permission a plugin must declare to call it.
    public var permission: Permission?
    /// A Lua example for the reference.
    public var example: String?
    /// The implementation; for methods, argument 1 is the object.
    let body: @Sendable (PluginContext, LuaArguments) throws -> any LuaPushable

    init(
        _ name: String, _ summary: String, module: String = "cordial", parameters: [Parameter] = [], results: [Result] = [], since: Int = 1,
        permission: Permission? = nil, example: String? = nil,
        body: @escaping @Sendable (PluginContext, LuaArguments) throws -> any LuaPushable
    ) {
        self.name = name
        self.module = module
        self.summary = summary
        self.parameters = parameters
        self.results = results
        self.since = since
        self.permission = permission
        self.example = example
        self.body = body
    }

    /// "customers" for `customers.get`, "Plugin" for `Plugin:segment`, nil for top-level functions.
    var owner: String? {
        if let dot = name.firstIndex(where: { $0 == "." || $0 == ":" }) { return String(name[..<dot]) }
        return nil
    }

    /// "get" for `customers.get`.
    var member: String {
        if let dot = name.lastIndex(where: { $0 == "." || $0 == ":" }) { return String(name[name.index(after: dot)...]) }
        return name
    }

    var isMethod: Bool { name.contains(":") }
}

/// A table shape the API hands to Lua (the customer view, options tables), documented field by field.
public struct LuaAPIClass: Sendable {
    public struct Field: Sendable {
        public var name: String
        public var type: String
        public var doc: String

        public init(_ name: String, _ type: String, _ doc: String) {
            self.name = name
            self.type = type
            self.doc = doc
        }
    }

    public var name: String
    public var summary: String
    public var fields: [Field]

    public init(_ name: String, _ summary: String, fields: [Field]) {
        self.name = name
        self.summary = summary
        self.fields = fields
    }
}
