import CCustomerBlock
import CordialCore

/// A batch of customers as segmentation reads them, laid out in one block of memory
/// (CCustomerBlock.h): the fields a segment usually reads as numbers and texts the Lua host
/// serves in C, the rest (tags, attributes, current labels) as stored text decoded only for
/// a customer whose view is read whole. A store fills it straight from its rows: a segment
/// run over a million customers then makes no Swift value per field.
public struct CustomerFactsBlock: Sendable {
    /// The block: header, rows, texts. `today` and the metatable are the host's to set.
    public let bytes: [UInt8]
    public let count: Int
    /// The stored value figures per row, when the scan loaded them (empty otherwise).
    public let values: [CustomerValue?]

    static let header = MemoryLayout<cordial_block>.size
    static let stride = MemoryLayout<cordial_block_row>.stride

    /// Row `index`'s fields as laid out.
    func row(_ index: Int) -> cordial_block_row {
        bytes.withUnsafeBytes { Self.row(index, in: $0) }
    }

    static func row(_ index: Int, in raw: UnsafeRawBufferPointer) -> cordial_block_row {
        raw.load(fromByteOffset: header + index * stride, as: cordial_block_row.self)
    }

    public func id(at index: Int) -> CustomerID { CustomerID(row(index).id) }

    public func purchases(at index: Int) -> PurchaseFacts { Self.purchases(of: row(index)) }

    static func purchases(of row: cordial_block_row) -> PurchaseFacts {
        func day(_ value: Int64) -> Int? { value == CORDIAL_NO_DAY ? nil : Int(value) }
        return PurchaseFacts(count: Int(row.purchase_count), total: row.purchase_total, firstDay: day(row.first_day), lastDay: day(row.last_day))
    }

    /// Every customer id of the block, in order.
    public var ids: [CustomerID] { (0..<count).map(id(at:)) }

    /// Row `index` decoded whole; throws when its stored tags or attributes are not what this
    /// version reads.
    public func facts(at index: Int) throws -> CustomerFacts {
        try bytes.withUnsafeBytes { try Self.facts(at: index, in: $0, values: values) }
    }

    /// Row `index` of the block in `raw` (a copy of ``bytes``) decoded whole, with its stored
    /// value from `values` (empty: none).
    public static func facts(at index: Int, in raw: UnsafeRawBufferPointer, values: [CustomerValue?]) throws -> CustomerFacts {
        let row = row(index, in: raw)
        let purchases = purchases(of: row)
        let texts = raw.baseAddress!.advanced(by: Int(raw.load(as: cordial_block.self).texts)).assumingMemoryBound(to: UInt8.self)
        let spans = withUnsafeBytes(of: row.text) { Array($0.bindMemory(to: cordial_block_text.self)) }
        func bytes(_ field: Int32) -> UnsafeBufferPointer<UInt8>? {
            let span = spans[Int(field)]
            return span.length < 0 ? nil : UnsafeBufferPointer(start: texts + Int(span.offset), count: Int(span.length))
        }
        func text(_ field: Int32) -> String? { bytes(field).map { String(decoding: $0, as: UTF8.self) } }
        var facts = CustomerFacts(
            id: CustomerID(row.id), source: text(Int32(CORDIAL_BLOCK_SOURCE)) ?? "", externalID: text(Int32(CORDIAL_BLOCK_EXTERNAL_ID)) ?? "",
            givenName: text(Int32(CORDIAL_BLOCK_GIVEN_NAME)) ?? "", familyName: text(Int32(CORDIAL_BLOCK_FAMILY_NAME)) ?? "",
            locale: text(Int32(CORDIAL_BLOCK_LOCALE)) ?? "en", tier: text(Int32(CORDIAL_BLOCK_TIER)), city: text(Int32(CORDIAL_BLOCK_CITY)),
            region: text(Int32(CORDIAL_BLOCK_REGION)), birthday: text(Int32(CORDIAL_BLOCK_BIRTHDAY)),
            createdDay: row.created_day == CORDIAL_NO_DAY ? 0 : Int(row.created_day),
            tags: try bytes(Int32(CORDIAL_BLOCK_TAGS)).map { $0.count > 2 ? try StoredCustomerText.strings($0, column: "tags") : [] } ?? [],
            attributes: try bytes(Int32(CORDIAL_BLOCK_ATTRIBUTES)).map { $0.count > 2 ? try StoredCustomerText.attributes($0) : [:] } ?? [:],
            purchases: purchases, value: values.isEmpty ? nil : values[index])
        if let labels = bytes(Int32(CORDIAL_BLOCK_LABELS)) {
            let parts = labels.split(separator: 0, omittingEmptySubsequences: false)
            var part = 0
            while part + 1 < parts.count {
                facts.labels[String(decoding: parts[part], as: UTF8.self)] = String(decoding: parts[part + 1], as: UTF8.self)
                part += 2
            }
        }
        return facts
    }

    /// `facts` laid out as a block (a store that reads ``CustomerFacts`` first, a test, a
    /// host function's handful of customers).
    public init(_ facts: [CustomerFacts]) {
        var builder = Builder(capacity: facts.count)
        for facts in facts {
            builder.append(
                id: facts.id.rawValue, purchases: facts.purchases, createdDay: facts.createdDay, value: facts.value, labels: facts.labels
            ) { field in
                switch field {
                case .source: facts.source
                case .externalID: facts.externalID
                case .givenName: facts.givenName
                case .familyName: facts.familyName
                case .locale: facts.locale
                case .tier: facts.tier
                case .city: facts.city
                case .region: facts.region
                case .birthday: facts.birthday
                case .tags: JSONText.strings(facts.tags)
                case .attributes: JSONText.object(facts.attributes)
                }
            }
        }
        self = builder.build()
    }

    init(bytes: [UInt8], count: Int, values: [CustomerValue?]) {
        self.bytes = bytes
        self.count = count
        self.values = values
    }

    /// The texts of a row, by field.
    public enum Field: CaseIterable {
        case source, externalID, givenName, familyName, locale, tier, city, region, birthday, tags, attributes

        var index: Int {
            switch self {
            case .source: Int(CORDIAL_BLOCK_SOURCE)
            case .externalID: Int(CORDIAL_BLOCK_EXTERNAL_ID)
            case .givenName: Int(CORDIAL_BLOCK_GIVEN_NAME)
            case .familyName: Int(CORDIAL_BLOCK_FAMILY_NAME)
            case .locale: Int(CORDIAL_BLOCK_LOCALE)
            case .tier: Int(CORDIAL_BLOCK_TIER)
            case .city: Int(CORDIAL_BLOCK_CITY)
            case .region: Int(CORDIAL_BLOCK_REGION)
            case .birthday: Int(CORDIAL_BLOCK_BIRTHDAY)
            case .tags: Int(CORDIAL_BLOCK_TAGS)
            case .attributes: Int(CORDIAL_BLOCK_ATTRIBUTES)
            }
        }
    }

    /// Lays out a block row by row, texts copied as bytes.
    public struct Builder {
        var rows: [cordial_block_row] = []
        var texts: [UInt8] = []
        var values: [CustomerValue?] = []
        var spans = [cordial_block_text](repeating: cordial_block_text(offset: 0, length: -1), count: Int(CORDIAL_BLOCK_TEXTS))

        public init(capacity: Int) {
            rows.reserveCapacity(capacity)
            texts.reserveCapacity(capacity * 96)
        }

        public var count: Int { rows.count }

        /// A text of the row being laid out (nil: none). A row is its texts and labels
        /// (``label(segment:label:)``), in any order, then ``endRow(id:purchases:createdDay:value:)``.
        public mutating func text(_ field: Field, _ bytes: UnsafeBufferPointer<UInt8>?) {
            guard let bytes else {
                spans[field.index] = cordial_block_text(offset: 0, length: -1)
                return
            }
            spans[field.index] = cordial_block_text(offset: Int32(clamping: texts.count), length: Int32(clamping: bytes.count))
            texts.append(contentsOf: bytes)
        }

        public mutating func text(_ field: Field, _ text: String?) {
            guard var text else {
                spans[field.index] = cordial_block_text(offset: 0, length: -1)
                return
            }
            text.withUTF8 { self.text(field, $0) }
        }

        /// A current label of the row being laid out (segment and label without NUL bytes).
        public mutating func label(segment: UnsafeBufferPointer<UInt8>, label: UnsafeBufferPointer<UInt8>) {
            let index = Int(CORDIAL_BLOCK_LABELS)
            if spans[index].length < 0 { spans[index] = cordial_block_text(offset: Int32(clamping: texts.count), length: 0) }
            texts.append(contentsOf: segment)
            texts.append(0)
            texts.append(contentsOf: label)
            texts.append(0)
            spans[index].length = Int32(clamping: texts.count) - spans[index].offset
        }

        /// Ends the row whose texts were given.
        public mutating func endRow(id: Int64, purchases: PurchaseFacts, createdDay: Int?, value: CustomerValue?) {
            var row = cordial_block_row()
            row.id = id
            row.purchase_count = Int64(purchases.count)
            row.purchase_total = purchases.total
            row.first_day = purchases.firstDay.map(Int64.init) ?? CORDIAL_NO_DAY
            row.last_day = purchases.lastDay.map(Int64.init) ?? CORDIAL_NO_DAY
            row.created_day = createdDay.map(Int64.init) ?? CORDIAL_NO_DAY
            spans.withUnsafeBytes { source in
                withUnsafeMutableBytes(of: &row.text) { $0.copyMemory(from: source) }
            }
            rows.append(row)
            values.append(value)
            for index in spans.indices { spans[index] = cordial_block_text(offset: 0, length: -1) }
        }

        /// One row from Swift values.
        mutating func append(
            id: Int64, purchases: PurchaseFacts, createdDay: Int, value: CustomerValue?, labels: [String: String], text: (Field) -> String?
        ) {
            for field in Field.allCases { self.text(field, text(field)) }
            for (segment, label) in labels.sorted(by: { $0.key < $1.key }) {
                var segment = segment, label = label
                segment.withUTF8 { segment in label.withUTF8 { self.label(segment: segment, label: $0) } }
            }
            endRow(id: id, purchases: purchases, createdDay: createdDay, value: value)
        }

        /// The block; `values` kept only when some row had them.
        public func build() -> CustomerFactsBlock {
            let textsOffset = CustomerFactsBlock.header + CustomerFactsBlock.stride * rows.count
            var bytes = [UInt8](repeating: 0, count: textsOffset + texts.count)
            bytes.withUnsafeMutableBytes { raw in
                let block = raw.baseAddress!.assumingMemoryBound(to: cordial_block.self)
                block.pointee.count = Int32(rows.count)
                block.pointee.texts = Int32(textsOffset)
                rows.withUnsafeBytes { rows in
                    if let base = rows.baseAddress { raw.baseAddress!.advanced(by: CustomerFactsBlock.header).copyMemory(from: base, byteCount: rows.count) }
                }
                texts.withUnsafeBytes { texts in
                    if let base = texts.baseAddress { raw.baseAddress!.advanced(by: textsOffset).copyMemory(from: base, byteCount: texts.count) }
                }
            }
            return CustomerFactsBlock(bytes: bytes, count: rows.count, values: values.contains { $0 != nil } ? values : [])
        }
    }
}
