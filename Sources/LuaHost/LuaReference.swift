import CLua

/// A Lua value kept alive in the registry of its state, so Swift can hold on to it.
///
/// References belong to the thread of their ``LuaState``, like the state itself. Dropping
/// the last Swift reference releases the Lua value; after the state is closed a reference
/// is inert.
public final class LuaReference: Hashable {
    weak var state: LuaState?
    let ref: Int32
    /// The Lua type name of the value (`function`, `userdata`, `thread`, …).
    public let typeName: String

    init(state: LuaState, ref: Int32, typeName: String) {
        self.state = state
        self.ref = ref
        self.typeName = typeName
    }

    deinit {
        state?.releaseReference(ref)
    }

    public static func == (lhs: LuaReference, rhs: LuaReference) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// A Swift object inside a Lua userdata, as read back from Lua.
public struct LuaObjectBox: Hashable {
    public let object: AnyObject

    public init(_ object: AnyObject) { self.object = object }

    public static func == (lhs: LuaObjectBox, rhs: LuaObjectBox) -> Bool { lhs.object === rhs.object }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(object)) }
}
