import CordialCore
import CordialPostgres
@testable import CordialSQLite
import CordialStore
import Foundation
import GRDB
import Testing

/// Each customer's purchase facts (count, total, first and last day) are kept as imports
/// write purchases, equal to a recomputation from the purchases, on every backend; a store
/// check finds facts that drifted and a repair rewrites them.
@Suite final class PurchaseFactsTests {
    private let conformers = Conformers()
    typealias Kind = StoreKind

    static let lan = StoreConformanceTests.lan
    static let wei = StoreConformanceTests.wei

    static func purchase(_ customer: String, _ key: String, _ amount: String, day: Double) -> ImportedPurchase {
        StoreConformanceTests.purchase(customer, key, amount, day: day)
    }

    static func facts(of externalID: String, in store: any Store) async throws -> PurchaseFacts {
        let id = try #require(try await store.customer(source: "crm", externalID: externalID)?.id)
        let found = try await store.customerFacts(CustomerQuery(limit: 10))
        return try #require(found.first { $0.id == id }).purchases
    }

    @Test(arguments: Kind.allCases)
    func factsFollowEveryImportAndOnlyWhatIsWritten(kind: Kind) async throws {
        let store = try await conformers.make(kind)
        _ = try await store.apply(ImportBatch(
            customers: [Self.lan, Self.wei],
            purchases: [Self.purchase("C-1", "r1", "5", day: 10), Self.purchase("C-1", "r2", "7.5", day: 3)]), dryRun: false)
        #expect(try await Self.facts(of: "C-1", in: store) == PurchaseFacts(count: 2, total: 12.5, firstDay: 3, lastDay: 10))
        #expect(try await Self.facts(of: "C-2", in: store) == PurchaseFacts())

        // A purchase present already adds nothing; a new one for the other customer starts theirs.
        let second = try await store.apply(ImportBatch(purchases: [
            Self.purchase("C-1", "r2", "7.5", day: 3), Self.purchase("C-1", "r3", "1", day: 20), Self.purchase("C-2", "w1", "100", day: -2),
        ]), dryRun: false)
        #expect(second.purchasesAdded == 2 && second.purchasesAlreadyPresent == 1)
        #expect(try await Self.facts(of: "C-1", in: store) == PurchaseFacts(count: 3, total: 13.5, firstDay: 3, lastDay: 20))
        #expect(try await Self.facts(of: "C-2", in: store) == PurchaseFacts(count: 1, total: 100, firstDay: -2, lastDay: -2),
                "a day before 1970 is day -2, as the recomputation has it")

        // A dry run, and an import that fails after its first batch was written, leave the
        // facts as they were.
        _ = try await store.apply(ImportBatch(purchases: [Self.purchase("C-1", "r4", "50", day: 30)]), dryRun: true)
        await #expect(throws: FailingSecondBatch.Failure.self) {
            _ = try await store.apply(FailingSecondBatch(first: ImportBatch(purchases: [Self.purchase("C-1", "r5", "50", day: 31)])), dryRun: false)
        }
        #expect(try await Self.facts(of: "C-1", in: store) == PurchaseFacts(count: 3, total: 13.5, firstDay: 3, lastDay: 20))

        let check = try await store.checkPurchaseFacts(repair: false)
        #expect(check == PurchaseFactsCheck(customers: 2, differing: 0, firstDiffering: nil))
    }

    /// A refund cancelling a large purchase: the stored total and the recomputed one are
    /// sums of the same amounts in other orders, apart by the large amounts' rounding, and
    /// the check allows for it.
    @Test(arguments: Kind.allCases)
    func aRefundCancellingALargePurchaseIsNoDifference(kind: Kind) async throws {
        let store = try await conformers.make(kind)
        _ = try await store.apply(ImportBatch(customers: [Self.lan], purchases: [Self.purchase("C-1", "a", "1234567890.1", day: 5)]), dryRun: false)
        _ = try await store.apply(ImportBatch(purchases: [
            Self.purchase("C-1", "refund", "-1234567890.1", day: 1), Self.purchase("C-1", "b", "0.3", day: 10),
        ]), dryRun: false)
        #expect(try await store.checkPurchaseFacts(repair: false) == PurchaseFactsCheck(customers: 1, differing: 0, firstDiffering: nil))
        let facts = try await Self.facts(of: "C-1", in: store)
        #expect(facts.count == 3 && facts.firstDay == 1 && facts.lastDay == 10 && abs(facts.total - 0.3) < 1e-6)
    }

    /// The SQLite writer holds the sums of a bounded number of customers and writes them when
    /// full, several times in one import: the table ends as the recomputation.
    @Test func sqliteSumsWrittenInSeveralFlushesAddUp() async throws {
        let store = try SQLiteStore()
        try await store.migrate()
        let customers = (0..<10).map { Customer(source: "crm", externalID: "K-\($0)", name: PersonName(given: "A", family: "B"), locale: "en") }
        _ = try await store.apply(ImportBatch(customers: customers), dryRun: false)
        let batches = (0..<4).map { round in
            ImportBatch(purchases: (0..<15).map { index in
                Self.purchase("K-\((index * 3 + round) % 10)", "p\(round)-\(index)", "\(index + 1).25", day: Double(round * 20 - index))
            })
        }
        try await store.writer.write { db in
            var writer = try SQLiteImportWriter(db, factsLimit: 3)
            var summary = ImportSummary()
            for batch in batches { try writer.write(SQLiteImportWriter.Batch(batch, stamp: "2024-01-01 00:00:00.000"), summary: &summary) }
            try writer.finish()
            #expect(summary.purchasesAdded == 60)
        }
        #expect(try await store.checkPurchaseFacts(repair: false) == PurchaseFactsCheck(customers: 10, differing: 0, firstDiffering: nil))
        let found = try await store.customerFacts(CustomerQuery(limit: 100))
        #expect(found.reduce(0) { $0 + $1.purchases.count } == 60)
    }

    /// Many customers and purchases in one import, over several batches and statements:
    /// equal to the recomputation, and to what each customer's purchases add up to.
    @Test(arguments: Kind.allCases)
    func aLargeImportMatchesTheRecomputation(kind: Kind) async throws {
        let store = try await conformers.make(kind)
        let customers = (0..<300).map { index in
            Customer(source: "crm", externalID: "K-\(index)", name: PersonName(given: "A", family: "B"), locale: "en")
        }
        var purchases: [ImportedPurchase] = []
        var expected: [String: PurchaseFacts] = [:]
        for index in 0..<3_000 {
            let customer = "K-\(index * 7 % 300)"
            let day = Double(index % 97 - 20)
            let amount = "\(index % 13).\(index % 10)5"
            purchases.append(Self.purchase(customer, "p\(index)", amount, day: day))
            var facts = expected[customer] ?? PurchaseFacts()
            facts.count += 1
            facts.total += Double(amount)!
            facts.firstDay = min(facts.firstDay ?? Int.max, Int(day))
            facts.lastDay = max(facts.lastDay ?? Int.min, Int(day))
            expected[customer] = facts
        }
        _ = try await store.apply(ImportBatch(customers: customers, purchases: Array(purchases[..<1_700])), dryRun: false)
        _ = try await store.apply(ImportBatch(purchases: Array(purchases[1_200...])), dryRun: false)
        let check = try await store.checkPurchaseFacts(repair: false)
        #expect(check == PurchaseFactsCheck(customers: 300, differing: 0, firstDiffering: nil))
        let found = try await store.customerFacts(CustomerQuery(limit: 1_000))
        #expect(found.count == 300)
        for facts in found {
            let want = try #require(expected[facts.externalID])
            #expect(facts.purchases.count == want.count && facts.purchases.firstDay == want.firstDay && facts.purchases.lastDay == want.lastDay)
            #expect(abs(facts.purchases.total - want.total) < 1e-9 * want.total)
        }
    }

    @Test func sqliteCheckFindsDriftedFactsAndRepairRewritesThem() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-facts-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let store = try SQLiteStore(path: path)
        try await store.migrate()
        _ = try await store.apply(ImportBatch(
            customers: [Self.lan, Self.wei],
            purchases: [Self.purchase("C-1", "r1", "5", day: 10), Self.purchase("C-2", "w1", "6", day: 11)]), dryRun: false)
        let lan = try #require(try await store.customer(source: "crm", externalID: "C-1")?.id)
        try await store.writer.write { db in
            try db.execute(sql: "UPDATE purchaseFacts SET lastDay = lastDay + 1 WHERE customerId = ?", arguments: [lan.rawValue])
            try db.execute(sql: "INSERT INTO purchase (customerId, source, externalID, time, amount, currency) SELECT customerId, 'pos', 'w2', time, '1', 'VND' FROM purchase WHERE externalID = 'w1'")
        }
        let found = try await store.checkPurchaseFacts(repair: true)
        #expect(found.differing == 2 && found.firstDiffering == lan)
        #expect(try await store.checkPurchaseFacts(repair: false) == PurchaseFactsCheck(customers: 2, differing: 0, firstDiffering: nil))
        #expect(try await Self.facts(of: "C-2", in: store) == PurchaseFacts(count: 2, total: 7, firstDay: 11, lastDay: 11))
    }

    /// A store made before the facts were kept gets them from its purchases when it is opened.
    @Test func sqliteMigrationComputesTheFactsOfExistingPurchases() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-facts-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        do {
            let queue = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator.migrate(queue, upTo: "v11: visits on staff's schedules, with their history")
            try await queue.write { db in
                try db.execute(sql: """
                    INSERT INTO customer (id, source, externalID, givenName, familyName, locale, tags, attributes, emails, phones, createdAt, updatedAt, version)
                    VALUES (7, 'crm', 'C-7', 'A', 'B', 'en', '[]', '{}', '[]', '[]', '2024-01-01 00:00:00.000', '2024-01-01 00:00:00.000', 1)
                    """)
                try db.execute(sql: """
                    INSERT INTO purchase (customerId, source, externalID, time, amount, currency) VALUES
                    (7, 'pos', 'a', '2024-03-01 23:59:59.999', '10.25', 'USD'), (7, 'pos', 'b', '1969-12-31 12:00:00.000', '0.75', 'USD')
                    """)
            }
        }
        let store = try SQLiteStore(path: path)
        try await store.migrate()
        #expect(try await Self.facts(of: "C-7", in: store) == PurchaseFacts(
            count: 2, total: 11, firstDay: -1, lastDay: CalendarDays.since1970(year: 2024, month: 3, day: 1)))
    }

    @Test(.enabled(if: PostgresTestServer.url != "skip"))
    func postgresCheckFindsDriftedFactsAndMigrationComputesThem() async throws {
        let location = try PostgresTestServer.freshLocation()
        let store = try await PostgresStore.connect(location, maximumConnections: 2)
        try await store.migrate()
        _ = try await store.apply(ImportBatch(
            customers: [Self.lan, Self.wei],
            purchases: [Self.purchase("C-1", "r1", "5", day: 10), Self.purchase("C-2", "w1", "6", day: -11)]), dryRun: false)
        let wei = try #require(try await store.customer(source: "crm", externalID: "C-2")?.id)
        try await PostgresStoreTests.execute("UPDATE purchase_facts SET total = total + 0.5 WHERE customer_id = \(wei.rawValue)", in: location)
        let found = try await store.checkPurchaseFacts(repair: true)
        #expect(found == PurchaseFactsCheck(customers: 2, differing: 1, firstDiffering: wei))
        #expect(try await store.checkPurchaseFacts(repair: false).differing == 0)

        // As a store of the version before: no facts table, then migrated.
        try await PostgresStoreTests.execute("DROP TABLE purchase_facts", in: location)
        try await PostgresStoreTests.execute("DELETE FROM cordial_migration WHERE version = 12", in: location)
        try await store.migrate()
        #expect(try await Self.facts(of: "C-2", in: store) == PurchaseFacts(count: 1, total: 6, firstDay: -11, lastDay: -11))
        #expect(try await store.checkPurchaseFacts(repair: false) == PurchaseFactsCheck(customers: 2, differing: 0, firstDiffering: nil))
    }
}

/// An import whose first batch is written and whose second read fails (a bad row found
/// late in a file): everything, the purchase facts too, is rolled back.
struct FailingSecondBatch: ImportSource {
    struct Failure: Error {}
    var first: ImportBatch?

    mutating func nextBatch() throws -> ImportBatch? {
        guard let batch = first else { throw Failure() }
        first = nil
        return batch
    }
}
