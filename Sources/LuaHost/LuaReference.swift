import CLua

/// A Lua value kept alive in the registry of its state, so Swift can hold on to it.
///
/// References belong to the thread of their ``LuaState``, like the state itself. Dropping
/// the last Swift reference releases the Lua value; after the state is closed a reference
/// is inert.
public final class LuaReference: Hashable {
    @usableFromInline let handle: LuaStateHandle
    @usableFromInline let ref: Int32
    /// The Lua type name of the value (`function`, `userdata`, `thread`, …).
    public let typeName: String

    init(handle: LuaStateHandle, ref: Int32, typeName: String) {
        self.handle = handle
        self.ref = ref
        self.typeName = typeName
    }

    deinit {
        handle.state?.releaseReference(ref)
    }

    @inlinable var state: LuaState? { handle.state }

    public static func == (lhs: LuaReference, rhs: LuaReference) -> Bool { lhs === rhs }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// What references hold instead of a `weak` reference to their state: a weak reference would
/// move the state's reference count to a side table and slow every call (measured: +40 ns).
/// The state clears it when it closes.
public final class LuaStateHandle {
    /// Unmanaged, so that a call through a reference touches no reference count.
    @exclusivity(unchecked) @usableFromInline var unmanagedState: Unmanaged<LuaState>?

    init(state: LuaState) { unmanagedState = Unmanaged.passUnretained(state) }

    @usableFromInline var state: LuaState? { unmanagedState?.takeUnretainedValue() }

    func clear() { unmanagedState = nil }
}

/// A Swift object inside a Lua userdata, as read back from Lua.
public struct LuaObjectBox: Hashable {
    public let object: AnyObject

    public init(_ object: AnyObject) { self.object = object }

    public static func == (lhs: LuaObjectBox, rhs: LuaObjectBox) -> Bool { lhs.object === rhs.object }
    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(object)) }
}

/// Any Lua value held as it is (a table stays the same table, not a Swift copy).
extension LuaReference: LuaReadable, LuaPushable {
    public static func read(from stack: LuaStack, at index: Int32) throws(LuaConversionError) -> LuaReference {
        stack.state.makeReference(at: index, on: stack.L)
    }

    public func push(onto stack: LuaStack) -> Int32 {
        precondition(state === stack.state, "a Lua value from one state pushed onto another")
        lua_rawgeti(stack.L, cordial_registryindex(), lua_Integer(ref))
        return 1
    }
}
