import Foundation

/// One fit of the value models: when, on which data, under which terms, the parameters
/// found and how the optimisation went. Every stored ``CustomerValue`` names its fit.
public struct ValueFit: Sendable, Hashable, Codable {
    public var id: Int64?
    public var fittedAt: Date
    /// Days since 1970 of the calibration period's last day (purchases up to it count).
    public var endDay: Int
    public var unit: ValueTimeUnit
    public var terms: LifetimeValueTerms
    public var purchases: BGNBDModel
    public var purchasesReport: ModelFitReport
    public var spend: GammaGammaModel
    public var spendReport: ModelFitReport
    /// Customers scored (everyone with a purchase by the end day).
    public var customers: Int

    public init(
        id: Int64? = nil, fittedAt: Date, endDay: Int, unit: ValueTimeUnit, terms: LifetimeValueTerms, purchases: BGNBDModel,
        purchasesReport: ModelFitReport, spend: GammaGammaModel, spendReport: ModelFitReport, customers: Int
    ) {
        self.id = id
        self.fittedAt = fittedAt
        self.endDay = endDay
        self.unit = unit
        self.terms = terms
        self.purchases = purchases
        self.purchasesReport = purchasesReport
        self.spend = spend
        self.spendReport = spendReport
        self.customers = customers
    }

    /// The synthesized shape (the store keeps it), with the end day as a date for readers
    /// (see ``CodingUserInfoKey/daysAsDates``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(fittedAt, forKey: .fittedAt)
        try container.encodeDay(endDay, forKey: .endDay, in: encoder)
        try container.encode(unit, forKey: .unit)
        try container.encode(terms, forKey: .terms)
        try container.encode(purchases, forKey: .purchases)
        try container.encode(purchasesReport, forKey: .purchasesReport)
        try container.encode(spend, forKey: .spend)
        try container.encode(spendReport, forKey: .spendReport)
        try container.encode(customers, forKey: .customers)
    }

    /// "1997-09-30".
    public var endDate: String { CalendarDays.text(ofDay: endDay) }

    /// The scorer these parameters and terms make.
    public var scorer: CustomerValueScorer {
        CustomerValueScorer(purchases: purchases, spend: spend, terms: terms, unit: unit)
    }
}
