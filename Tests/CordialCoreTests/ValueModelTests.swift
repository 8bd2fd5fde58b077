import CordialCore
import Foundation
import Testing

/// The value models against published figures (Fader, Hardie & Lee 2005 and Hardie's
/// Gamma-Gamma note, on the CDNOW sample summarised in weeks to 1997-09-30) and against values
/// computed by the Python `lifetimes` package 0.11.3, an independent implementation.
@Suite struct ValueModelTests {
    static let cdnow = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/cdnow")

    /// The published calibration summary: ID, x, t_x, T, zbar.
    static func publishedSummary() throws -> [RepeatPurchaseSummary] {
        let text = try String(contentsOf: cdnow.appendingPathComponent("cdnow_customers_summary_with_transactions.csv"), encoding: .utf8)
        return text.split(whereSeparator: \.isNewline).dropFirst().map { line in
            let f = line.split(separator: ",").map { Double($0.trimmingCharacters(in: .whitespacesAndNewlines))! }
            return RepeatPurchaseSummary(customer: CustomerID(Int64(f[0])), frequency: Int(f[1]), recency: f[2], age: f[3], repeatMean: f[4])
        }
    }

    /// `value` rounded to three significant digits equals `published` rounded the same way.
    static func agree(_ value: Double, _ published: Double) -> Bool {
        func round3(_ v: Double) -> Double {
            let magnitude = pow(10, floor(log10(abs(v))) - 2)
            return (v / magnitude).rounded() * magnitude
        }
        return abs(round3(value) - round3(published)) < 1e-9 * abs(published)
    }

    @Test func bgnbdFitOnThePublishedSummaryGivesThePublishedParameters() throws {
        let summary = try Self.publishedSummary()
        #expect(summary.count == 2_357)
        let (model, report) = try BGNBDModel.fit(summary)
        #expect(report.minimizer.converged, "\(report.minimizer)")
        #expect(Self.agree(model.r, 0.243), "r = \(model.r)")
        #expect(Self.agree(model.alpha, 4.414), "α = \(model.alpha)")
        #expect(Self.agree(model.a, 0.793), "a = \(model.a)")
        #expect(Self.agree(model.b, 2.426), "b = \(model.b)")
        // The paper reports LL = −9582.4 at the optimum.
        #expect(abs(report.logLikelihood - -9582.4) < 0.1, "LL = \(report.logLikelihood)")
    }

    @Test func gammaGammaFitOnThePublishedSummaryGivesThePublishedParameters() throws {
        let (model, report) = try GammaGammaModel.fit(try Self.publishedSummary())
        #expect(report.customers == 946)
        #expect(report.minimizer.converged, "\(report.minimizer)")
        #expect(Self.agree(model.p, 6.25), "p = \(model.p)")
        #expect(Self.agree(model.q, 3.74), "q = \(model.q)")
        #expect(Self.agree(model.gamma, 15.44), "γ = \(model.gamma)")
    }

    @Test func predictionsMatchThePaperAndLifetimes() {
        let model = BGNBDModel(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426)
        // (x, tₓ, T) → P(alive), E[purchases in 39 weeks], in 52 weeks: from `lifetimes`.
        let cases: [(Int, Double, Double, Double, Double, Double)] = [
            (0, 0, 38.86, 1, 0.19509805201125396, 0.2520730222824504),
            (2, 30.43, 38.86, 0.72657857, 1.226028174767135, 1.5587208064320972),  // the paper's example: 1.226
            (1, 1.71, 38.86, 0.21210099, 0.20318698707975183, 0.25982346486862234),
            (7, 29.43, 35.14, 0.77452377, 4.331918639647541, 5.432836111327116),
            (20, 37.0, 38.5, 0.92932121, 13.25822224988601, 16.59306515792892),
            (2, 5.0, 38.86, 0.12367892, 0.20869572822244112, 0.2653269969555166),
        ]
        for (x, tx, age, alive, in39, in52) in cases {
            let c = RepeatPurchaseSummary(customer: CustomerID(1), frequency: x, recency: tx, age: age, repeatMean: 0)
            #expect(abs(model.probabilityAlive(c) - alive) < 1e-7, "P(alive) for x=\(x)")
            #expect(abs(model.expectedPurchases(within: 39, c) - in39) < 1e-9 * in39, "E[39] for x=\(x)")
            #expect(abs(model.expectedPurchases(within: 52, c) - in52) < 1e-9 * in52, "E[52] for x=\(x)")
        }
        #expect(model.expectedPurchases(within: 0, RepeatPurchaseSummary(customer: CustomerID(1), frequency: 3, recency: 5, age: 9, repeatMean: 0)) == 0)
    }

    @Test func expectedSpendShrinksTowardsThePopulationMean() {
        let model = GammaGammaModel(p: 6.25, q: 3.74, gamma: 15.44)
        let repeater = RepeatPurchaseSummary(customer: CustomerID(1), frequency: 2, recency: 30.43, age: 38.86, repeatMean: 22.35)
        let once = RepeatPurchaseSummary(customer: CustomerID(2), frequency: 0, recency: 0, age: 38.86, repeatMean: 0)
        #expect(abs(model.expectedAverageSpend(repeater) - 24.663713910761157) < 1e-9)
        #expect(abs(model.expectedAverageSpend(once) - 35.21897810218978) < 1e-9)
        #expect(GammaGammaModel(p: 1, q: 0.9, gamma: 1).expectedAverageSpend(once) == .infinity)
    }

    @Test func lifetimeValueFollowsItsTerms() throws {
        let purchases = BGNBDModel(r: 0.243, alpha: 4.414, a: 0.793, b: 2.426), spend = GammaGammaModel(p: 6.25, q: 3.74, gamma: 15.44)
        let c = RepeatPurchaseSummary(customer: CustomerID(1), frequency: 2, recency: 30.43, age: 38.86, repeatMean: 22.35)
        func score(_ terms: LifetimeValueTerms) -> ModelScores {
            CustomerValueScorer(purchases: purchases, spend: spend, terms: terms, unit: .week).score(c)
        }
        // Without discounting, lifetime value is expected spend × expected purchases.
        let plain = score(LifetimeValueTerms(horizonMonths: 12, margin: 1, annualDiscountRate: 0))
        #expect(abs(plain.expectedPurchases - purchases.expectedPurchases(within: 365.25 / 7, c)) < 1e-12)
        #expect(abs(plain.lifetimeValue - plain.expectedSpend * plain.expectedPurchases) < 1e-9)
        // Margin scales it; discounting lowers it; a longer horizon raises it.
        let discounted = score(LifetimeValueTerms(horizonMonths: 12, margin: 1, annualDiscountRate: 0.1))
        #expect(discounted.lifetimeValue < plain.lifetimeValue && discounted.lifetimeValue > plain.lifetimeValue / 1.1)
        #expect(abs(score(LifetimeValueTerms(horizonMonths: 12, margin: 0.3, annualDiscountRate: 0.1)).lifetimeValue - 0.3 * discounted.lifetimeValue) < 1e-9)
        #expect(score(LifetimeValueTerms(horizonMonths: 24, margin: 1, annualDiscountRate: 0.1)).lifetimeValue > discounted.lifetimeValue)
        #expect(throws: ValueModelError.self) { try LifetimeValueTerms(horizonMonths: 0).validated() }
        #expect(throws: ValueModelError.self) { try LifetimeValueTerms(margin: 0).validated() }
        #expect(throws: ValueModelError.self) { try LifetimeValueTerms(annualDiscountRate: -0.1).validated() }
    }

    @Test func specialFunctionsMatchReferenceValues() throws {
        for (x, expected) in [(0.5, -1.9635100260214235), (1.0, -0.5772156649015329), (10.0, 2.251752589066721), (3.7, 1.1671535393615113)] {
            #expect(abs(SpecialFunctions.digamma(x) - expected) < 1e-12, "ψ(\(x))")
        }
        let f1 = try #require(SpecialFunctions.logHypergeometric2F1(a: 0.5, b: 1.5, c: 2.5, z: 0.9))
        #expect(abs(exp(f1) - 1.6673034691845778) < 1e-12)
        let f2 = try #require(SpecialFunctions.logHypergeometric2F1(a: 2.2, b: 3.1, c: 4.7, z: 0.3))
        #expect(abs(exp(f2) - 1.654954139815943) < 1e-12)
        #expect(SpecialFunctions.logHypergeometric2F1(a: 1, b: 1, c: 1, z: 0.999_999, maxTerms: 100) == nil)
    }

    @Test func summariesCountPurchaseDaysInTheChosenUnit() throws {
        let history = PurchaseDays(customer: CustomerID(4), days: [9_862, 9_879, 10_075, 10_207], amounts: [29.33, 29.73, 14.96, 26.48], purchaseCount: 4)
        let end = CalendarDays.since1970(year: 1997, month: 9, day: 30)
        let weeks = try #require(RepeatPurchaseSummary(history, endDay: end, unit: .week))
        #expect(weeks.frequency == 2)  // 1997-01-18 and 1997-08-02; 1997-12-12 is after the end
        #expect(abs(weeks.recency - 213.0 / 7) < 1e-12)
        #expect(abs(weeks.age - 272.0 / 7) < 1e-12)
        #expect(abs(weeks.repeatMean - (29.73 + 14.96) / 2) < 1e-12)
        let days = try #require(RepeatPurchaseSummary(history, endDay: end, unit: .day))
        #expect(days.age == 272)
        let once = try #require(RepeatPurchaseSummary(history, endDay: 9_862, unit: .day))
        #expect(once.frequency == 0 && once.recency == 0 && once.age == 0 && once.repeatMean == 0)
        #expect(RepeatPurchaseSummary(history, endDay: 9_861, unit: .day) == nil)
    }

    @Test func fitsRefuseDataWithoutRepeatPurchases() {
        let once = (1...5).map { RepeatPurchaseSummary(customer: CustomerID(Int64($0)), frequency: 0, recency: 0, age: 10, repeatMean: 0) }
        #expect(throws: ValueModelError.self) { try BGNBDModel.fit(once) }
        #expect(throws: ValueModelError.self) { try GammaGammaModel.fit(once) }
    }

    @Test func theMinimizerStaysInsideItsBoundsAndSaysSo() {
        // Minimum of (x − 5)² at 5, outside the box [−1, 2]: stops at 2 and reports the bound.
        let result = BoundedMinimizer(dimensions: 1, lower: -1, upper: 2).minimize(from: [0]) { x in
            ((x[0] - 5) * (x[0] - 5), [2 * (x[0] - 5)])
        }
        #expect(result.point == [2])
        #expect(result.report.converged)
        #expect(result.report.message.contains("at its bound"))
    }
}
