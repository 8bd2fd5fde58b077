import CordialCore
import Foundation

/// Where an organisation's customers live. SQLite (``SQLiteStore``) is the embedded
/// default; a PostgreSQL conformer follows. Nothing here assumes SQLite: every method is
/// `async`, results are values, and imports are one transaction each.
public protocol Store: Sendable {
    /// Creates or upgrades the schema (versioned migrations).
    func migrate() async throws

    /// Writes an import in one transaction, pulling its batches from `source` until it is
    /// exhausted: every customer upserted by (source, external id), every purchase added
    /// unless the same (source, external id) is already there. When `source` throws (a bad
    /// row), nothing is written. With `dryRun`, computes the same summary and writes nothing.
    func apply(_ source: some ImportSource, dryRun: Bool) async throws -> ImportSummary

    func customer(_ id: CustomerID) async throws -> Customer?
    func customer(source: String, externalID: String) async throws -> Customer?
    /// Customers in id order, after `query.after`, at most `query.limit`.
    func customers(_ query: CustomerQuery) async throws -> [Customer]
    func countCustomers() async throws -> Int
    func countPurchases() async throws -> Int

    func purchases(of id: CustomerID) async throws -> [Purchase]
    func purchaseSummary(of id: CustomerID) async throws -> PurchaseSummary

    /// Every customer in id order, in batches, holding one batch in memory at a time.
    func scanCustomers(batchSize: Int) -> AsyncThrowingStream<[Customer], any Error>

    /// Saves a changed customer read earlier. Refused with ``StoreError/staleVersion`` when
    /// someone saved it meanwhile (optimistic concurrency); returns it with its new version.
    func update(_ customer: Customer) async throws -> Customer

    /// Erases a customer's personal data on request, keeping anonymous aggregates (the
    /// purchases), and records it in the audit log. `reason` must hold no personal data.
    func forget(_ id: CustomerID, reason: String) async throws

    /// The audit log, oldest first.
    func auditLog() async throws -> [AuditEntry]

    /// Adds a member of staff; returns it with its id.
    func addStaff(_ staff: Staff) async throws -> Staff
    /// Every member of staff, by id.
    func staff() async throws -> [Staff]

    /// Records a contact with a customer (a visit, call, letter, gift or event); returns it
    /// with its id. An unknown customer or member of staff is refused.
    func record(_ interaction: Interaction) async throws -> Interaction
    /// A customer's contacts, oldest first.
    func interactions(of id: CustomerID) async throws -> [Interaction]

    /// Applies tag and attribute changes to several customers in one transaction (all or none).
    func apply(_ changes: [CustomerChange]) async throws

    // MARK: Segments

    /// Hands every customer not forgotten, in ascending id order and in batches of
    /// `batchSize`, to `body`, from one consistent read. `body` runs on the reading thread
    /// (not Swift's cooperative pool): it may block to hold the reader back. With `values`,
    /// each customer's stored value (``CustomerFacts/value``) is read too.
    func scanCustomerFacts(batchSize: Int, values: Bool, _ body: @escaping @Sendable ([CustomerFacts]) throws -> Void) async throws

    /// Customers matching `query` as segmentation sees them (with purchase summaries and
    /// labels), in a fixed number of queries whatever the page size.
    func customerFacts(_ query: CustomerQuery) async throws -> [CustomerFacts]

    /// The purchase summary of every customer not forgotten who bought anything (for
    /// population statistics such as RFM quintiles).
    func purchaseFacts() async throws -> [PurchaseFacts]

    /// Makes `outcome` the segment's membership in one transaction, recording who entered
    /// and who left which label. A run as of a date before the segment's last run is refused.
    func materialize(_ outcome: SegmentOutcome) async throws -> SegmentRunSummary

    /// Every segment that has been run, with its current counts.
    func segments() async throws -> [SegmentInfo]
    /// Members per label as of `date` (nil: now).
    func segmentCounts(_ segment: String, at date: Date?) async throws -> [String: Int]
    /// Members as of `date` (nil: now), optionally of one label, in customer order.
    func segmentMembers(_ segment: String, label: String?, at date: Date?, limit: Int?) async throws -> [SegmentMember]
    /// Entries and exits, newest first.
    func segmentHistory(_ segment: String, limit: Int) async throws -> [SegmentChange]
    /// The customer's current label in every segment.
    func segmentLabels(of id: CustomerID) async throws -> [String: String]

    // MARK: Customer value

    /// Hands every customer not forgotten who bought by the end of `endDay` (days since
    /// 1970), with their purchases up to then merged per day, in batches of `batchSize`, to
    /// `body` on the reading threads, from one consistent state. Customers come in parts
    /// (ascending id ranges, part 0 the lowest) that may be read at the same time; within a
    /// part, in ascending id order.
    func scanPurchaseDays(
        through endDay: Int, batchSize: Int, _ body: @escaping @Sendable (_ part: Int, [PurchaseDays]) throws -> Void
    ) async throws

    /// (referred, referrer) for every customer whose attribute `referred_by` names another
    /// customer of the same source by external id.
    func referrals() async throws -> [(referred: CustomerID, referrer: CustomerID)]

    /// Records `fit` and makes `values` the stored customer values, in one transaction
    /// (the previous fit's values are replaced). Returns the fit with its id.
    func saveValueFit(_ fit: ValueFit, values: [CustomerValue]) async throws -> ValueFit

    /// The fit whose values are stored, if any.
    func latestValueFit() async throws -> ValueFit?
    func customerValue(of id: CustomerID) async throws -> CustomerValue?
    func customerValues(_ query: CustomerValueQuery) async throws -> [CustomerValue]
    /// The values of `figure` at each fraction (0…1, nearest rank) of the stored values
    /// that have it, with how many have it.
    func valueQuantiles(of figure: CustomerValueFigure, at fractions: [Double]) async throws -> (count: Int, values: [Double])
}

extension Store {
    /// Writes one batch in one transaction (see ``apply(_:dryRun:)-(ImportSource,_)``).
    public func apply(_ batch: ImportBatch, dryRun: Bool) async throws -> ImportSummary {
        try await apply(SingleBatch(batch: batch), dryRun: dryRun)
    }
}

/// Where an import's rows come from. A store pulls batches inside its write transaction,
/// so a file of any size streams through in bounded memory and is still all or nothing.
public protocol ImportSource: Sendable {
    /// The next batch, or nil at the end. Throwing (say, an error listing bad rows) rolls
    /// back everything written from earlier batches.
    mutating func nextBatch() throws -> ImportBatch?
}

/// An import of one batch already in memory.
struct SingleBatch: ImportSource {
    var batch: ImportBatch?

    mutating func nextBatch() throws -> ImportBatch? {
        defer { batch = nil }
        return batch
    }
}

/// One line of the audit log: what was done to whom (by store id), when and why.
public struct AuditEntry: Codable, Sendable, Hashable {
    public var time: Date
    public var action: String
    public var subject: String
    public var detail: String?

    public init(time: Date, action: String, subject: String, detail: String? = nil) {
        self.time = time
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}

/// Which customers `customers(_:)` returns.
public struct CustomerQuery: Sendable, Hashable {
    public var after: CustomerID?
    public var limit: Int
    public var tag: String?
    public var tier: String?
    /// Members of this segment now (with ``label``: of that label only).
    public var segment: String?
    public var label: String?

    public init(
        after: CustomerID? = nil, limit: Int = 100, tag: String? = nil, tier: String? = nil,
        segment: String? = nil, label: String? = nil
    ) {
        self.after = after
        self.limit = limit
        self.tag = tag
        self.tier = tier
        self.segment = segment
        self.label = label
    }
}

/// What an import writes.
/// A change to one customer's tags and attributes, as plugins make them.
public struct CustomerChange: Sendable, Hashable {
    public var customer: CustomerID
    public var addTags: [String] = []
    public var removeTags: [String] = []
    /// nil removes the attribute.
    public var attributes: [String: JSONValue?] = [:]

    public init(customer: CustomerID) {
        self.customer = customer
    }
}

public struct ImportBatch: Sendable {
    /// How the batch's customers meet customers already in the store.
    public enum CustomerMode: Sendable {
        /// Create new ones, update changed ones (a customer file).
        case upsert
        /// Create new ones, leave existing ones as they are (customers implied by a purchase file).
        case createMissing
    }

    public var customerMode: CustomerMode = .upsert
    public var customers: [Customer]
    /// Purchases naming their customer by (source, external id), which may be created by
    /// this batch or be in the store already.
    public var purchases: [ImportedPurchase]

    public init(customers: [Customer] = [], purchases: [ImportedPurchase] = []) {
        self.customers = customers
        self.purchases = purchases
    }
}

/// A purchase as an import file gives it: its customer by external id.
public struct ImportedPurchase: Sendable, Hashable {
    public var customerSource: String
    public var customerExternalID: String
    public var purchase: Purchase
    /// Where it was read ("purchases.csv:12"), for errors about it.
    public var origin: String?

    public init(customerSource: String, customerExternalID: String, purchase: Purchase, origin: String? = nil) {
        self.customerSource = customerSource
        self.customerExternalID = customerExternalID
        self.purchase = purchase
        self.origin = origin
    }
}

/// What an import did (or, for a dry run, would do).
public struct ImportSummary: Codable, Sendable, Hashable {
    public var customersCreated = 0
    public var customersUpdated = 0
    public var customersUnchanged = 0
    public var purchasesAdded = 0
    public var purchasesAlreadyPresent = 0

    public init() {}
}

/// A store operation was refused.
public enum StoreError: Error, LocalizedError, Equatable {
    case unknownCustomer(source: String, externalID: String, origin: String? = nil)
    case noSuchCustomer(CustomerID)
    case staleVersion(CustomerID, expected: Int, found: Int)
    case unsupportedLocation(String)
    case noSuchStaff(Int64)
    case segmentRunBackdated(String, lastRun: Date, requested: Date)

    public var errorDescription: String? {
        switch self {
        case .unknownCustomer(let source, let externalID, let origin):
            (origin.map { "\($0): " } ?? "") + "no customer '\(externalID)' from source '\(source)'"
        case .noSuchCustomer(let id):
            "no customer \(id)"
        case .staleVersion(let id, let expected, let found):
            "customer \(id) was changed meanwhile (version \(found), expected \(expected))"
        case .noSuchStaff(let id):
            "no member of staff \(id)"
        case .segmentRunBackdated(let segment, let lastRun, let requested):
            "segment '\(segment)' was last run as of \(lastRun.formatted(.iso8601)); a run as of "
                + "\(requested.formatted(.iso8601)) would rewrite its history"
        case .unsupportedLocation(let location):
            "cannot open a store at '\(location)'"
        }
    }
}
