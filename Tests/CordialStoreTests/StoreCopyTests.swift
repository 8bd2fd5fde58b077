@testable import CordialPostgres
@testable import CordialSQLite
import CordialCore
import CordialStore
import Foundation
import GRDB
import PostgresNIO
import Testing

/// `cordial store copy`: every table moves between backends with its ids, the copy proves
/// itself with per-table counts and checksums, and a refused or failed copy writes nothing.
@Suite final class StoreCopyTests {
    private let conformers = Conformers()

    static let day: TimeInterval = 86_400

    /// A store holding a row in every table: customers in three languages (one forgotten,
    /// so there is an audit entry), purchases with exact amounts, staff and a visit, two
    /// segment runs (so one stay has ended) and a value fit with a figure that did not converge.
    func populated(_ kind: StoreKind) async throws -> any Store {
        let store = try await conformers.make(kind)
        let customers = [
            StoreConformanceTests.lan, StoreConformanceTests.wei,
            Customer(source: "crm", externalID: "C-3", name: PersonName(given: "Emily", family: "Carter"), locale: "en",
                     attributes: ["note": .string("tab\there, \"quoted\", back\\slash\nnew line")]),
            Customer(source: "crm", externalID: "C-4", name: PersonName(given: "Văn Nam", family: "Phạm"), locale: "vi"),
        ]
        let purchases = [
            StoreConformanceTests.purchase("C-1", "p1", "100.50", day: 20_000.25),
            StoreConformanceTests.purchase("C-1", "p2", "0.1", day: 20_001),
            StoreConformanceTests.purchase("C-2", "p3", "1234567.891", day: 20_002.5),
            StoreConformanceTests.purchase("C-4", "p4", "42", day: 20_003),
        ]
        _ = try await store.apply(ImportBatch(customers: customers, purchases: purchases), dryRun: false)
        let ids = try await store.customers(CustomerQuery(limit: 10)).map { $0.id! }
        let manager = try await store.addStaff(Staff(name: "Trần Minh", role: "account-manager", region: "Miền Bắc"))
        // Staff as a directory export holds them: every column of the table.
        _ = try await store.importStaff([StaffStoreConformanceTests.manager("S-1", "Ngô Thanh Bình")])
        _ = try await store.record(Interaction(
            customerID: ids[0], kind: .visit, time: Date(timeIntervalSince1970: 20_010 * Self.day), staffID: manager.id,
            outcome: "gift delivered", cost: Money(parsing: "350000", currency: "VND")))
        _ = try await store.record(Interaction(customerID: ids[1], kind: .call, time: Date(timeIntervalSince1970: 20_011 * Self.day)))
        // Times with milliseconds, which a Date carries inexactly: each must come back the same.
        for step in 1...40 {
            let time = Date(timeIntervalSince1970: 1_767_225_600 + Double(step) * 0.123)
            _ = try await store.record(Interaction(customerID: ids[2], kind: .call, time: time, outcome: "try \(step)"))
        }
        let january = SegmentStoreConformanceTests.january
        _ = try await store.materialize(SegmentOutcome(
            segment: "tier", plugin: "tiers", pluginVersion: "1.0.0", at: january, customers: ids, labels: ["gold", "silver", nil, "silver"]))
        _ = try await store.materialize(SegmentOutcome(
            segment: "tier", plugin: "tiers", pluginVersion: "1.1.0", at: january + 30 * Self.day, customers: ids,
            labels: ["gold", "gold", "silver", nil]))
        var stalled = ValueStoreConformanceTests.value(ids[1], spent: 3, pAlive: .nan, clv: .nan)
        stalled.scores.expectedPurchases = .nan
        var unsigned = ValueStoreConformanceTests.value(ids[0], spent: 100.6, pAlive: 0.75, clv: 321.125)
        unsigned.influenceValue = -0.0  // PostgreSQL keeps the sign, SQLite does not: the same value
        _ = try await store.saveValueFit(ValueStoreConformanceTests.fit(customers: 2), values: [unsigned, stalled])
        // A shared run merged (its results), and one under way (a part done, its labels staged).
        let tier = SegmentJob.Segment(name: "tier", plugin: "tiers", pluginVersion: "1.1.0")
        let merged = try await store.openSegmentJob(SegmentJobRequest(segments: [tier], at: january + 40 * Self.day, partSize: 3))
        while let part = try await store.claimSegmentPart(of: merged, worker: "host:1", lease: 60) {
            let inPart = ids.filter { part.range.contains($0.rawValue) }
            try await store.finishSegmentPart(part, worker: "host:1", results: [
                "tier": SegmentPartResult(classified: inPart.count, customers: inPart, labels: inPart.map { _ in "gold" }),
            ])
        }
        _ = try await store.mergeSegmentJob(merged)
        let spend = SegmentJob.Segment(name: "spend", plugin: "tiers", pluginVersion: "1.1.0")
        let open = try await store.openSegmentJob(SegmentJobRequest(segments: [spend], at: january + 40 * Self.day, partSize: 3))
        let part = try #require(try await store.claimSegmentPart(of: open, worker: "host:2", lease: 60))
        try await store.finishSegmentPart(part, worker: "host:2", results: [
            "spend": SegmentPartResult(classified: 3, customers: [ids[0], ids[2]], labels: ["high", "low"]),
        ])
        // A campaign applied with every care form (an action skipped, so a skip row), and a
        // second run left open.
        _ = try await store.importGiftItems([
            GiftItem(catalog: "premium", code: "tea-set", name: "Bộ ấm trà", cost: Money(350_000, "VND"), stock: 3)
        ])
        typealias Fixture = CampaignStoreConformanceTests
        let plan = try await Fixture.save(
            [Fixture.gift(ids[0], item: "tea-set"), Fixture.letter(ids[1]), Fixture.call(ids[2]), Fixture.invitation(ids[0]),
             Fixture.gift(ids[1], item: "vase")],
            in: store, limits: CampaignLimits(currency: "VND", total: 5_000_000, periodAmount: 1_000_000, periodDays: 30))
        try await Fixture.apply(plan, in: store)
        _ = try await store.openCampaignRun(plan: try await Fixture.save([Fixture.letter(ids[2])], in: store).id!, partSize: 1)
        // A letter's delivery attempt (the ledger of what was handed over).
        let letter = try #require(try await store.claimLetters(channels: [.email], limit: 1, now: Fixture.madeAt + 7_200, lease: 60).first)
        try await store.finishLetter(letter.id, attempt: 1, outcome: .retry(reason: "421 busy", next: Fixture.madeAt + 7_500), at: Fixture.madeAt + 7_201)
        _ = try await store.recordConsent(
            [ConsentChange(customerID: ids[0], channel: .email, granted: false), ConsentChange(customerID: ids[1], channel: .sms, granted: true)],
            source: "import consent.csv", at: Date(timeIntervalSince1970: 1_780_000_000.123))
        // Feedback: a customer's complaint with its steps, and an anonymous contact's question.
        var question = FeedbackStoreConformanceTests.complaint(nil, "F-2", category: "check-in")
        question.kind = .question
        question.csat = 4
        let cases = try await store.addFeedback(
            [FeedbackStoreConformanceTests.complaint(ids[0], "F-1", at: Date(timeIntervalSince1970: 1_780_000_000.456)), question],
            at: Date(timeIntervalSince1970: 1_780_000_000)).added
        _ = try await store.changeFeedback(
            cases[0].id!, .status(.acknowledged), by: manager.id, note: "Xin lỗi quý khách", at: Date(timeIntervalSince1970: 1_780_000_060.789),
            expectedVersion: nil)
        // A hook's delivery, with the step it made (not queued) beside the steps still queued.
        _ = try await store.recordFeedbackHook(FeedbackHookDelivery(
            plugin: "desk", key: "event:1", hook: "feedback.created", feedbackID: cases[0].id!, customerID: ids[0],
            at: Date(timeIntervalSince1970: 1_780_000_070.5), outcome: .done, message: "assigned", recovery: .pending, recoveryPlanID: 1),
            changes: [FeedbackHookChange(.assign(ownerID: nil, team: "supervisors"), note: "high")])
        // A visit booked by a campaign, then moved (its history has two lines).
        let visits = try await Fixture.save([VisitStoreConformanceTests.visit(ids[0], staff: manager.id!, start: 540)], in: store)
        try await Fixture.apply(visits, in: store)
        let visit = try #require(try await store.visits(VisitQuery()).first)
        _ = try await store.updateVisit(
            visit.id, .reschedule(staffID: nil, day: VisitStoreConformanceTests.day + 1, start: 600), note: "khách bận", by: "Trần Minh",
            at: Date(timeIntervalSince1970: 1_780_000_080.25))
        try await store.forget(ids[3], reason: "request #17")
        return store
    }

    /// What the API reads of a store: equal for a source and its copy.
    struct Contents: Equatable {
        var customers: [Customer]
        var purchases: [[Purchase]]
        var staff: [Staff]
        var interactions: [[Interaction]]
        var audit: [AuditEntry]
        var segments: [SegmentInfo]
        var history: [SegmentChange]
        var members: [SegmentMember]
        var fit: ValueFit?
        var values: [String]
        var giftItems: [GiftItem]
        var plans: [CampaignPlan]
        var runActions: [[CampaignActionRecord]]
        var campaigns: CampaignTallies
        var consent: [ConsentRecord]
        var feedback: [Feedback]
        var feedbackEvents: [[FeedbackEvent]]
        var visits: [VisitRecord]
        var visitChanges: [[VisitChange]]

        init(of store: any Store) async throws {
            // Times to the millisecond, what both backends keep (a Date read from PostgreSQL's
            // microseconds and one read from SQLite's text may differ in the last bits).
            customers = try await store.customers(CustomerQuery(limit: 100)).map { customer in
                var customer = customer
                customer.createdAt = Self.millisecond(customer.createdAt)
                customer.updatedAt = Self.millisecond(customer.updatedAt)
                return customer
            }
            purchases = []
            interactions = []
            for customer in customers {
                purchases.append(try await store.purchases(of: customer.id!))
                interactions.append(try await store.interactions(of: customer.id!).map { interaction in
                    var interaction = interaction
                    interaction.time = Self.millisecond(interaction.time)
                    return interaction
                })
            }
            staff = try await store.staff()
            audit = try await store.auditLog().map { entry in
                var entry = entry
                entry.time = Self.millisecond(entry.time)
                return entry
            }
            segments = try await store.segments()
            history = try await store.segmentHistory("tier", limit: 100)
            members = try await store.segmentMembers("tier", label: nil, at: SegmentStoreConformanceTests.january + Self.dayAfterFirstRun, limit: nil)
            fit = try await store.latestValueFit()
            // NaN is never equal to itself: compare the figures as text.
            // and a zero's sign is not kept by SQLite.
            values = try await store.customerValues(CustomerValueQuery(limit: 100)).map { value in
                var value = value
                if value.influenceValue == 0 { value.influenceValue = 0 }
                return "\(value)"
            }
            giftItems = try await store.giftItems()
            visits = try await store.visits(VisitQuery()).map { visit in
                var visit = visit
                visit.createdAt = Self.millisecond(visit.createdAt)
                visit.updatedAt = Self.millisecond(visit.updatedAt)
                return visit
            }
            visitChanges = []
            for visit in visits {
                visitChanges.append(try await store.visitChanges(visit.id).map { change in
                    var change = change
                    change.at = Self.millisecond(change.at)
                    return change
                })
            }
            plans = try await store.campaignPlans(campaign: nil)
            runActions = []
            for run in try await store.campaignRuns(plan: nil) { runActions.append(try await store.campaignRunActions(run.id)) }
            campaigns = try await store.campaignTallies(campaign: nil)
            consent = try await store.consentRecords(after: nil, limit: 100).map { record in
                var record = record
                record.changedAt = Self.millisecond(record.changedAt)
                return record
            }
            feedback = try await store.feedbackList(FeedbackQuery()).map { item in
                var item = item
                item.receivedAt = Self.millisecond(item.receivedAt)
                item.updatedAt = Self.millisecond(item.updatedAt)
                return item
            }
            feedbackEvents = []
            for item in feedback {
                feedbackEvents.append(try await store.feedbackEvents(of: item.id!).map { event in
                    var event = event
                    event.at = Self.millisecond(event.at)
                    return event
                })
            }
        }

        static let dayAfterFirstRun: TimeInterval = 86_400

        static func millisecond(_ date: Date) -> Date { Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000).rounded() / 1_000) }
    }

    @Test(arguments: [
        (StoreKind.sqliteFile, StoreKind.postgres), (.postgres, .sqliteMemory), (.sqliteMemory, .sqliteFile),
    ].filter { StoreKind.allCases.contains($0.0) && StoreKind.allCases.contains($0.1) })
    func aCopyHoldsEveryRowWithItsIdsAndProvesIt(from: StoreKind, to: StoreKind) async throws {
        let source = try await populated(from)
        let target = try await conformers.make(to)
        let copied = try await StoreCopier.copy(from: source, to: target, batchSize: 2)
        #expect(copied.map(\.table) == StoredTable.all.map(\.name))
        #expect(copied.allSatisfy { $0.tally.rows > 0 }, "the fixture fills every table: \(copied.filter { $0.tally.rows == 0 }.map(\.table))")
        #expect(try await StoreCopier.tally(of: source) == copied)
        #expect(try await StoreCopier.tally(of: target) == copied)

        // Read back through the API: the same organisation, on the source's own backend.
        let back = try await conformers.make(from)
        try await StoreCopier.copy(from: target, to: back)
        #expect(try await Contents(of: back) == Contents(of: source))

        // The id generators continue past the copied ids.
        let before = try await target.customers(CustomerQuery(limit: 100)).compactMap(\.id?.rawValue).max() ?? 0
        _ = try await target.apply(ImportBatch(customers: [Customer(source: "crm", externalID: "C-new", name: PersonName(given: "Mới", family: "Khách"))]), dryRun: false)
        let added = try #require(try await target.customer(source: "crm", externalID: "C-new")?.id?.rawValue)
        #expect(added > before)
        let lastPurchase = try await target.purchases(of: CustomerID(1)).compactMap(\.id).max() ?? 0
        _ = try await target.apply(ImportBatch(purchases: [StoreConformanceTests.purchase("C-1", "p-new", "5", day: 20_100)]), dryRun: false)
        let newPurchase = try #require(try await target.purchases(of: CustomerID(1)).compactMap(\.id).max())
        #expect(newPurchase > lastPurchase && newPurchase > 4, "purchase ids continue past every copied one")
        let staff = try await target.addStaff(Staff(name: "Lý Hoa", role: "care"))
        #expect(try #require(staff.id) > 1)
        _ = try await target.materialize(SegmentOutcome(
            segment: "tier", plugin: "tiers", pluginVersion: "1.2.0", at: SegmentStoreConformanceTests.march,
            customers: [CustomerID(added)], labels: ["gold"]))
        #expect(try await target.segments().first?.pluginVersion == "1.2.0")
        let runTable = try #require(StoredTable.all.first { $0.name == "segment_run" })
        let runs = try await target.readingSnapshot { reader in try await reader.rows(of: runTable, after: nil, limit: 10) }
        #expect(runs.map { $0[0] } == [.integer(1), .integer(2), .integer(3), .integer(4)], "run ids kept, and continued")
    }

    @Test(arguments: StoreKind.allCases)
    func aTargetHoldingAnyRowIsRefusedAndKeptAsItWas(kind: StoreKind) async throws {
        let source = try await populated(.sqliteMemory)
        let target = try await conformers.make(kind)
        _ = try await target.addStaff(Staff(name: "Trần Minh", role: "care"))
        let before = try await StoreCopier.tally(of: target)
        await #expect(throws: StoreError.copyTargetNotEmpty(table: "staff", rows: 1)) {
            try await StoreCopier.copy(from: source, to: target)
        }
        #expect(try await StoreCopier.tally(of: target) == before)
    }

    @Test(arguments: StoreKind.allCases)
    func aCopyWhoseCheckFailsWritesNothing(kind: StoreKind) async throws {
        let source = try await populated(.sqliteMemory)
        let target = try await conformers.make(kind)
        let failing = ScriptedSource(from: source, failing: .atVerify)
        await #expect(throws: StoreError.self) { try await target.load(from: failing) }
        #expect(try await StoreCopier.tally(of: target).allSatisfy { $0.tally.rows == 0 })
        #expect(await failing.verified.map { $0.values.reduce(0) { $0 + $1.rows } } ?? 0 > 0, "the target read its rows back before it failed")
    }

    @Test(arguments: StoreKind.allCases)
    func aSourceThatFailsMidwayWritesNothing(kind: StoreKind) async throws {
        let source = try await populated(.sqliteMemory)
        let target = try await conformers.make(kind)
        await #expect(throws: ScriptedSource.Failure.self) { try await target.load(from: ScriptedSource(from: source, failing: .afterBatches(2))) }
        #expect(try await StoreCopier.tally(of: target).allSatisfy { $0.tally.rows == 0 })
    }

    @Test(arguments: StoreKind.allCases)
    func aChangedRowIsCaughtByItsChecksum(kind: StoreKind) async throws {
        let source = try await populated(.sqliteMemory)
        let target = try await conformers.make(kind)
        // The source claims different figures than the rows it hands over (one changed amount).
        let error = await #expect(throws: StoreError.self) {
            try await target.load(from: ScriptedSource(from: source, failing: .changing(table: "purchase", column: "amount", to: .text("100.51"))))
        }
        guard case .copyMismatch(let table, let read, let written)? = error else { Issue.record("not a mismatch: \(String(describing: error))"); return }
        #expect(table == "purchase" && read.rows == written.rows && read.checksum != written.checksum)
        #expect(error?.localizedDescription.contains("100.5") == false, "no values in the message")
    }

    @Test func aSQLiteCopyKeepsTextWithANulAndTheSmallestId() async throws {
        let source = try #require(try await populated(.sqliteFile) as? SQLiteStore)
        try await source.writer.write { db in
            try db.execute(sql: "UPDATE customer SET givenName = 'Ann' || char(0) || 'X' WHERE id = 1")
            try db.execute(sql: "UPDATE auditEntry SET id = -9223372036854775808 WHERE action = 'forget'")
        }
        let target = try #require(try await conformers.make(.sqliteFile) as? SQLiteStore)
        let copied = try await StoreCopier.copy(from: source, to: target)
        #expect(copied.first { $0.table == "audit_entry" }?.tally.rows == 3, "two consent changes and a forget")
        let name = try await target.writer.read { db in try Data.fetchOne(db, sql: "SELECT CAST(givenName AS BLOB) FROM customer WHERE id = 1") }
        #expect(name == Data("Ann\u{0}X".utf8))
        #expect(try await StoreCopier.tally(of: target) == copied)
    }

    @Test func aSQLiteStoreOfANewerCordialIsRefused() async throws {
        let store = try #require(try await conformers.make(.sqliteFile) as? SQLiteStore)
        try await store.writer.write { db in try db.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES ('v99: from the future')") }
        await #expect(throws: StoreError.newerSchema) { try await store.migrate() }
    }

    /// Every table and column the backend's schema holds is in ``StoredTable/all`` (and the
    /// other way round): a new feature's table cannot be left out of a copy.
    @Test(arguments: StoreKind.allCases.filter { $0 != .sqliteMemory })
    func theCopiedTablesAreEveryTableOfTheSchema(kind: StoreKind) async throws {
        let expected = Dictionary(uniqueKeysWithValues: StoredTable.all.map { ($0.name, Set($0.columns.map(\.name))) })
        var found: [String: Set<String>] = [:]
        switch kind {
        case .sqliteMemory, .sqliteFile:
            let store = try #require(try await conformers.make(kind) as? SQLiteStore)
            let names = Dictionary(uniqueKeysWithValues: StoredTable.all.map { (SQLiteTables.name($0), $0) })
            found = try await store.writer.read { db in
                var found: [String: Set<String>] = [:]
                for table in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'grdb_%'") {
                    let stored = names[table]
                    let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table])
                    found[stored?.name ?? table] = Set(columns.map { column in
                        stored?.columns.first { SQLiteTables.column($0.name) == column }?.name ?? column
                    })
                }
                return found
            }
        case .postgres:
            let location = try PostgresTestServer.freshLocation()
            let store = try await PostgresStore.connect(location, maximumConnections: 1)
            try await store.migrate()
            let rows = try await PostgresTestServer.rows("""
                SELECT table_name::text, column_name::text FROM information_schema.columns
                WHERE table_schema = '\(location.schema!)' AND table_name <> 'cordial_migration'
                """, in: location) { try $0.decode((String, String).self) }
            for (table, column) in rows { found[table, default: []].insert(column) }
        }
        #expect(found == expected)
    }
}

/// A copy source over a real store's snapshot that fails on purpose: at the check, after some
/// batches, or by handing over one changed value (a source whose figures are not its rows).
actor ScriptedSource: StoredBatchSource {
    enum Plan: Sendable {
        case atVerify
        case afterBatches(Int)
        case changing(table: String, column: String, to: StoredValue)
    }

    struct Failure: Error {}

    private var batches: [StoredBatch] = []
    private var tallies: [StoredTable: TableTally] = [:]
    private let plan: Plan
    private var given = 0
    private(set) var verified: [StoredTable: TableTally]?

    init(from store: any Store, failing plan: Plan) {
        self.plan = plan
        self.store = store
    }

    private let store: any Store
    private var loaded = false

    private func load() async throws {
        guard !loaded else { return }
        loaded = true
        (batches, tallies) = try await store.readingSnapshot { reader in
            var batches: [StoredBatch] = []
            var tallies: [StoredTable: TableTally] = [:]
            for table in StoredTable.all {
                var last: [StoredValue]?
                while case let rows = try await reader.rows(of: table, after: last, limit: 2), !rows.isEmpty {
                    var tally = tallies[table] ?? TableTally()
                    for row in rows { tally.add(row, of: table) }
                    tallies[table] = tally
                    batches.append(StoredBatch(table: table, rows: rows))
                    last = rows.last
                }
            }
            return (batches, tallies)
        }
        if case .changing(let name, let column, let value) = plan,
           let index = batches.firstIndex(where: { $0.table.name == name }),
           let position = batches[index].table.columns.firstIndex(where: { $0.name == column }) {
            var rows = batches[index].rows
            rows[0][position] = value
            batches[index] = StoredBatch(table: batches[index].table, rows: rows)
        }
    }

    func next() async throws -> StoredBatch? {
        try await load()
        if case .afterBatches(let count) = plan, given == count { throw Failure() }
        guard given < batches.count else { return nil }
        given += 1
        return batches[given - 1]
    }

    func verify(_ written: [StoredTable: TableTally]) async throws {
        verified = written
        if case .atVerify = plan { throw StoreError.copyMismatch(table: "customer", read: TableTally(), written: TableTally()) }
        for table in StoredTable.all where tallies[table] ?? TableTally() != written[table] ?? TableTally() {
            throw StoreError.copyMismatch(table: table.name, read: tallies[table] ?? TableTally(), written: written[table] ?? TableTally())
        }
    }
}
