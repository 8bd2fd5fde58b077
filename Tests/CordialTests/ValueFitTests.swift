import Cordial
import CordialCore
import CordialStore
import Foundation
import Logging
import Testing

/// `cordial value fit` end to end: CDNOW through the importer and the store, the published
/// estimates, stored scores in plugins' customer views, influence, refits and refusals.
@Suite final class ValueFitTests {
    let folder: PluginFolder
    let stores = TemporaryStores()

    init() throws {
        folder = try PluginFolder()
    }

    static let calibrationEnd = CalendarDays.since1970(year: 1997, month: 9, day: 30)

    /// `value` rounded to three significant digits equals `published` rounded the same way.
    static func agree(_ value: Double, _ published: Double) -> Bool {
        func round3(_ v: Double) -> Double {
            let magnitude = pow(10, floor(log10(abs(v))) - 2)
            return (v / magnitude).rounded() * magnitude
        }
        return abs(round3(value) - round3(published)) < 1e-9 * abs(published)
    }

    @Test func theCDNOWSampleGivesThePublishedEstimates() async throws {
        let store = try await stores.cdnowSample()
        let outcome = try await ValueFitter(store: store, endDay: Self.calibrationEnd, unit: .week).run()
        let fit = outcome.fit
        #expect(fit.customers == 2_357)
        #expect(fit.purchasesReport.minimizer.converged && fit.spendReport.minimizer.converged)
        // Fader, Hardie & Lee (2005): r = 0.243, α = 4.414, a = 0.793, b = 2.426;
        // Hardie's Gamma-Gamma note: p = 6.25, q = 3.74, γ = 15.44.
        let published: [(String, Double, Double)] = [
            ("r", fit.purchases.r, 0.243), ("α", fit.purchases.alpha, 4.414), ("a", fit.purchases.a, 0.793), ("b", fit.purchases.b, 2.426),
            ("p", fit.spend.p, 6.25), ("q", fit.spend.q, 3.74), ("γ", fit.spend.gamma, 15.44),
        ]
        for (name, found, expected) in published {
            #expect(Self.agree(found, expected), "\(name) = \(found), published \(expected)")
        }
        #expect(fit.spendReport.customers == 946)
        let stored = try await store.latestValueFit()
        #expect(stored == fit)
    }

    @Test func storedSummariesEqualThePublishedCalibrationSummary() async throws {
        let store = try await stores.cdnowSample()
        var batches: [[PurchaseDays]] = []
        for try await batch in store.scanPurchaseDays(through: Self.calibrationEnd, batchSize: 500) { batches.append(batch) }
        // Batches may come in any order; each is in customer order.
        let ours = batches.sorted { $0[0].customer.rawValue < $1[0].customer.rawValue }.joined()
            .compactMap { RepeatPurchaseSummary($0, endDay: Self.calibrationEnd, unit: .week) }
        // ID, x, t_x, T, zbar, in the sample's order (which is the store's: ascending master id).
        let text = try String(
            contentsOf: CDNOWImportTests.shared.appendingPathComponent("cdnow_customers_summary_with_transactions.csv"), encoding: .utf8)
        let published = text.split(whereSeparator: \.isNewline).dropFirst().map { $0.split(separator: ",").map { Double($0)! } }
        #expect(ours.count == published.count)
        var differing: [Int] = []
        for (index, (mine, theirs)) in zip(ours, published).enumerated()
        where mine.frequency != Int(theirs[1]) || abs(mine.recency - theirs[2]) > 0.005 || abs(mine.age - theirs[3]) > 0.005
            || abs(mine.repeatMean - theirs[4]) > 0.0051 {
            differing.append(index + 1)
        }
        #expect(differing.isEmpty, "customers \(differing.prefix(10)) differ from the published summary")
    }

    @Test func pluginsReadTheStoredValues() async throws {
        let store = try await stores.cdnowSample()
        _ = try await ValueFitter(store: store, endDay: Self.calibrationEnd, unit: .week).run()
        try folder.plugin("vitality", ["plugin.lua": """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "vitality", version = "1.0.0", api = 1 }
            plugin:segment("vitality", { labels = { "likely", "unlikely" }, value = true }, function(c)
              assert(c.value.as_of == "1997-09-30", "as_of " .. tostring(c.value.as_of))
              assert(c.value.clv >= 0 and c.value.expected_purchases >= 0 and c.value.spent >= 0)
              assert(c.value.rfm.score:match("^[1-5][1-5][1-5]$"))
              if c.value.p_alive >= 0.5 then return "likely" else return "unlikely" end
            end)
            -- Without value = true the figures are not loaded, and reading one says so.
            plugin:segment("undeclared", function(c) return c.value.p_alive and "x" end)
            return plugin
            """])
        let registry = PluginRegistry(roots: [folder.root], loader: PluginLoader(chunkNameRoot: folder.root))
        registry.reload()
        let at = CalendarDays.date(ofDay: Self.calibrationEnd + 1)
        let runner = SegmentRunner(store: store, plugins: registry.plugins, loader: registry.loader, workers: 2, at: at, logger: Logger(label: "test"))
        let results = try await runner.run(["vitality"])
        guard case .materialized(let summary, _) = try #require(results.first) else {
            Issue.record("the segment failed: \(results)")
            return
        }
        let undeclared = try await runner.run(["undeclared"])
        guard case .failed(_, let customer, let error) = try #require(undeclared.first) else {
            Issue.record("reading an unloaded value figure should fail: \(undeclared)")
            return
        }
        #expect(customer == CustomerID(1))
        #expect(error.description.contains("c.value.p_alive is not loaded in this run: declare value = true"), "\(error.description)")
        #expect(error.description.contains("vitality/plugin.lua:10"), "\(error.description)")
        let unlikely = try await store.customerValues(CustomerValueQuery(limit: 10_000, probabilityAliveBelow: 0.5)).count
        #expect(unlikely > 0)
        #expect(summary.counts["unlikely"] == unlikely)
        #expect(summary.counts["likely"] == 2_357 - unlikely)
    }

    @Test func influenceSumsTheLifetimeValueOfReferredCustomers() async throws {
        let store = try await stores.demo(customers: 400)
        let end = CalendarDays.since1970(year: 2025, month: 1, day: 15)
        // Three buyers and one customer who never bought, from the first customers.
        var buyers: [Customer] = [], prospect: Customer?
        for id in 1...60 {
            let customer = try #require(try await store.customer(CustomerID(Int64(id))))
            if try await store.purchaseSummary(of: customer.id!).count > 0 { buyers.append(customer) } else { prospect = prospect ?? customer }
        }
        let referrer = buyers[0], prospectReferred = try #require(prospect)
        // The demo's own referrals are removed, then: the referrer brought two buyers and the
        // prospect; a fourth buyer names someone unknown.
        let natural = try await store.referrals()
        #expect(natural.count > 10, "the demo organisation has referrals")
        var changes: [CustomerChange] = natural.map { pair in
            var change = CustomerChange(customer: pair.referred)
            change.attributes["referred_by"] = .some(nil)
            return change
        }
        for (customer, referredBy) in [(buyers[1], referrer.externalID), (buyers[2], referrer.externalID), (prospectReferred, referrer.externalID), (buyers[3], "nobody")] {
            var change = CustomerChange(customer: customer.id!)
            change.attributes["referred_by"] = .string(referredBy)
            changes.append(change)
        }
        try await store.apply(changes)
        _ = try await ValueFitter(store: store, endDay: end, unit: .day).run()
        let of = { (customer: Customer) in try await store.customerValue(of: customer.id!) }
        let brought = try #require(try await of(referrer)), one = try #require(try await of(buyers[1])), two = try #require(try await of(buyers[2]))
        #expect(brought.referrals == 3)
        #expect(abs(brought.influenceValue - (one.scores.lifetimeValue + two.scores.lifetimeValue)) < 1e-6)
        #expect(brought.influenceValue > 0)
        #expect(one.referrals == 0 && one.influenceValue == 0)
        #expect(try await of(buyers[3])?.referrals == 0)
        #expect(try await of(prospectReferred) == nil)
    }

    @Test func aRefitReplacesEveryValue() async throws {
        let store = try await stores.cdnowSample()
        let first = try await ValueFitter(store: store, endDay: Self.calibrationEnd, unit: .week).run().fit
        let later = CalendarDays.since1970(year: 1998, month: 6, day: 30)
        let second = try await ValueFitter(store: store, endDay: later, unit: .day, terms: LifetimeValueTerms(horizonMonths: 6)).run().fit
        #expect(second.id == (first.id ?? 0) + 1)
        #expect(try await store.latestValueFit()?.id == second.id)
        let value = try #require(try await store.customerValue(of: CustomerID(1)))
        #expect(value.fit == second.id && value.endDay == later)
        #expect(value.summary.frequency == 3)  // 00004's purchase of 1997-12-12 now counts
        let all = try await store.customerValues(CustomerValueQuery(limit: 10_000))
        #expect(all.count == 2_357 && all.allSatisfy { $0.fit == second.id })
    }

    /// An end date in the future is refused; one far past the data keeps the fit in service
    /// unless asked to replace it (issue 14, item 4).
    @Test func endDatesInTheFutureOrFarPastTheDataDoNotReplaceTheFit() async throws {
        let store = try await stores.cdnowSample()
        let future = CalendarDays.day(of: Date()) + 2  // (tomorrow is already today east of UTC)
        await #expect(throws: ValueFitError.self) { try await ValueFitter(store: store, endDay: future).run() }
        #expect(try await store.latestValueFit() == nil)

        let first = try await ValueFitter(store: store, endDay: Self.calibrationEnd, unit: .week).run().fit
        let late = CalendarDays.since1970(year: 2005, month: 1, day: 1)  // years after CDNOW's last purchase (1998-06-30)
        do {
            _ = try await ValueFitter(store: store, endDay: late, unit: .week).run()
            Issue.record("a fit far past the data replaced fit \(first.id ?? 0)")
        } catch let error as ValueFitError {
            #expect(error == .endPastTheData(lastPurchase: CalendarDays.since1970(year: 1998, month: 6, day: 30), endDay: late, previousFit: first.id!))
            #expect(error.localizedDescription.contains("the last purchase is on 1998-06-30"))
        }
        #expect(try await store.latestValueFit()?.id == first.id)
        #expect(try await store.customerValue(of: CustomerID(1))?.fit == first.id)

        var replacing = ValueFitter(store: store, endDay: late, unit: .week)
        replacing.replacingAFitPastTheData = true
        let outcome = try await replacing.run()
        #expect(outcome.pastTheData == CalendarDays.since1970(year: 1998, month: 6, day: 30))
        #expect(try await store.latestValueFit()?.id == outcome.fit.id)
    }

    @Test func aStoreWithoutPurchasesIsRefusedAndNothingIsStored() async throws {
        let store = try await stores.empty()
        await #expect(throws: ValueModelError.self) {
            try await ValueFitter(store: store, endDay: Self.calibrationEnd).run()
        }
        #expect(try await store.latestValueFit() == nil)
        let sample = try await stores.cdnowSample()
        // Before anyone bought: nothing to fit.
        await #expect(throws: ValueModelError.self) {
            try await ValueFitter(store: sample, endDay: CalendarDays.since1970(year: 1996, month: 12, day: 31)).run()
        }
        await #expect(throws: ValueModelError.self) {
            try await ValueFitter(store: sample, endDay: Self.calibrationEnd, terms: LifetimeValueTerms(margin: 1.5)).run()
        }
        #expect(try await sample.latestValueFit() == nil)
    }

    @Test func theCommandsFitShowAndReport() throws {
        let db = stores.path()
        let sample = CDNOWImportTests.shared.appendingPathComponent("CDNOW_sample.txt").path
        #expect(try RunCommandTests.cordial(["init", "--db", db]).status == 0)
        #expect(try RunCommandTests.cordial(["import", "transactions", sample, "--format", "cdnow", "--db", db]).status == 0)

        let early = try RunCommandTests.cordial(["value", "show", "cdnow:00004", "--db", db])
        #expect(early.status != 0 && early.standardError.contains("no value fit yet"), "\(early.standardError)")
        let badUnit = try RunCommandTests.cordial(["value", "fit", "--unit", "month", "--db", db])
        #expect(badUnit.status != 0 && badUnit.standardError.contains("--unit must be day or week"), "\(badUnit.standardError)")
        let badMargin = try RunCommandTests.cordial(["value", "fit", "--until", "1997-09-30", "--margin", "2", "--db", db])
        #expect(badMargin.status == 1 && badMargin.standardError.contains("margin must be above 0 and at most 1"), "\(badMargin.standardError)")

        let fit = try RunCommandTests.cordial(["value", "fit", "--until", "1997-09-30", "--unit", "week", "--db", db])
        #expect(fit.status == 0, "\(fit.standardError)")
        #expect(fit.standardOutput.contains("r 0.2426  α 4.4136  a 0.7929  b 2.4259"), "\(fit.standardOutput)")
        let show = try RunCommandTests.cordial(["value", "show", "cdnow:00004", "--db", db])
        #expect(show.standardOutput.contains("P(alive)    0.727"), "\(show.standardOutput)")
        let unknown = try RunCommandTests.cordial(["value", "show", "cdnow:99999", "--db", db])
        #expect(unknown.status == 1 && unknown.standardError.contains("no customer 'cdnow:99999'"))
        let future = try RunCommandTests.cordial(["value", "fit", "--until", "2999-01-01", "--db", db])
        #expect(future.status == 1 && future.standardError.contains("the end date 2999-01-01 is in the future"), "\(future.standardError)")
        let late = try RunCommandTests.cordial(["value", "fit", "--until", "2005-01-01", "--db", db])
        #expect(late.status == 1 && late.standardError.contains("fit 1 stays in service (replace it anyway with --replace)"), "\(late.standardError)")
        let shown = try RunCommandTests.cordial(["value", "show", "cdnow:00004", "--db", db])
        #expect(shown.standardOutput.contains("P(alive)    0.727"), "the first fit is still the one shown")
        let report = try RunCommandTests.cordial(["value", "report", "--top", "3", "--db", db])
        #expect(report.status == 0)
        #expect(report.standardOutput.contains("highest lifetime value") && report.standardOutput.contains("high value at risk"))
        #expect(report.standardOutput.contains("cdnow:05420"), "the highest lifetime value of the sample")
        // One name for one figure: the distribution's rows as the lists head their columns.
        let lines = report.standardOutput.split(separator: "\n").map(String.init)
        let figures = lines.drop { !$0.hasPrefix("FIGURE ") }.dropFirst().prefix(4).map { $0.split(separator: "  ").first.map(String.init) ?? "" }
        #expect(figures == ["CLV", "P(alive)", "expected purchases", "spent"], "\(report.standardOutput)")
        #expect(lines.filter { $0.hasPrefix("ID ") }.allSatisfy { $0.contains("SPENT") && $0.contains("P(ALIVE)  EXPECTED PURCHASES  CLV") })
        #expect(!report.standardOutput.contains("pAlive") && !report.standardOutput.contains("expectedPurchases"))
        // Amounts say their currency.
        #expect(lines.contains("amounts in USD") && lines.contains { $0.hasPrefix("ID ") && $0.contains("SPENT (USD)") && $0.contains("CLV (USD)") })
    }
}

/// Summaries gathered on the store's reading threads, joined part by part.
