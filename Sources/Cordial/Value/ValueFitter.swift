import CordialCore
import CordialStore
import Foundation

/// `cordial value fit`: reads every customer's purchases up to an end date, fits the BG/NBD
/// and Gamma-Gamma models, scores every customer (RFM, P(alive), expected purchases and
/// spend, lifetime value, influence) and stores the fit with the scores in one transaction.
public struct ValueFitter: Sendable {
    public var store: any Store
    /// The calibration period's last day (days since 1970): purchases after it are ignored.
    public var endDay: Int
    public var unit: ValueTimeUnit
    public var terms: LifetimeValueTerms
    /// Store the fit even when its end date lies far past the last purchase and a previous
    /// fit would be replaced (see ``ValueFitError/endPastTheData(lastPurchase:endDay:previousFit:)``).
    public var replacingAFitPastTheData = false
    /// How far past the last purchase the end date may lie before the fit counts as past the
    /// data: beyond it, every customer looks long gone.
    public static let daysPastTheData = 90

    public init(store: any Store, endDay: Int, unit: ValueTimeUnit = .week, terms: LifetimeValueTerms = LifetimeValueTerms()) {
        self.store = store
        self.endDay = endDay
        self.unit = unit
        self.terms = terms
    }

    /// What a fit did, with how long each step took.
    public struct Outcome: Sendable {
        public var fit: ValueFit
        public var readSeconds: Double
        public var fitSeconds: Double
        public var scoreSeconds: Double
        public var saveSeconds: Double
        /// The last purchase by the end date, when the end date lies more than
        /// ``ValueFitter/daysPastTheData`` after it (a fit stored anyway: there was no fit to
        /// keep, or it was asked to replace one).
        public var pastTheData: Int?
    }

    /// Fits, scores and stores. `progress` hears each step's name as it starts.
    public func run(progress: @Sendable (String) -> Void = { _ in }) async throws -> Outcome {
        let terms = try terms.validated()
        // Today in the latest time zone (UTC+14): a local date is never refused as future.
        let today = CalendarDays.day(of: Date() + 14 * 3_600)
        guard endDay <= today else { throw ValueFitError.endInTheFuture(endDay: endDay, today: today) }
        var clock = Date()
        func lap() -> Double {
            defer { clock = Date() }
            return Date().timeIntervalSince(clock)
        }

        progress("reading purchases")
        var histories = HistoryCollector(endDay: endDay, unit: unit)
        for try await batch in store.scanPurchaseDays(through: endDay, batchSize: 4_096) { histories.add(batch) }
        let (summaries, facts) = histories.result()
        guard !summaries.isEmpty else {
            throw ValueModelError.notEnoughData(model: "BG/NBD", reason: "no customer bought by \(CalendarDays.text(ofDay: endDay))")
        }
        let readSeconds = lap()
        // An end date far past the data scores everyone as gone: keep the fit in service
        // unless asked to replace it.
        let lastPurchase = facts.compactMap(\.lastDay).max() ?? endDay
        let pastTheData = endDay - lastPurchase > Self.daysPastTheData ? lastPurchase : nil
        if let lastPurchase = pastTheData, !replacingAFitPastTheData, let previous = try await store.latestValueFit() {
            throw ValueFitError.endPastTheData(lastPurchase: lastPurchase, endDay: endDay, previousFit: previous.id ?? 0)
        }

        progress("fitting BG/NBD and Gamma-Gamma")
        let (purchases, purchasesReport) = try BGNBDModel.fit(summaries)
        let (spend, spendReport) = try GammaGammaModel.fit(summaries)
        for (model, report) in [("BG/NBD", purchasesReport), ("Gamma-Gamma", spendReport)] where !report.minimizer.converged {
            throw ValueModelError.notConverged(model: model, report: report.minimizer)
        }
        let fitSeconds = lap()

        progress("scoring \(summaries.count) customers")
        let fit = ValueFit(
            fittedAt: Date(), endDay: endDay, unit: unit, terms: terms, purchases: purchases, purchasesReport: purchasesReport,
            spend: spend, spendReport: spendReport, customers: summaries.count)
        var values = Self.score(summaries, facts: facts, fit: fit)
        Self.addInfluence(try await store.referrals(), to: &values)
        let scoreSeconds = lap()

        progress("saving")
        let saved = try await store.saveValueFit(fit, values: values)
        return Outcome(
            fit: saved, readSeconds: readSeconds, fitSeconds: fitSeconds, scoreSeconds: scoreSeconds, saveSeconds: lap(),
            pastTheData: pastTheData)
    }

    /// Scores every customer on all cores (the lifetime value sums a hypergeometric series
    /// per month of the horizon, the costliest step for a million customers). The values
    /// name their fit once it is saved: ``Store/saveValueFit(_:values:)`` writes its id.
    static func score(_ summaries: [RepeatPurchaseSummary], facts: [PurchaseFacts], fit: ValueFit) -> [CustomerValue] {
        let scorer = fit.scorer
        let rfm = RFMScorer(population: facts, today: fit.endDay)
        let pieces = summaries.count < 10_000 ? 1 : ProcessInfo.processInfo.activeProcessorCount * 4
        let parts = PieceResults<[CustomerValue]>(count: pieces)
        DispatchQueue.concurrentPerform(iterations: pieces) { piece in
            let range = summaries.count * piece / pieces..<summaries.count * (piece + 1) / pieces
            parts.set(piece, range.map { i in
                CustomerValue(
                    customer: summaries[i].customer, fit: fit.id ?? 0, endDay: fit.endDay, summary: summaries[i], spent: facts[i].total,
                    rfm: rfm.score(facts[i], today: fit.endDay), scores: scorer.score(summaries[i]))
            })
        }
        return parts.all().flatMap { $0 }
    }

    /// Adds each referred customer's lifetime value to their referrer's influence value.
    /// `values` are in customer order; referrers without a value of their own (no purchase)
    /// get none.
    static func addInfluence(_ referrals: [(referred: CustomerID, referrer: CustomerID)], to values: inout [CustomerValue]) {
        guard !referrals.isEmpty else { return }
        func index(of id: CustomerID) -> Int? {
            var (low, high) = (0, values.count)
            while low < high {
                let middle = (low + high) / 2
                if values[middle].customer.rawValue < id.rawValue { low = middle + 1 } else { high = middle }
            }
            return low < values.count && values[low].customer == id ? low : nil
        }
        for (referred, referrer) in referrals {
            guard let to = index(of: referrer) else { continue }
            values[to].referrals += 1
            if let from = index(of: referred), values[from].scores.lifetimeValue.isFinite {
                values[to].influenceValue += values[from].scores.lifetimeValue
            }
        }
    }
}

/// Gathers the summaries of the store's batches and joins them in customer order (batches
/// may come in any order; each is in customer order and no two share a customer).
private struct HistoryCollector {
    private let endDay: Int
    private let unit: ValueTimeUnit
    private var batches: [(first: CustomerID, summaries: [RepeatPurchaseSummary], facts: [PurchaseFacts])] = []

    init(endDay: Int, unit: ValueTimeUnit) {
        self.endDay = endDay
        self.unit = unit
    }

    mutating func add(_ batch: [PurchaseDays]) {
        guard let first = batch.first?.customer else { return }
        var summaries: [RepeatPurchaseSummary] = [], facts: [PurchaseFacts] = []
        summaries.reserveCapacity(batch.count)
        facts.reserveCapacity(batch.count)
        for history in batch {
            guard let summary = RepeatPurchaseSummary(history, endDay: endDay, unit: unit) else { continue }
            summaries.append(summary)
            facts.append(history.purchaseFacts)
        }
        batches.append((first, summaries, facts))
    }

    func result() -> ([RepeatPurchaseSummary], [PurchaseFacts]) {
        let ordered = batches.sorted { $0.first.rawValue < $1.first.rawValue }
        return (ordered.flatMap(\.summaries), ordered.flatMap(\.facts))
    }
}

/// A value fit refused before anything was stored.
public enum ValueFitError: Error, LocalizedError, Equatable {
    /// The calibration period cannot end after today.
    case endInTheFuture(endDay: Int, today: Int)
    /// The end date lies far past the last purchase, and a previous fit is in service.
    case endPastTheData(lastPurchase: Int, endDay: Int, previousFit: Int64)

    public var errorDescription: String? {
        switch self {
        case .endInTheFuture(let endDay, let today):
            "the end date \(CalendarDays.text(ofDay: endDay)) is in the future (today is \(CalendarDays.text(ofDay: today))); "
                + "fit on purchases up to today or an earlier day"
        case .endPastTheData(let lastPurchase, let endDay, let previousFit):
            "the last purchase is on \(CalendarDays.text(ofDay: lastPurchase)), \(endDay - lastPurchase) days before the end date "
                + "\(CalendarDays.text(ofDay: endDay)): every customer would look long gone; fit \(previousFit) stays in service "
                + "(replace it anyway with --replace)"
        }
    }
}
