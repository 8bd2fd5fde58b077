import CordialCore
import CordialStore
import Foundation
import Testing

/// The contract of ``ValueStore``: the histories value fits read, referrals, and stored fits
/// with their figures, on every conformer.
@Suite final class ValueStoreConformanceTests {
    private let conformers = Conformers()

    /// C-1 bought on days 100 (twice) and 110, C-2 on day 105 and after the end (day 300), C-3
    /// never; C-4 was referred by C-1, C-5 by an unknown customer.
    func store(_ kind: StoreKind) async throws -> (any Store, [CustomerID]) {
        let store = try await conformers.make(kind)
        let customers = (1...5).map { (number: Int) -> Customer in
            var attributes: [String: JSONValue] = [:]
            if number == 4 { attributes["referred_by"] = .string("C-1") }
            if number == 5 { attributes["referred_by"] = .string("C-404") }
            return Customer(
                source: "crm", externalID: "C-\(number)", name: PersonName(given: "Khách \(number)", family: "Lê"), attributes: attributes)
        }
        let purchases = [
            StoreConformanceTests.purchase("C-1", "a", "10.25", day: 100.2), StoreConformanceTests.purchase("C-1", "b", "4.75", day: 100.6),
            StoreConformanceTests.purchase("C-1", "c", "7", day: 110.5), StoreConformanceTests.purchase("C-2", "d", "3", day: 105.1),
            StoreConformanceTests.purchase("C-2", "e", "99", day: 300.5),
        ]
        _ = try await store.apply(ImportBatch(customers: customers, purchases: purchases), dryRun: false)
        return (store, try await store.customers(CustomerQuery(limit: 10)).map { $0.id! })
    }

    @Test(arguments: StoreKind.allCases)
    func purchaseDaysMergeEachDayAndStopAtTheEndDay(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        var batches: [[PurchaseDays]] = []
        for try await batch in store.scanPurchaseDays(through: 200, batchSize: 1) { batches.append(batch) }
        #expect(batches.allSatisfy { $0.count == 1 })
        let histories = batches.joined().sorted { $0.customer.rawValue < $1.customer.rawValue }
        #expect(histories.map(\.customer) == [ids[0], ids[1]], "buyers by the end day only")
        #expect(histories[0].days == [100, 110] && histories[0].amounts == [15, 7] && histories[0].purchaseCount == 3)
        #expect(histories[1].days == [105] && histories[1].amounts == [3], "day 300 is after the end")

        try await store.forget(ids[0], reason: "request")
        var after: [PurchaseDays] = []
        for try await batch in store.scanPurchaseDays(through: 400, batchSize: 10) { after += batch }
        #expect(after.map(\.customer) == [ids[1]] && after[0].days == [105, 300], "forgotten customers are left out")
    }

    @Test(arguments: StoreKind.allCases)
    func referralsNameTheReferrerOfTheSameSource(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let pairs = try await store.referrals()
        #expect(pairs.map(\.referred) == [ids[3]] && pairs.map(\.referrer) == [ids[0]])
    }

    static func fit(customers: Int, endDay: Int = 200) -> ValueFit {
        let report = ModelFitReport(
            customers: customers, logLikelihood: -12.5,
            minimizer: MinimizerReport(iterations: 9, evaluations: 12, converged: true, gradientNorm: 1e-9, message: "gradient small"))
        return ValueFit(
            fittedAt: Date(timeIntervalSince1970: 1_767_225_600), endDay: endDay, unit: .week, terms: LifetimeValueTerms(),
            purchases: BGNBDModel(r: 0.25, alpha: 4.4, a: 0.8, b: 2.4), purchasesReport: report,
            spend: GammaGammaModel(p: 6.25, q: 3.74, gamma: 15.44), spendReport: report, customers: customers)
    }

    static func value(_ customer: CustomerID, spent: Double, pAlive: Double, clv: Double) -> CustomerValue {
        CustomerValue(
            customer: customer, fit: 0, endDay: 200,
            summary: RepeatPurchaseSummary(customer: customer, frequency: 1, recency: 1.5, age: 14, repeatMean: 7),
            spent: spent, rfm: RFMScore(recency: 5, frequency: 3, monetary: 4),
            scores: ModelScores(probabilityAlive: pAlive, expectedPurchases: 0.7, expectedSpend: 8.5, lifetimeValue: clv),
            referrals: 1, influenceValue: 2.5)
    }

    @Test(arguments: StoreKind.allCases)
    func aSavedFitReplacesTheStoredValuesAndIsReadBack(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        #expect(try await store.latestValueFit() == nil)
        let first = try await store.saveValueFit(Self.fit(customers: 2), values: [
            Self.value(ids[0], spent: 22, pAlive: 0.9, clv: 40), Self.value(ids[1], spent: 3, pAlive: 0.2, clv: 5),
        ])
        let firstID = try #require(first.id)
        var expected = Self.fit(customers: 2)
        expected.id = firstID
        #expect(try await store.latestValueFit() == expected)
        let stored = try #require(try await store.customerValue(of: ids[0]))
        #expect(stored.fit == firstID, "stored values name the saved fit")
        #expect(stored.endDay == 200 && stored.spent == 22 && stored.scores.lifetimeValue == 40 && stored.rfm?.code == "534")
        #expect(stored.summary == RepeatPurchaseSummary(customer: ids[0], frequency: 1, recency: 1.5, age: 14, repeatMean: 7))
        #expect(stored.referrals == 1 && stored.influenceValue == 2.5)

        let second = try await store.saveValueFit(Self.fit(customers: 1, endDay: 210), values: [
            Self.value(ids[1], spent: 3, pAlive: 0.3, clv: .nan),
        ])
        #expect(try #require(second.id) > firstID)
        #expect(try await store.latestValueFit()?.endDay == 210)
        #expect(try await store.customerValue(of: ids[0]) == nil, "the previous fit's values are gone")
        let unscored = try #require(try await store.customerValue(of: ids[1]))
        #expect(unscored.scores.lifetimeValue.isNaN, "a figure the fit could not compute stays absent")
        #expect(unscored.endDay == 210)
    }

    @Test(arguments: StoreKind.allCases)
    func storedValuesAreQueriedInOrderAndFiltered(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        _ = try await store.saveValueFit(Self.fit(customers: 4), values: [
            Self.value(ids[0], spent: 50, pAlive: 0.9, clv: 10), Self.value(ids[1], spent: 40, pAlive: 0.3, clv: 30),
            Self.value(ids[2], spent: 30, pAlive: 0.2, clv: .nan), Self.value(ids[3], spent: 5, pAlive: 0.1, clv: 20),
        ])
        let byCLV = try await store.customerValues(CustomerValueQuery(order: .lifetimeValue, limit: 10))
        #expect(byCLV.map(\.customer) == [ids[1], ids[3], ids[0], ids[2]], "highest first, no figure last")
        let bySpend = try await store.customerValues(CustomerValueQuery(order: .spent, limit: 2))
        #expect(bySpend.map(\.customer) == [ids[0], ids[1]])
        let atRisk = try await store.customerValues(
            CustomerValueQuery(order: .spent, limit: 10, probabilityAliveBelow: 0.5, spentAtLeast: 30))
        #expect(atRisk.map(\.customer) == [ids[1], ids[2]])

        let (count, quantiles) = try await store.valueQuantiles(of: .lifetimeValue, at: [0, 0.5, 1])
        #expect(count == 3, "values without the figure are not counted")
        #expect(quantiles == [10, 20, 30])
        let spent = try await store.valueQuantiles(of: .spent, at: [0.25, 0.8])
        #expect(spent.count == 4 && spent.values == [5, 50])
        #expect(try await store.valueQuantiles(of: .probabilityAlive, at: [0.5]).values == [0.2])
    }
}
