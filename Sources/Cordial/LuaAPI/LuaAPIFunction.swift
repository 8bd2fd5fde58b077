import LuaHost

/// One function of the `cordial` Lua module: its documentation and its implementation, in one
/// place (DESIGN.md decision 9). ``CordialModule`` registers these; ``LuaAPIDocs`` writes
/// `docs/lua-api.md` and `docs/lua/cordial.d.lua` from the same values.
public struct LuaAPIFunction: Sendable {
    public struct Parameter: Sendable {
        public let name: String
        /// A LuaLS type: `integer`, `string|nil`, `cordial.Customer`, `fun(c: cordial.Customer): string?`.
        public let type: String
        public let doc: String
        public let optional: Bool

        public init(_ name: String, _ type: String, _ doc: String, optional: Bool = false) {
            self.name = name
            self.type = type
            self.doc = doc
            self.optional = optional
            checkedType = LuaAPIType(type, optional: optional)
        }

        /// `type` as the installer checks it.
        let checkedType: LuaAPIType
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
    /// The permission a plugin must declare to call it. A function that needs one reads the
    /// store, so it can only be called from a handler (``Phase/running``).
    public var permission: Permission?
    /// When it may be called: while `plugin.lua` registers, from a handler, or either.
    public var phase: Phase

    /// When a function may be called.
    public enum Phase: Sendable {
        /// Only while `plugin.lua` loads (declaring, registering).
        case registering
        /// Only from a handler: a segment function, a script, a test case.
        case running
        /// Only from a handler that may change data: a script or a test case, not a segment
        /// function (segments classify).
        case changing
        /// Only from a feedback hook (`plugin:on`): the methods of the case it is handed.
        case hook
        /// Any time (pure functions: dates, formats, JSON, logging).
        case any
    }
    /// A Lua example for the reference.
    public var example: String?
    /// The implementation; for methods, argument 1 is the object. It runs after
    /// ``checkCall(_:in:)``: phase, permission and argument types are already right.
    let body: @Sendable (PluginContext, LuaArguments) throws -> any LuaPushable

    init(
        _ name: String, _ summary: String, module: String = "cordial", parameters: [Parameter] = [], results: [Result] = [], since: Int = 1,
        permission: Permission? = nil, phase: Phase? = nil, example: String? = nil,
        body: @escaping @Sendable (PluginContext, LuaArguments) throws -> any LuaPushable
    ) {
        self.phase = phase ?? (permission == nil ? .any : .running)
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
    public var owner: String? {
        if let dot = name.firstIndex(where: { $0 == "." || $0 == ":" }) { return String(name[..<dot]) }
        return nil
    }

    /// "get" for `customers.get`.
    var member: String {
        if let dot = name.lastIndex(where: { $0 == "." || $0 == ":" }) { return String(name[name.index(after: dot)...]) }
        return name
    }

    public var isMethod: Bool { name.contains(":") }

    /// The full name as Lua code writes it: `cordial.customers.get`, `Plugin:segment`.
    public var qualifiedName: String { isMethod ? name : "\(module).\(name)" }

    /// The one place where the spec is enforced, before every call of the body: the phase,
    /// the permission (and an open store), then each argument against its parameter's type.
    /// An optional parameter may be left out before a required one of another type
    /// (`plugin:segment(name, fn)`), as Lua APIs usually allow.
    func checkCall(_ arguments: LuaArguments, in context: PluginContext) throws {
        switch (phase, context.phase) {
        case (.registering, .running):
            throw PluginAPIError("can only be called while plugin.lua loads (at its top level), not from a handler")
        case (.running, .registering), (.changing, .registering):
            throw PluginAPIError("not available while a plugin registers (plugin.lua's top level): call it from a handler")
        case (.registering, .classifying):
            throw PluginAPIError("can only be called while plugin.lua loads (at its top level), not from a segment function")
        case (.changing, .classifying):
            throw PluginAPIError("cannot be called from a segment function: segments classify customers, they do not change them; change customers from a script (cordial run)")
        case (.registering, .handlingFeedback):
            throw PluginAPIError("can only be called while plugin.lua loads (at its top level), not from a feedback hook")
        case (.changing, .handlingFeedback):
            throw PluginAPIError("cannot be called from a feedback hook: a hook changes its case (case:assign, case:classify, case:note) and plans care with case:recover, all written once with the hook's delivery")
        case (.hook, .registering), (.hook, .running), (.hook, .classifying):
            throw PluginAPIError("can only be called from a feedback hook (plugin:on), on the case it is handed")
        default: break
        }
        if let permission {
            guard context.environment.permissions.contains(permission) else {
                throw PluginAPIError("needs the permission '\(permission.rawValue)'; add it to the plugin's permissions")
            }
            guard context.environment.store != nil else {
                throw PluginAPIError("no store is open (cordial run: pass --db before the script, or run `cordial init`)")
            }
        }
        var index = isMethod ? 2 : 1
        for (position, parameter) in parameters.enumerated() {
            let type = parameter.checkedType
            if parameter.optional, !type.accepts(arguments, index), position + 1 < parameters.count,
               !parameters[position + 1].optional, parameters[position + 1].checkedType.accepts(arguments, index) {
                continue  // left out: this argument is the next parameter's
            }
            try type.check(arguments, index, parameter.name)
            index += 1
        }
    }
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
