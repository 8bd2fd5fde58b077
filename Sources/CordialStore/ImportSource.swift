import CordialCore
import Foundation

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

/// What an import writes.
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
    /// The amount as it is stored (``Money/amountText``), worked out once where the amount
    /// was read.
    public var amountText: String

    public init(customerSource: String, customerExternalID: String, purchase: Purchase, origin: String? = nil, amountText: String? = nil) {
        self.customerSource = customerSource
        self.customerExternalID = customerExternalID
        self.purchase = purchase
        self.origin = origin
        self.amountText = amountText ?? purchase.amount.amountText
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

