import CLua
import CLuaHost

/// How a Swift class looks to Lua: a userdata with read-only fields and methods.
///
/// The userdata holds a retained reference to the Swift object; `__gc` releases it.
/// ```swift
/// var type = LuaObjectType<Account>("Account")
/// type.field("balance") { $0.balance }
/// type.method("deposit") { account, args in
///     account.balance += try args.get(2, "amount", as: Int64.self)
///     return account.balance
/// }
/// try state.register(type)
/// try state.setGlobal("account", .object(LuaObjectBox(account)))   -- Lua: account:deposit(5)
/// ```
public struct LuaObjectType<Object: AnyObject> {
    public let name: String
    var fields: [String: (Object) -> any LuaPushable] = [:]
    var methods: [String: (Object, LuaArguments) throws -> any LuaPushable] = [:]
    var describe: ((Object) -> String)?

    public init(_ name: String) {
        self.name = name
    }

    /// A read-only field: `object.name` in Lua.
    public mutating func field(_ name: String, _ get: @escaping (Object) -> any LuaPushable) {
        fields[name] = get
    }

    /// A method: `object:name(...)` in Lua; the arguments start at index 2 (1 is the object).
    public mutating func method(_ name: String, _ body: @escaping (Object, LuaArguments) throws -> any LuaPushable) {
        methods[name] = body
    }

    /// What `tostring(object)` shows; the type name when not set.
    public mutating func description(_ describe: @escaping (Object) -> String) {
        self.describe = describe
    }
}

extension LuaState {
    /// Registers how objects of `Object`'s class appear in Lua. Register before pushing one.
    public func register<Object: AnyObject>(_ type: LuaObjectType<Object>) throws(LuaRunError) {
        guard !isClosed else { throw LuaRunError.closedState }
        let typeName = type.name
        var methodFunctions: [String: LuaFunction] = [:]
        for (name, body) in type.methods {
            let qualified = "\(typeName):\(name)"
            methodFunctions[name] = dynamicFunction(qualified) { arguments in
                guard let object = arguments.state.object(at: 1, on: arguments.L) as? Object else {
                    throw arguments.invalid("self", "expected \(typeName), got \(arguments.stack.typeName(at: 1)) (call it with ':')")
                }
                return try body(object, arguments)
            }
        }
        let fields = type.fields
        let index = dynamicFunction("\(typeName).__index") { arguments in
            let object = try arguments.object(1, "self", as: Object.self)
            let key = try arguments.get(2, "key", as: String.self)
            if let field = fields[key] { return field(object) }
            if let method = methodFunctions[key] { return method }
            throw arguments.invalid("key", "\(typeName) has no field or method '\(key)'")
        }
        let newIndex = function("\(typeName).__newindex") { arguments -> LuaNoValue in
            throw arguments.invalid("self", "\(typeName) is read-only")
        }
        let describe = type.describe
        let toString = function("\(typeName).__tostring") { arguments -> String in
            let object = try arguments.object(1, "self", as: Object.self)
            return describe?(object) ?? typeName
        }
        let equals = function("\(typeName).__eq") { arguments -> Bool in
            let left = arguments.state.object(at: 1, on: arguments.L)
            let right = arguments.state.object(at: 2, on: arguments.L)
            return left != nil && left === right
        }

        let L = activeL
        ensureStack(L, 4)
        lua_createtable(L, 0, 8)
        let entries: [(String, LuaValue)] = [
            ("__index", .function(index)), ("__newindex", .function(newIndex)),
            ("__tostring", .function(toString)), ("__eq", .function(equals)),
            ("__name", .string(LuaString(typeName))), ("__metatable", .boolean(false)),
        ]
        for (key, value) in entries {
            LuaStack(L: L, state: self).push(key)
            push(value, on: L)
            lua_rawset(L, -3)
        }
        LuaStack(L: L, state: self).push("__gc")
        cordial_push_userdata_gc(L)
        lua_rawset(L, -3)
        if let pointer = lua_topointer(L, -1) { objectTypesByMetatable[pointer] = typeName }
        objectMetatables[ObjectIdentifier(Object.self)] = luaL_ref(L, cordial_registryindex())
    }

    /// Pushes a Swift object as a userdata of its registered type.
    func pushObject(_ object: AnyObject, on L: OpaquePointer) {
        guard let metatable = objectMetatables[ObjectIdentifier(Swift.type(of: object))] else {
            preconditionFailure("\(Swift.type(of: object)) is not registered with LuaState.register(_:)")
        }
        ensureStack(L, 2)
        cordial_push_object(L, Unmanaged.passRetained(object).toOpaque())
        lua_rawgeti(L, cordial_registryindex(), lua_Integer(metatable))
        lua_setmetatable(L, -2)
    }

    /// The Swift object of the userdata at `index`, when it is one of ours.
    func object(at index: Int32, on L: OpaquePointer) -> AnyObject? {
        guard lua_type(L, index) == LUA_TUSERDATA, lua_getmetatable(L, index) != 0 else { return nil }
        let pointer = lua_topointer(L, -1)
        cordial_pop(L, 1)
        guard let pointer, objectTypesByMetatable[pointer] != nil, let slot = cordial_object_at(L, index) else { return nil }
        return Unmanaged<AnyObject>.fromOpaque(slot).takeUnretainedValue()
    }
}
