import Foundation

/// One purchase (a transaction) of a customer.
///
/// `source` and `externalID` identify it in the file or system it came from, so that
/// importing the same data again adds nothing.
public struct Purchase: Codable, Sendable, Hashable {
    public var id: Int64?
    public var customerID: CustomerID
    public var source: String
    public var externalID: String
    public var time: Date
    public var amount: Money
    public var quantity: Int
    public var channel: String?
    public var product: String?
    public var category: String?

    public init(
        id: Int64? = nil, customerID: CustomerID, source: String, externalID: String, time: Date, amount: Money,
        quantity: Int = 1, channel: String? = nil, product: String? = nil, category: String? = nil
    ) {
        self.id = id
        self.customerID = customerID
        self.source = source
        self.externalID = externalID
        self.time = time
        self.amount = amount
        self.quantity = quantity
        self.channel = channel
        self.product = product
        self.category = category
    }
}

/// What a segment function sees of a customer's purchases.
public struct PurchaseSummary: Codable, Sendable, Hashable {
    public var count: Int
    public var total: Decimal
    public var first: Date?
    public var last: Date?

    public init(count: Int = 0, total: Decimal = 0, first: Date? = nil, last: Date? = nil) {
        self.count = count
        self.total = total
        self.first = first
        self.last = last
    }

    /// The summary of `purchases` (any order). The total is summed in `Decimal`: exact, as
    /// money that is shown or charged is (``Money``).
    public init(of purchases: [Purchase]) {
        self.init(
            count: purchases.count, total: purchases.reduce(0) { $0 + $1.amount.amount },
            first: purchases.map(\.time).min(), last: purchases.map(\.time).max())
    }

    /// Whole days from the last purchase to `date`; nil when there was none.
    public func daysSinceLast(at date: Date) -> Int? {
        last.map { Int((date.timeIntervalSince($0) / 86_400).rounded(.down)) }
    }
}
