import CLua
import CCustomerBlock
import CLuaHost

/// Lazy customer views (CLuaHost.h, view.c): a batch of customers handed to a state as one
/// block of their scalar fields, each customer a proxy that reads the block, and a Swift
/// function that builds a customer's whole data table the first time a script reads
/// anything else (`tags`, `attributes`, `pairs(c)`…). A segment that reads three fields of a
/// million customers then builds no table for them but the proxies.
extension LuaStack {
    /// Pushes an array of lazy views over `block` (a `cordial_block`, CCustomerBlock.h, with
    /// its rows and texts): one per row. `make(row, block, stack)` pushes the whole data
    /// table of `row` (from 0) read from the state's copy of the block, and returns 1, or
    /// throws (raised as a Lua error at the reading line);
    /// `purchasesMetatable` is the metatable of a `purchases` table made from the block, and
    /// `today` the day `days_since_last` counts to. `charge` is what the Swift memory behind
    /// `make` holds, counted against the state's memory cap while any view of the batch is
    /// alive.
    public func pushLazyViews(
        block: [UInt8], today: Int, purchasesMetatable: LuaReference, charge: Int, make: @escaping (Int, UnsafeRawBufferPointer, LuaStack) throws -> Int32
    ) -> Int32 {
        state.ensureStack(L, 8)
        let function = LuaState.SwiftFunction(name: "customer view") { arguments in
            let block = UnsafeRawBufferPointer(start: lua_touserdata(arguments.L, 2), count: Int(lua_rawlen(arguments.L, 2)))
            return try make(Int(lua_tointegerx(arguments.L, 1, nil)), block, arguments.stack)
        }
        cordial_push_swift_function(L, Unmanaged.passRetained(function).toOpaque(), max(charge, LuaState.swiftFunctionCharge))
        let batch = cordial_view_batch_new(L, max(block.count, MemoryLayout<cordial_block>.size))!
        block.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { UnsafeMutableRawPointer(batch).copyMemory(from: base, byteCount: bytes.count) }
        }
        batch.pointee.today = Int32(clamping: today)
        batch.pointee.strict_metatable = purchasesMetatable.ref
        let count = Int(batch.pointee.count)
        lua_createtable(L, Int32(clamping: count), 0)
        for row in 0..<count {
            cordial_view_push_lazy(L, -2, Int32(row))
            lua_rawseti(L, -2, lua_Integer(row + 1))
        }
        lua_rotate(L, -2, 1)
        lua_settop(L, -2)
        return 1
    }
}
