/// Which stored customer values ``Store/customerValues(_:)`` returns, best first.
public struct CustomerValueQuery: Sendable, Hashable {
    public enum Order: String, Sendable, Hashable {
        /// Highest lifetime value first.
        case lifetimeValue
        /// Highest spend to date first.
        case spent
    }

    public var order: Order
    public var limit: Int
    /// Only customers whose probability of being alive is below this.
    public var probabilityAliveBelow: Double?
    /// Only customers who spent at least this much.
    public var spentAtLeast: Double?

    public init(order: Order = .lifetimeValue, limit: Int = 20, probabilityAliveBelow: Double? = nil, spentAtLeast: Double? = nil) {
        self.order = order
        self.limit = limit
        self.probabilityAliveBelow = probabilityAliveBelow
        self.spentAtLeast = spentAtLeast
    }
}

/// A stored value figure whose distribution ``Store/valueQuantiles(of:at:)`` reports.
public enum CustomerValueFigure: String, Sendable, Hashable, CaseIterable {
    case lifetimeValue = "clv"
    case probabilityAlive = "pAlive"
    case expectedPurchases = "expectedPurchases"
    case spent = "spent"
}
