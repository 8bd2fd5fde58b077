/// The time unit the value models count in. The published CDNOW estimates are in weeks.
public enum ValueTimeUnit: String, Sendable, Hashable, Codable, CaseIterable {
    case day, week

    public var days: Double {
        switch self {
        case .day: 1
        case .week: 7
        }
    }

    /// A month (a twelfth of a year of 365.25 days) in this unit: the step of lifetime value.
    public var month: Double { 365.25 / 12 / days }
}

/// One customer's purchases up to the end of a calibration period, on whole days: what the
/// store hands the value models. Purchases on the same day are one transaction (their
/// amounts summed), as the BG/NBD and Gamma-Gamma papers count them.
public struct PurchaseDays: Sendable, Hashable {
    public var customer: CustomerID
    /// Days since 1970, ascending, no repeats.
    public var days: [Int]
    /// The amount bought on each of `days`.
    public var amounts: [Double]
    /// Purchase rows (not days): the frequency RFM and segments count.
    public var purchaseCount: Int

    public init(customer: CustomerID, days: [Int], amounts: [Double], purchaseCount: Int) {
        precondition(days.count == amounts.count, "one amount per day")
        self.customer = customer
        self.days = days
        self.amounts = amounts
        self.purchaseCount = purchaseCount
    }

    /// The summary as facts for RFM scoring.
    public var purchaseFacts: PurchaseFacts {
        PurchaseFacts(count: purchaseCount, total: amounts.reduce(0, +), firstDay: days.first, lastDay: days.last)
    }
}

/// A customer's history in the three numbers of the BG/NBD model and the one of the
/// Gamma-Gamma model (Fader, Hardie & Lee's x, tₓ, T and m̄), in a ``ValueTimeUnit``.
public struct RepeatPurchaseSummary: Sendable, Hashable {
    public var customer: CustomerID
    /// x: purchase days after the first.
    public var frequency: Int
    /// tₓ: from the first purchase to the last (0 without repeats).
    public var recency: Double
    /// T: from the first purchase to the end of calibration.
    public var age: Double
    /// m̄: mean amount of the repeat purchase days (0 without repeats).
    public var repeatMean: Double

    public init(customer: CustomerID, frequency: Int, recency: Double, age: Double, repeatMean: Double) {
        self.customer = customer
        self.frequency = frequency
        self.recency = recency
        self.age = age
        self.repeatMean = repeatMean
    }

    /// The summary of `history` at the end of day `endDay`; nil without a purchase by then.
    public init?(_ history: PurchaseDays, endDay: Int, unit: ValueTimeUnit) {
        guard let first = history.days.first, first <= endDay else { return nil }
        let end = history.days.lastIndex { $0 <= endDay }!
        let repeatMean = end == 0 ? 0 : history.amounts[1...end].reduce(0, +) / Double(end)
        self.init(
            customer: history.customer, frequency: end, recency: Double(history.days[end] - first) / unit.days,
            age: Double(endDay - first) / unit.days, repeatMean: repeatMean)
    }
}
