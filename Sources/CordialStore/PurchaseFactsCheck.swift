import CordialCore

/// What ``CustomerStore/checkPurchaseFacts(repair:)`` found: the stored purchase facts
/// (count, total, first and last day per customer, which segment runs read) against a
/// recomputation from every purchase.
public struct PurchaseFactsCheck: Sendable, Hashable, Codable {
    /// Customers with purchases.
    public var customers: Int
    /// Customers whose stored facts differ from their purchases (before a repair).
    public var differing: Int
    /// The lowest id among them.
    public var firstDiffering: CustomerID?

    public init(customers: Int, differing: Int, firstDiffering: CustomerID?) {
        self.customers = customers
        self.differing = differing
        self.firstDiffering = firstDiffering
    }
}
