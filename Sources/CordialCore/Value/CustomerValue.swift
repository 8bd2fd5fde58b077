/// A customer's value as the latest fit scored it, as stored and as plugins read it
/// (`c.value`). Money is in the purchases' currency, as Doubles: these are estimates.
public struct CustomerValue: Sendable, Hashable {
    public var customer: CustomerID
    /// The ``ValueFit`` that produced it, and that fit's end date (days since 1970).
    public var fit: Int64
    public var endDay: Int
    /// The model inputs (in the fit's time unit).
    public var summary: RepeatPurchaseSummary
    /// Current value: what the customer spent up to the fit's end date.
    public var spent: Double
    /// Always set by a fit; nil only in test fixtures that give none.
    public var rfm: RFMScore?
    public var scores: ModelScores
    /// Customers who name this one as their referrer (attribute `referred_by`), and the sum
    /// of their lifetime values: the influence value.
    public var referrals: Int
    public var influenceValue: Double

    public init(
        customer: CustomerID, fit: Int64, endDay: Int, summary: RepeatPurchaseSummary, spent: Double, rfm: RFMScore?, scores: ModelScores,
        referrals: Int = 0, influenceValue: Double = 0
    ) {
        self.customer = customer
        self.fit = fit
        self.endDay = endDay
        self.summary = summary
        self.spent = spent
        self.rfm = rfm
        self.scores = scores
        self.referrals = referrals
        self.influenceValue = influenceValue
    }
}
