/// The business terms lifetime value is computed under: how far ahead, what share of
/// revenue is margin, and how future money is discounted.
public struct LifetimeValueTerms: Sendable, Hashable, Codable {
    /// Months ahead (also the horizon of expected purchases).
    public var horizonMonths: Int
    /// Share of revenue kept as margin, 0…1 (1: value in revenue).
    public var margin: Double
    /// Yearly discount rate (0.1 = 10 %), applied month by month.
    public var annualDiscountRate: Double

    public init(horizonMonths: Int = 12, margin: Double = 1, annualDiscountRate: Double = 0.1) {
        self.horizonMonths = horizonMonths
        self.margin = margin
        self.annualDiscountRate = annualDiscountRate
    }

    /// Refuses terms that make no sense, naming the option.
    public func validated() throws -> LifetimeValueTerms {
        guard (1...1_200).contains(horizonMonths) else {
            throw ValueModelError.invalidTerms("horizon must be 1 to 1200 months, got \(horizonMonths)")
        }
        guard margin > 0, margin <= 1 else { throw ValueModelError.invalidTerms("margin must be above 0 and at most 1, got \(margin)") }
        guard annualDiscountRate >= 0, annualDiscountRate < 10 else {
            throw ValueModelError.invalidTerms("discount rate must be from 0 to 10 (a share per year), got \(annualDiscountRate)")
        }
        return self
    }
}
