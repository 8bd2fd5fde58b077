import Foundation

/// An item of a gift catalog: what it costs and how many are left. Applying a gift takes
/// one from `stock` in the same transaction that records the gift, so stock never goes
/// below zero and never counts a gift twice.
public struct GiftItem: Sendable, Hashable, Codable {
    /// The catalog (`premium`) and the item's code within it (`tea-set`).
    public var catalog: String
    public var code: String
    public var name: String
    public var cost: Money
    public var stock: Int

    public init(catalog: String, code: String, name: String, cost: Money, stock: Int) {
        self.catalog = catalog
        self.code = code
        self.name = name
        self.cost = cost
        self.stock = stock
    }
}
