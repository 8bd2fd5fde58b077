import CordialCore
import Foundation

/// Customers and their purchases: imports, reads, changes and the right to be forgotten.
public protocol CustomerStore: Sendable {
    /// Writes an import in one transaction, pulling its batches from `source` until it is
    /// exhausted: every customer upserted by (source, external id), every purchase added
    /// unless the same (source, external id) is already there. When `source` throws (a bad
    /// row), nothing is written. With `dryRun`, computes the same summary and writes nothing.
    func apply(_ source: some ImportSource, dryRun: Bool) async throws -> ImportSummary

    func customer(_ id: CustomerID) async throws -> Customer?
    func customer(source: String, externalID: String) async throws -> Customer?
    /// The customers of `ids` that exist, in id order, in one read whatever their number.
    func customers(withIDs ids: [CustomerID]) async throws -> [Customer]
    /// Customers in id order, after `query.after`, at most `query.limit`.
    func customers(_ query: CustomerQuery) async throws -> [Customer]
    func countCustomers() async throws -> Int
    /// How many customers match `query`'s filters (its `after` and `limit` aside).
    func countCustomers(matching query: CustomerQuery) async throws -> Int
    /// How many customers matching `query` (its page ignored) write each locale: which
    /// languages a policy's letters must be written in.
    func localeCounts(matching query: CustomerQuery) async throws -> [String: Int]
    func countPurchases() async throws -> Int
    /// The currencies the purchases are in, sorted ("VND"; "USD", "VND").
    func purchaseCurrencies() async throws -> [String]

    /// A customer's purchases, oldest first.
    func purchases(of id: CustomerID) async throws -> [Purchase]

    /// Every customer in id order, in batches, holding a few batches in memory at a time.
    func scanCustomers(batchSize: Int) -> BatchStream<Customer>

    /// Saves a changed customer read earlier. Refused with ``StoreError/staleVersion`` when
    /// someone saved it meanwhile (optimistic concurrency); returns it with its new version.
    func update(_ customer: Customer) async throws -> Customer

    /// Applies tag and attribute changes to several customers in one transaction (all or none).
    func apply(_ changes: [CustomerChange]) async throws

    /// Erases a customer's personal data on request, keeping anonymous aggregates (the
    /// purchases), and records it in the audit log. `reason` must hold no personal data.
    func forget(_ id: CustomerID, reason: String) async throws

    /// The audit log, oldest first.
    func auditLog() async throws -> [AuditEntry]

    /// Compares each customer's stored purchase facts (what imports keep and segment runs
    /// read) with a recomputation from their purchases, in one snapshot; with `repair`, then
    /// rewrites every customer's facts from the purchases in one transaction.
    func checkPurchaseFacts(repair: Bool) async throws -> PurchaseFactsCheck
}

extension CustomerStore {
    /// Writes one batch in one transaction (see ``apply(_:dryRun:)-(ImportSource,_)``).
    public func apply(_ batch: ImportBatch, dryRun: Bool) async throws -> ImportSummary {
        try await apply(SingleBatch(batch: batch), dryRun: dryRun)
    }

    /// A customer's purchases in four figures; the total is summed exactly (``Money``'s rule).
    public func purchaseSummary(of id: CustomerID) async throws -> PurchaseSummary {
        PurchaseSummary(of: try await purchases(of: id))
    }

    /// The store id of the customer a reference names, if there is one.
    public func customerID(_ reference: CustomerReference) async throws -> CustomerID? {
        try await customer(reference)?.id
    }

    /// The customer a reference names (a store id or a source and external id), if any.
    public func customer(_ reference: CustomerReference) async throws -> Customer? {
        switch reference {
        case .id(let id): try await customer(id)
        case .external(let source, let externalID): try await customer(source: source, externalID: externalID)
        }
    }
}
