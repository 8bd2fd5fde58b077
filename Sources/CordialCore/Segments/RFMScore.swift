/// Recency, frequency and monetary scores of one customer, each 1 (lowest) to 5 (best),
/// by quintiles of the customers who have bought anything.
/// In JSON as in Lua: `{ "r": 5, "f": 4, "m": 5, "score": "545" }`.
public struct RFMScore: Sendable, Hashable, Encodable {
    public var recency: Int
    public var frequency: Int
    public var monetary: Int

    public init(recency: Int, frequency: Int, monetary: Int) {
        self.recency = recency
        self.frequency = frequency
        self.monetary = monetary
    }

    /// "545": the usual way RFM cells are written.
    public var code: String { "\(recency)\(frequency)\(monetary)" }

    private enum CodingKeys: String, CodingKey { case r, f, m, score }

}

/// Quintile cut points of a population, and scores against them.
///
/// A customer's score is 1 + the number of cut points their value is above (for recency:
/// below, fewer days is better). Equal values always get the same score, so a quintile can
/// hold more or less than a fifth when many customers tie (most CDNOW customers bought once).
public struct RFMScorer: Sendable {
    public var recencyCuts: [Double]
    public var frequencyCuts: [Double]
    public var monetaryCuts: [Double]

    /// `purchases`: each customer with purchases; recency in days since the last one as of the scoring date.
    public init(recencyDays: [Double], frequency: [Double], monetary: [Double]) {
        recencyCuts = Self.quintileCuts(recencyDays)
        frequencyCuts = Self.quintileCuts(frequency)
        monetaryCuts = Self.quintileCuts(monetary)
    }

    /// Cut points of the customers who bought (`population`), recency counted to `today`.
    public init(population: [PurchaseFacts], today: Int) {
        let buyers = population.filter { $0.count > 0 && $0.lastDay != nil }
        self.init(
            recencyDays: buyers.map { Double(today - $0.lastDay!) }, frequency: buyers.map { Double($0.count) },
            monetary: buyers.map(\.total))
    }

    /// The scores of a customer's purchases as of `today`; nil for a customer who never bought.
    public func score(_ purchases: PurchaseFacts, today: Int) -> RFMScore? {
        guard purchases.count > 0, let last = purchases.lastDay else { return nil }
        return score(recencyDays: Double(today - last), frequency: Double(purchases.count), monetary: purchases.total)
    }

    public func score(recencyDays: Double, frequency: Double, monetary: Double) -> RFMScore {
        RFMScore(
            recency: 5 - Self.above(recencyDays, recencyCuts),
            frequency: 1 + Self.above(frequency, frequencyCuts),
            monetary: 1 + Self.above(monetary, monetaryCuts))
    }

    /// The 20th, 40th, 60th and 80th percentiles by nearest rank (the value at rank ⌈p·n⌉).
    static func quintileCuts(_ values: [Double]) -> [Double] {
        guard !values.isEmpty else { return [] }
        let sorted = values.sorted()
        return (1...4).map { fifth in sorted[max(0, (sorted.count * fifth + 4) / 5 - 1)] }
    }

    /// How many cut points `value` is strictly above (0...4).
    private static func above(_ value: Double, _ cuts: [Double]) -> Int {
        cuts.reduce(0) { $0 + (value > $1 ? 1 : 0) }
    }
}

extension RFMScore {
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(recency, forKey: .r)
        try container.encode(frequency, forKey: .f)
        try container.encode(monetary, forKey: .m)
        try container.encode(code, forKey: .score)
    }
}
