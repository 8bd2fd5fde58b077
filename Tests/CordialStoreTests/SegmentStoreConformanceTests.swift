import CordialCore
import CordialStore
@testable import CordialSQLite
import Foundation
import GRDB
import Testing

/// The contract of ``SegmentStore``: facts for segmentation, materialized membership and its
/// history, on every conformer.
@Suite final class SegmentStoreConformanceTests {
    private let conformers = Conformers()

    static let january = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01T00:00:00Z
    static let february = january + 31 * 86_400
    static let march = february + 28 * 86_400

    /// Five customers (C-1 … C-5); C-1 and C-3 bought, C-3 twice on one day.
    func store(_ kind: StoreKind) async throws -> (any Store, [CustomerID]) {
        try await Self.store(kind, from: conformers)
    }

    /// The five customers of ``store(_:)`` in a new store of `conformers`.
    static func store(_ kind: StoreKind, from conformers: Conformers) async throws -> (any Store, [CustomerID]) {
        let store = try await conformers.make(kind)
        let customers = (1...5).map { (number: Int) -> Customer in
            let tier: String? = number == 1 ? "gold" : nil
            let tags: [String] = number % 2 == 1 ? ["odd"] : []
            let attributes: [String: JSONValue] = ["n": .integer(Int64(number))]
            return Customer(
                source: "crm", externalID: "C-\(number)", name: PersonName(given: "Khách \(number)", family: "Trần"), locale: "vi",
                tier: tier, tags: tags, attributes: attributes)
        }
        let purchases = [
            StoreConformanceTests.purchase("C-1", "p1", "100.5", day: 20_000),
            StoreConformanceTests.purchase("C-3", "p2", "20", day: 20_010),
            StoreConformanceTests.purchase("C-3", "p3", "30", day: 20_010),
        ]
        _ = try await store.apply(ImportBatch(customers: customers, purchases: purchases), dryRun: false)
        let ids = try await store.customers(CustomerQuery(limit: 10)).map { $0.id! }
        return (store, ids)
    }

    func outcome(_ ids: [CustomerID], _ labels: [String?], at date: Date, version: String = "1.0.0") -> SegmentOutcome {
        SegmentOutcome(segment: "tier", plugin: "tiers", pluginVersion: version, at: date, customers: ids, labels: labels)
    }

    @Test(arguments: StoreKind.allCases)
    func theFactsScanStreamsEveryCustomerInOrderWithPurchasesAndLabels(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        _ = try await store.materialize(outcome(ids, ["a", nil, "b", nil, nil], at: Self.january))
        var facts: [CustomerFacts] = []
        for try await batch in store.scanCustomerFacts(batchSize: 2, values: false) {
            #expect(batch.count <= 2)
            facts += batch
        }
        #expect(facts.map(\.id) == ids)
        #expect(facts[0].purchases.count == 1 && facts[0].purchases.total == 100.5 && facts[0].purchases.lastDay == 20_000)
        #expect(facts[2].purchases.count == 2 && facts[2].purchases.total == 50 && facts[2].purchases.firstDay == 20_010)
        #expect(facts[1].purchases.count == 0 && facts[1].purchases.lastDay == nil)
        #expect(facts[0].labels == ["tier": "a"] && facts[1].labels.isEmpty)
        #expect(facts[0].tier == "gold" && facts[0].tags == ["odd"] && facts[0].attributes["n"] == .integer(1))
        #expect(facts[0].givenName == "Khách 1" && facts[0].locale == "vi" && facts[0].externalID == "C-1")
        #expect(facts.allSatisfy { $0.value == nil }, "no values asked for")
    }

    /// The block scan (what segment runs read) gives the facts scan's customers, field for
    /// field, with their labels; a forgotten customer is left out of both.
    @Test(arguments: StoreKind.allCases)
    func theBlockScanDecodesToTheFactsScan(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        _ = try await store.materialize(outcome(ids, ["a", nil, "b", nil, "a"], at: Self.january))
        try await store.forget(ids[3], reason: "request")
        var facts: [CustomerFacts] = []
        for try await batch in store.scanCustomerFacts(batchSize: 2, values: false) { facts += batch }
        var decoded: [CustomerFacts] = [], blockIDs: [CustomerID] = []
        for try await blocks in store.scanCustomerBlocks(batchSize: 2, values: false) {
            for block in blocks {
                #expect(block.count <= 2)
                blockIDs += block.ids
                for row in 0..<block.count {
                    decoded.append(try block.facts(at: row))
                    #expect(block.purchases(at: row) == decoded.last?.purchases)
                }
            }
        }
        #expect(facts.count == 4)
        #expect(decoded == facts)
        #expect(blockIDs == facts.map(\.id))
        #expect(decoded[0].labels == ["tier": "a"] && decoded[1].labels.isEmpty && decoded[3].labels == ["tier": "a"])
        // A block laid out from the facts (a store without a block scan of its own) decodes the same.
        let laidOut = CustomerFactsBlock(facts)
        #expect(try (0..<laidOut.count).map { try laidOut.facts(at: $0) } == facts)
    }

    @Test(arguments: StoreKind.allCases)
    func theFactsScanLeavesForgottenCustomersOutAndStopsWhenTheConsumerDoes(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        try await store.forget(ids[1], reason: "request")
        var seen: [CustomerID] = []
        for try await batch in store.scanCustomerFacts(batchSize: 1, values: false) { seen += batch.map(\.id) }
        #expect(seen == [ids[0], ids[2], ids[3], ids[4]])
        // A consumer that stops after one batch: the read ends, and the store serves the next call.
        for try await _ in store.scanCustomerFacts(batchSize: 1, values: false) { break }
        #expect(try await store.countCustomers() == 5)
        _ = try await store.materialize(outcome([ids[0]], ["a"], at: Self.january))
    }

    @Test(arguments: StoreKind.allCases)
    func aPageOfFactsHonoursTheQuery(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        _ = try await store.materialize(outcome(ids, ["a", "b", "a", nil, "a"], at: Self.january))
        let page = try await store.customerFacts(CustomerQuery(after: ids[0], limit: 2))
        #expect(page.map(\.id) == [ids[1], ids[2]])
        #expect(page[1].purchases.count == 2)
        let odd = try await store.customerFacts(CustomerQuery(limit: 10, tag: "odd"))
        #expect(odd.map(\.id) == [ids[0], ids[2], ids[4]])
        let labelled = try await store.customerFacts(CustomerQuery(limit: 10, segment: "tier", label: "a"))
        #expect(labelled.map(\.id) == [ids[0], ids[2], ids[4]])
        #expect(try await store.customers(CustomerQuery(limit: 10, segment: "tier")).count == 4)
        #expect(try await store.customers(CustomerQuery(limit: 10, tier: "gold")).map(\.id) == [ids[0]])
        #expect(try await store.countCustomers(matching: CustomerQuery(after: ids[3], limit: 1, segment: "tier", label: "a")) == 3,
                "every match, whatever the page")
        #expect(try await store.countCustomers(matching: CustomerQuery(limit: 1, tag: "odd")) == 3)
        #expect(try await store.countCustomers(matching: CustomerQuery()) == 5)
    }

    @Test(arguments: StoreKind.allCases)
    func localeCountsGroupTheQuerysCustomersAndLeaveTheForgottenOut(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        _ = try await store.materialize(outcome(ids, ["a", "b", "a", nil, "a"], at: Self.january))
        var chinese = try #require(try await store.customer(ids[2]))
        chinese.locale = "zh"
        _ = try await store.update(chinese)
        #expect(try await store.localeCounts(matching: CustomerQuery()) == ["vi": 4, "zh": 1])
        #expect(try await store.localeCounts(matching: CustomerQuery(after: ids[3], limit: 1, segment: "tier", label: "a")) == ["vi": 2, "zh": 1],
                "every match, whatever the page")
        #expect(try await store.localeCounts(matching: CustomerQuery(segment: "tier", label: "b")) == ["vi": 1])
        try await store.forget(ids[0], reason: "request")
        #expect(try await store.localeCounts(matching: CustomerQuery(segment: "tier", label: "a")) == ["vi": 1, "zh": 1])
    }

    @Test(arguments: StoreKind.allCases)
    func purchaseFactsSummariseEveryBuyer(kind: StoreKind) async throws {
        let (store, _) = try await store(kind)
        let facts = try await store.purchaseFacts()
        #expect(facts.count == 2)
        #expect(facts.map(\.count) == [1, 2])
        #expect(facts.map(\.total) == [100.5, 50])
    }

    @Test(arguments: StoreKind.allCases)
    func materializingRecordsWhoEnteredAndLeftAndAnswersAsOfADate(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        let first = try await store.materialize(outcome(ids, ["a", "a", "b", nil, nil], at: Self.january))
        #expect(first.entered == 3 && first.left == 0 && first.unchanged == 0 && first.classified == 5)
        #expect(first.counts == ["a": 2, "b": 1])
        // C-2 moves from a to b, C-3 leaves, C-4 enters; C-1 stays.
        let second = try await store.materialize(outcome(ids, ["a", "b", nil, "b", nil], at: Self.march, version: "1.1.0"))
        #expect(second.entered == 2 && second.left == 2 && second.unchanged == 1)
        #expect(second.run > first.run)

        #expect(try await store.segmentCounts("tier", at: nil) == ["a": 1, "b": 2])
        #expect(try await store.segmentCounts("tier", at: Self.february) == ["a": 2, "b": 1])
        #expect(try await store.segmentCounts("tier", at: Self.january - 1).isEmpty)
        let nowB = try await store.segmentMembers("tier", label: "b", at: nil, limit: nil)
        #expect(nowB.map(\.customer) == [ids[1], ids[3]])
        #expect(nowB.allSatisfy { $0.since == Self.march })
        let thenA = try await store.segmentMembers("tier", label: "a", at: Self.february, limit: 1)
        #expect(thenA.map(\.customer) == [ids[0]], "limit 1, in customer order")
        #expect(try await store.segmentMembers("tier", label: nil, at: nil, limit: nil).count == 3)
        #expect(try await store.segmentLabels(of: ids[1]) == ["tier": "b"])
        #expect(try await store.segmentLabels(of: ids[2]).isEmpty)
        #expect(try await store.segmentLabelNames("tier") == ["a", "b"], "labels now and in the history")
        #expect(try await store.segmentLabelNames("nosuch").isEmpty)

        let history = try await store.segmentHistory("tier", limit: 10)
        #expect(history.count == 7)
        #expect(history.first?.time == Self.march && history.last?.time == Self.january)
        let march = history.filter { $0.time == Self.march }
        #expect(march.filter { $0.kind == .left }.map(\.customer).sorted { $0.rawValue < $1.rawValue } == [ids[1], ids[2]])
        #expect(march.allSatisfy { $0.pluginVersion == "1.1.0" })
        #expect(try await store.segmentHistory("tier", limit: 2).count == 2)

        let info = try #require(try await store.segments().first)
        #expect(info.name == "tier" && info.plugin == "tiers" && info.pluginVersion == "1.1.0" && info.lastRun == Self.march)
        #expect(info.members == 3)
    }

    @Test(arguments: StoreKind.allCases)
    func aRunDatedBeforeTheLastIsRefusedAndWritesNothing(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        _ = try await store.materialize(outcome(ids, ["a", nil, nil, nil, nil], at: Self.march))
        await #expect(throws: StoreError.segmentRunBackdated("tier", lastRun: Self.march, requested: Self.january)) {
            try await store.materialize(self.outcome(ids, [nil, "b", nil, nil, nil], at: Self.january))
        }
        #expect(try await store.segmentCounts("tier", at: nil) == ["a": 1])
        #expect(try await store.segmentHistory("tier", limit: 10).count == 1)
        #expect(try await store.segments().count == 1)
    }

    @Test(arguments: StoreKind.allCases)
    func anotherPluginCannotWriteASegmentItDoesNotOwn(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        _ = try await store.materialize(outcome(ids, ["a", nil, nil, nil, nil], at: Self.january))
        var impostor = outcome(ids, ["x", "x", "x", "x", "x"], at: Self.february)
        impostor.plugin = "impostor"
        await #expect(throws: StoreError.segmentOwnedByAnotherPlugin("tier", owner: "tiers", writer: "impostor")) {
            try await store.materialize(impostor)
        }
        #expect(try await store.segmentCounts("tier", at: nil) == ["a": 1])
        #expect(try await store.segmentHistory("tier", limit: 10).count == 1)
        // The owner goes on writing it.
        _ = try await store.materialize(outcome(ids, ["a", "a", nil, nil, nil], at: Self.february, version: "2.0.0"))
        #expect(try await store.segmentCounts("tier", at: nil) == ["a": 2])
    }

    @Test(arguments: StoreKind.allCases)
    func aCustomerNoLongerClassifiedLeavesTheirLabel(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        _ = try await store.materialize(outcome(ids, ["a", "a", "a", "a", "a"], at: Self.january))
        // A later run that does not classify C-2 and C-5 (forgotten since, say).
        let summary = try await store.materialize(outcome([ids[0], ids[2], ids[3]], ["a", "a", "a"], at: Self.february))
        #expect(summary.left == 2 && summary.unchanged == 3 && summary.entered == 0)
        #expect(try await store.segmentMembers("tier", label: "a", at: nil, limit: nil).map(\.customer) == [ids[0], ids[2], ids[3]])
    }

    @Test(arguments: StoreKind.allCases)
    func aRunWrittenFromAFeedWritesItsSegmentsAndUndoesAFailedOne(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        _ = try await store.materialize(outcome(ids, ["a", "a", "b", nil, "a"], at: Self.january))
        var spend = outcome(ids, ["x", nil, "y", "y", nil], at: Self.january)
        spend.segment = "spend"
        _ = try await store.materialize(spend)
        var owned = outcome(ids, ["o", nil, nil, nil, nil], at: Self.january)
        (owned.segment, owned.plugin) = ("owned", "owner")
        _ = try await store.materialize(owned)
        let spendHistory = try await store.segmentHistory("spend", limit: 10)

        // As of March: "spend" changes C-1 and adds C-2 in the first batch, then fails after
        // the second; "owned" is another plugin's; C-5 is not classified (forgotten since).
        let runs = ["tier", "spend", "owned"].map { SegmentRunHeader(segment: $0, plugin: "tiers", pluginVersion: "2.0.0", at: Self.march) }
        let feed = ListedLabelFeed([
            SegmentLabelBatch(customers: [ids[0], ids[1]], labels: ["tier": ["a", "b"], "spend": ["z", "x"], "owned": ["p", "p"]], failed: []),
            SegmentLabelBatch(customers: [ids[2]], labels: ["tier": [nil], "spend": ["y"], "owned": ["p"]], failed: []),
            SegmentLabelBatch(customers: [ids[3]], labels: ["tier": ["b"], "owned": ["p"]], failed: ["spend"]),
        ], failed: ["spend"])
        let written = try await store.materialize(runs, labels: feed)

        #expect(Set(written.keys) == ["tier", "owned"], "the failed segment is neither written nor refused")
        let tier = try #require(try written["tier"]?.get())
        #expect(tier.classified == 4 && tier.entered == 2 && tier.left == 3 && tier.unchanged == 1)
        #expect(tier.counts == ["a": 1, "b": 2])
        #expect(try await store.segmentCounts("tier", at: nil) == ["a": 1, "b": 2])
        #expect(try await store.segmentCounts("tier", at: Self.february) == ["a": 3, "b": 1])
        #expect(try await store.segmentHistory("tier", limit: 20).count == 9)
        #expect(try await store.segmentMembers("tier", label: "b", at: nil, limit: nil).map(\.customer) == [ids[1], ids[3]])

        #expect(try await store.segmentCounts("spend", at: nil) == ["x": 1, "y": 2], "C-1's stay reopened, C-2's entry gone")
        #expect(try await store.segmentHistory("spend", limit: 10) == spendHistory)
        #expect(throws: StoreError.segmentOwnedByAnotherPlugin("owned", owner: "owner", writer: "tiers")) { try written["owned"]?.get() }
        #expect(try await store.segmentCounts("owned", at: nil) == ["o": 1])
        let last = Dictionary(uniqueKeysWithValues: try await store.segments().map { ($0.name, $0.lastRun) })
        #expect(last == ["tier": Self.march, "spend": Self.january, "owned": Self.january])
        if let sqlite = store as? SQLiteStore {
            // The file store writes a run without the foreign-key check; later writes have it again.
            #expect(try await sqlite.writer.write { try Int.fetchOne($0, sql: "PRAGMA foreign_keys") } == 1)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aRunWhoseFeedStopsWritesNothing(kind: StoreKind) async throws {
        let (store, ids) = try await store(kind)
        _ = try await store.materialize(outcome(ids, ["a", "a", "b", nil, nil], at: Self.january))
        let feed = ListedLabelFeed(
            [SegmentLabelBatch(customers: [ids[0], ids[1]], labels: ["tier": ["b", "b"]], failed: [])],
            stoppingWith: ListedLabelFeed.Stopped())
        let runs = [SegmentRunHeader(segment: "tier", plugin: "tiers", pluginVersion: "2.0.0", at: Self.march)]
        await #expect(throws: ListedLabelFeed.Stopped.self) { try await store.materialize(runs, labels: feed) }
        #expect(try await store.segmentCounts("tier", at: nil) == ["a": 2, "b": 1])
        #expect(try await store.segmentHistory("tier", limit: 10).count == 3)
        #expect(try await store.segments().map(\.lastRun) == [Self.january])
    }
}

/// A run's labels handed over from a list, as a segment run's classification hands them
/// over, then the end or `error`.
final class ListedLabelFeed: SegmentLabelFeed, @unchecked Sendable {  // guarded by `lock`
    /// What stopped a run (a scan's error, say).
    struct Stopped: Error {}

    private let lock = NSLock()
    private var batches: [SegmentLabelBatch]
    private let failed: Set<String>
    private let error: (any Error)?

    init(_ batches: [SegmentLabelBatch], failed: Set<String> = [], stoppingWith error: (any Error)? = nil) {
        self.batches = batches
        self.failed = failed
        self.error = error
    }

    func nextBatch() throws -> SegmentLabelBatch? {
        try lock.withLock {
            guard !batches.isEmpty else {
                if let error { throw error }
                return nil
            }
            return batches.removeFirst()
        }
    }

    func classified() async throws {
        if let error { throw error }
    }

    var failedSegments: Set<String> { failed }
}
