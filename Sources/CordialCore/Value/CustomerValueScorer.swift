import Foundation

/// What the fitted models say about one customer.
public struct ModelScores: Sendable, Hashable {
    public var probabilityAlive: Double
    /// Purchases expected over the terms' horizon.
    public var expectedPurchases: Double
    /// Expected mean value of a future purchase.
    public var expectedSpend: Double
    /// Discounted margin over the horizon.
    public var lifetimeValue: Double

    public init(probabilityAlive: Double, expectedPurchases: Double, expectedSpend: Double, lifetimeValue: Double) {
        self.probabilityAlive = probabilityAlive
        self.expectedPurchases = expectedPurchases
        self.expectedSpend = expectedSpend
        self.lifetimeValue = lifetimeValue
    }
}

/// Scores customers with a fitted BG/NBD and Gamma-Gamma pair under lifetime-value terms.
///
/// Lifetime value is the discounted sum, month by month, of margin × expected spend ×
/// the purchases expected in that month (the difference of the cumulative BG/NBD
/// expectation at the month's end and start), as Fader, Hardie & Lee and `lifetimes` do.
public struct CustomerValueScorer: Sendable {
    public var purchases: BGNBDModel
    public var spend: GammaGammaModel
    public var terms: LifetimeValueTerms
    public var unit: ValueTimeUnit

    public init(purchases: BGNBDModel, spend: GammaGammaModel, terms: LifetimeValueTerms, unit: ValueTimeUnit) {
        self.purchases = purchases
        self.spend = spend
        self.terms = terms
        self.unit = unit
    }

    public func score(_ c: RepeatPurchaseSummary) -> ModelScores {
        let month = unit.month
        let monthlyDiscount = pow(1 + terms.annualDiscountRate, 1.0 / 12)
        let expectedSpend = spend.expectedAverageSpend(c)
        var cumulative = 0.0, discounted = 0.0, discount = 1.0
        for m in 1...terms.horizonMonths {
            let next = purchases.expectedPurchases(within: Double(m) * month, c)
            discount /= monthlyDiscount
            discounted += (next - cumulative) * discount
            cumulative = next
        }
        return ModelScores(
            probabilityAlive: purchases.probabilityAlive(c), expectedPurchases: cumulative, expectedSpend: expectedSpend,
            lifetimeValue: terms.margin * expectedSpend * discounted)
    }
}
