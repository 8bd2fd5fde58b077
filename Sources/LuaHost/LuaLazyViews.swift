import CLua
import CLuaHost

/// Lazy customer views (CLuaHost.h, view.c): a batch of customers handed to a state as one
/// block of their scalar fields, each customer a proxy that reads the block, and a Swift
/// function that builds a customer's whole data table the first time a script reads
/// anything else (`tags`, `attributes`, `pairs(c)`…). A segment that reads three fields of a
/// million customers then builds no table for them but the proxies.
extension LuaStack {
    /// Pushes an array of `count` lazy views over `block` (a `cordial_view_batch` with its
    /// rows and texts, as ``LuaLazyViewBlock`` lays it out). `make(row, stack)` pushes the
    /// whole data table of `row` (from 0) and returns 1; `purchasesMetatable` is the
    /// metatable of a `purchases` table made from the block. `charge` is what the Swift
    /// memory behind `make` holds, counted against the state's memory cap while any view of
    /// the batch is alive.
    public func pushLazyViews(
        count: Int, block: LuaLazyViewBlock, purchasesMetatable: LuaReference, charge: Int, make: @escaping (Int, LuaStack) -> Int32
    ) -> Int32 {
        state.ensureStack(L, 8)
        lua_createtable(L, Int32(clamping: count), 0)
        let function = LuaState.SwiftFunction(name: "customer view") { arguments in
            make(Int(lua_tointegerx(arguments.L, 1, nil)), arguments.stack)
        }
        cordial_push_swift_function(L, Unmanaged.passRetained(function).toOpaque(), max(charge, LuaState.swiftFunctionCharge))
        let batch = cordial_view_batch_new(L, block.bytes.count)!
        block.bytes.withUnsafeBytes { bytes in
            UnsafeMutableRawPointer(batch).copyMemory(from: bytes.baseAddress!, byteCount: bytes.count)
        }
        batch.pointee.strict_metatable = purchasesMetatable.ref
        for row in 0..<count {
            cordial_view_push_lazy(L, -1, Int32(row))
            lua_rawseti(L, -3, lua_Integer(row + 1))
        }
        lua_settop(L, -2)
        return 1
    }
}

/// The block of a batch of lazy views: a `cordial_view_batch` header, one `cordial_view_row`
/// per customer, then their texts. Built where the batch is made (off the Lua thread), copied
/// into the state's userdata as it is.
public struct LuaLazyViewBlock: Sendable {
    let bytes: [UInt8]

    /// Days a block writes as "YYYY-MM-DD" itself (years 0 to 9999); a row with another day
    /// is built by the Swift function whenever it is read.
    static let writableDays = -719_528...2_932_896

    /// Lays out a block row by row.
    public struct Builder {
        let today: Int
        var rows: [cordial_view_row] = []
        var texts: [UInt8] = []

        public init(today: Int, capacity: Int) {
            self.today = today
            rows.reserveCapacity(capacity)
            texts.reserveCapacity(capacity * 64)
        }

        /// One customer. Days are days since 1970 (nil: none); the texts are the view's fields
        /// of the same names.
        public mutating func append(
            id: Int64, purchaseCount: Int64, purchaseTotal: Double, firstDay: Int?, lastDay: Int?, createdDay: Int,
            source: String?, externalID: String?, givenName: String?, familyName: String?, locale: String?,
            tier: String?, city: String?, region: String?, birthday: String?
        ) {
            var row = cordial_view_row()
            row.id = id
            row.purchase_count = purchaseCount
            row.purchase_total = purchaseTotal
            var exotic = false
            func day(_ value: Int?) -> Int32 {
                guard let value else { return CORDIAL_NO_DAY }
                guard LuaLazyViewBlock.writableDays.contains(value) else {
                    exotic = true
                    return CORDIAL_NO_DAY
                }
                return Int32(value)
            }
            row.first_day = day(firstDay)
            row.last_day = day(lastDay)
            row.created_day = day(createdDay)
            row.exotic = exotic ? 1 : 0
            withUnsafeMutableBytes(of: &row.text) { raw in
                let spans = raw.bindMemory(to: cordial_view_text.self)
                func put(_ index: Int, _ text: String?) {
                    guard var text else {
                        spans[index] = cordial_view_text(offset: 0, length: -1)
                        return
                    }
                    let offset = Int32(clamping: texts.count)
                    text.withUTF8 { texts.append(contentsOf: $0) }
                    spans[index] = cordial_view_text(offset: offset, length: Int32(clamping: texts.count) - offset)
                }
                put(Int(CORDIAL_VIEW_SOURCE), source)
                put(Int(CORDIAL_VIEW_EXTERNAL_ID), externalID)
                put(Int(CORDIAL_VIEW_GIVEN_NAME), givenName)
                put(Int(CORDIAL_VIEW_FAMILY_NAME), familyName)
                put(Int(CORDIAL_VIEW_LOCALE), locale)
                put(Int(CORDIAL_VIEW_TIER), tier)
                put(Int(CORDIAL_VIEW_CITY), city)
                put(Int(CORDIAL_VIEW_REGION), region)
                put(Int(CORDIAL_VIEW_BIRTHDAY), birthday)
            }
            rows.append(row)
        }

        public func build() -> LuaLazyViewBlock {
            let header = MemoryLayout<cordial_view_batch>.size
            let textsOffset = header + MemoryLayout<cordial_view_row>.stride * rows.count
            var bytes = [UInt8](repeating: 0, count: textsOffset + texts.count)
            bytes.withUnsafeMutableBytes { raw in
                let batch = raw.baseAddress!.assumingMemoryBound(to: cordial_view_batch.self)
                batch.pointee.count = Int32(rows.count)
                batch.pointee.today = Int32(clamping: today)
                batch.pointee.strict_metatable = 0
                batch.pointee.texts = Int32(textsOffset)
                rows.withUnsafeBytes { raw.baseAddress!.advanced(by: header).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                texts.withUnsafeBytes { raw.baseAddress!.advanced(by: textsOffset).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            }
            return LuaLazyViewBlock(bytes: bytes)
        }
    }
}
