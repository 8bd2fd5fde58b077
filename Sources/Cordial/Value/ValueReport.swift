import CordialCore
import CordialStore
import Foundation

/// `cordial value report`: the latest fit with the distributions of its figures, the
/// customers of highest lifetime value, and high value at risk (customers in the top fifth by
/// spend whose probability of being alive is below a threshold, biggest spenders first).
/// Computed here so that the command line and, later, the HTTP API show the same report.
public struct ValueReport: Sendable, Encodable {
    /// A figure's distribution over the stored values that have it.
    public struct Distribution: Sendable, Encodable {
        public var figure: String
        public var count: Int
        /// At ``ValueReport/fractions`` (0, 25, 50, 75, 90, 99 and 100 %).
        public var quantiles: [Double]
    }

    /// The fractions every distribution is reported at.
    public static let fractions = [0, 0.25, 0.5, 0.75, 0.9, 0.99, 1]
    /// The figures the report shows, in order.
    public static let figures: [CustomerValueFigure] = [.lifetimeValue, .probabilityAlive, .expectedPurchases, .spent]

    public var fit: ValueFit
    public var distributions: [Distribution]
    public var top: [ValueRow]
    public var atRisk: [ValueRow]
    /// The spend of the top fifth's least spender: the at-risk list's floor.
    public var topSpend: Double
    /// The currencies of the purchases the amounts add up (the models add amounts as
    /// numbers; more than one means they mix currencies).
    public var currencies: [String]

    enum CodingKeys: String, CodingKey { case fit, distributions, top, atRisk, currencies }

    /// The report of the latest fit; nil when there is no fit yet. `top` customers per list;
    /// `risk`: the P(alive) below which a customer counts as at risk.
    public static func latest(in store: any Store, top: Int = 10, risk: Double = 0.5) async throws -> ValueReport? {
        guard let fit = try await store.latestValueFit() else { return nil }
        var distributions: [Distribution] = []
        for figure in figures {
            let (count, values) = try await store.valueQuantiles(of: figure, at: fractions)
            distributions.append(Distribution(figure: figure.rawValue, count: count, quantiles: values))
        }
        let topSpend = try await store.valueQuantiles(of: .spent, at: [0.8]).values.first ?? 0
        let best = try await store.customerValues(CustomerValueQuery(order: .lifetimeValue, limit: top))
        let atRisk = try await store.customerValues(
            CustomerValueQuery(order: .spent, limit: top, probabilityAliveBelow: risk, spentAtLeast: topSpend))
        // The customers of both lists in one read.
        let customers = try await store.customers(withIDs: (best + atRisk).map(\.customer))
        let byID = Dictionary(customers.compactMap { customer in customer.id.map { ($0, customer) } }, uniquingKeysWith: { first, _ in first })
        return ValueReport(
            fit: fit, distributions: distributions, top: best.map { ValueRow($0, customer: byID[$0.customer]) },
            atRisk: atRisk.map { ValueRow($0, customer: byID[$0.customer]) }, topSpend: topSpend,
            currencies: try await store.purchaseCurrencies())
    }
}

/// A customer's stored value as reports show it (and as their JSON).
public struct ValueRow: Sendable, Encodable {
    public var id: Int64
    public var name: String
    public var spent: Double
    /// `{ r, f, m, score }`, as `c.value.rfm` in Lua; nil before the first fit.
    public var rfm: RFMScore?
    public var frequency: Int
    public var recency: Double
    public var age: Double
    public var repeatMean: Double
    public var pAlive: Double?
    public var expectedPurchases: Double?
    public var expectedSpend: Double?
    public var clv: Double?
    public var referrals: Int
    public var influence: Double

    public init(_ value: CustomerValue, customer: Customer?) {
        func finite(_ x: Double) -> Double? { x.isFinite ? x : nil }
        id = value.customer.rawValue
        name = customer.map { $0.displayName.isEmpty ? "\($0.source):\($0.externalID)" : $0.displayName } ?? ""
        spent = value.spent
        rfm = value.rfm
        frequency = value.summary.frequency
        recency = value.summary.recency
        age = value.summary.age
        repeatMean = value.summary.repeatMean
        pAlive = finite(value.scores.probabilityAlive)
        expectedPurchases = finite(value.scores.expectedPurchases)
        expectedSpend = finite(value.scores.expectedSpend)
        clv = finite(value.scores.lifetimeValue)
        referrals = value.referrals
        influence = value.influenceValue
    }
}
