import CordialCore
import CordialStore
import Foundation
import Testing

/// The contract of ``CustomerStore`` and ``StaffStore``: one body per behaviour, run against
/// every conformer (``StoreKind``). Segments and value have suites of their own.
@Suite final class StoreConformanceTests {
    private let conformers = Conformers()

    func makeStore(_ kind: Kind) async throws -> any Store {
        try await conformers.make(kind)
    }

    typealias Kind = StoreKind

    static let lan = Customer(
        source: "crm", externalID: "C-1", name: PersonName(given: "Thị Lan", family: "Nguyễn"), honorific: "Chị",
        emails: ["lan@example.vn"], address: Address(city: "Hà Nội", region: "Miền Bắc", country: "VN"),
        birthday: Birthday(year: nil, month: 1, day: 29), locale: "vi", tier: "gold", tags: ["vip"],
        attributes: ["referrals": .integer(3), "note": .string("thích trà")])
    static let wei = Customer(
        source: "crm", externalID: "C-2", name: PersonName(given: "伟", family: "王"), honorific: "先生", locale: "zh", tags: [])

    static func purchase(_ customer: String, _ key: String, _ amount: String, day: Double) -> ImportedPurchase {
        ImportedPurchase(
            customerSource: "crm", customerExternalID: customer,
            purchase: Purchase(
                customerID: CustomerID(0), source: "pos", externalID: key, time: Date(timeIntervalSince1970: day * 86_400),
                amount: Money(parsing: amount, currency: "VND")!))
    }

    @Test(arguments: Kind.allCases)
    func importCreatesThenUpdatesThenLeavesAlone(kind: Kind) async throws {
        let store = try await makeStore(kind)
        let first = try await store.apply(ImportBatch(customers: [Self.lan, Self.wei]), dryRun: false)
        #expect(first.customersCreated == 2)
        let stored = try #require(try await store.customer(source: "crm", externalID: "C-1"))
        #expect(stored.displayName == "Nguyễn Thị Lan")
        #expect(stored.formalName == "Chị Lan")
        #expect(stored.attributes["note"] == .string("thích trà"))
        #expect(stored.birthday == Birthday(year: nil, month: 1, day: 29))
        #expect(stored.version == 1)

        var changed = Self.lan
        changed.tier = "platinum"
        let second = try await store.apply(ImportBatch(customers: [changed, Self.wei]), dryRun: false)
        #expect(second.customersUpdated == 1)
        #expect(second.customersUnchanged == 1)
        let updated = try #require(try await store.customer(stored.id!))
        #expect(updated.tier == "platinum")
        #expect(updated.version == 2)
        #expect(try await store.countCustomers() == 2)
    }

    @Test(arguments: Kind.allCases)
    func purchasesAreAddedOnceAndSummedExactly(kind: Kind) async throws {
        let store = try await makeStore(kind)
        let batch = ImportBatch(
            customers: [Self.lan],
            purchases: [Self.purchase("C-1", "r1", "0.1", day: 1), Self.purchase("C-1", "r2", "0.2", day: 3)])
        let first = try await store.apply(batch, dryRun: false)
        #expect(first.purchasesAdded == 2)
        let again = try await store.apply(batch, dryRun: false)
        #expect(again.purchasesAdded == 0)
        #expect(again.purchasesAlreadyPresent == 2)
        let id = try #require(try await store.customer(source: "crm", externalID: "C-1")?.id)
        let summary = try await store.purchaseSummary(of: id)
        #expect(summary.count == 2)
        #expect(summary.total == Decimal(string: "0.3"))
        #expect(summary.daysSinceLast(at: Date(timeIntervalSince1970: 10 * 86_400)) == 7)
        #expect(try await store.purchaseCurrencies() == ["VND"])
        var dollars = Self.purchase("C-1", "r3", "5", day: 4)
        dollars.purchase.amount = Money(5, "USD")
        _ = try await store.apply(ImportBatch(purchases: [dollars]), dryRun: false)
        #expect(try await store.purchaseCurrencies() == ["USD", "VND"])
    }

    @Test(arguments: Kind.allCases)
    func aFailingImportWritesNothing(kind: Kind) async throws {
        let store = try await makeStore(kind)
        let batch = ImportBatch(
            customers: [Self.lan, Self.wei],
            purchases: [Self.purchase("C-1", "r1", "5", day: 1), Self.purchase("C-404", "r2", "5", day: 2)])
        await #expect(throws: StoreError.unknownCustomer(source: "crm", externalID: "C-404")) {
            try await store.apply(batch, dryRun: false)
        }
        #expect(try await store.countCustomers() == 0)
        #expect(try await store.countPurchases() == 0)
    }

    /// An import source of several batches that fails part way: nothing is written, and the
    /// store takes the next import (its reading thread was not left waiting).
    struct FailingSource: ImportSource {
        var batchesBeforeFailing: Int
        var sent = 0

        mutating func nextBatch() throws -> ImportBatch? {
            guard sent < batchesBeforeFailing else { throw StoreError.unsupportedLocation("the source broke") }
            sent += 1
            return ImportBatch(customers: (1...100).map { number in
                Customer(source: "crm", externalID: "B\(sent)-\(number)", name: PersonName(given: "Lan", family: "Nguyễn"))
            })
        }
    }

    @Test(arguments: Kind.allCases)
    func aSourceFailingAfterSeveralBatchesWritesNothing(kind: Kind) async throws {
        let store = try await makeStore(kind)
        await #expect(throws: StoreError.unsupportedLocation("the source broke")) {
            try await store.apply(FailingSource(batchesBeforeFailing: 5), dryRun: false)
        }
        #expect(try await store.countCustomers() == 0)
        // The store fails while the source still has batches to give.
        var manyBatches = (1...20).map { number in
            ImportBatch(customers: [Customer(source: "crm", externalID: "M-\(number)", name: PersonName(given: "An", family: "Lê"))])
        }
        manyBatches[3].purchases = [Self.purchase("C-404", "r1", "5", day: 1)]
        struct Batches: ImportSource {
            var batches: [ImportBatch]
            mutating func nextBatch() throws -> ImportBatch? { batches.isEmpty ? nil : batches.removeFirst() }
        }
        await #expect(throws: StoreError.unknownCustomer(source: "crm", externalID: "C-404")) {
            try await store.apply(Batches(batches: manyBatches), dryRun: false)
        }
        #expect(try await store.countCustomers() == 0)
        let summary = try await store.apply(Batches(batches: [manyBatches[0]]), dryRun: false)
        #expect(summary.customersCreated == 1)
    }

    /// Text that JSON or PostgreSQL's COPY must escape, nested attributes and every kind of
    /// value come back as they went in, and importing them again changes nothing (the stored
    /// JSON is canonical). Imports encode a batch's values into one buffer: the customers
    /// around the awkward one, empty text and a missing value must come back too.
    @Test(arguments: Kind.allCases)
    func awkwardTextRoundTripsAndReimportsUnchanged(kind: Kind) async throws {
        let store = try await makeStore(kind)
        let awkward = Customer(
            source: "crm", externalID: "Q-\"1\"\\\t", name: PersonName(given: "Anh \"Tí\"", family: "Trần\\"),
            honorific: nil, emails: ["a@example.vn"], phones: ["+84 1\t2"],
            address: Address(lines: ["Số 1\nNgõ 2\r", "第二行"], city: "Huế", postalCode: "530000"),
            birthday: Birthday(year: 987, month: 12, day: 3), tier: "", tags: ["😀", ""], attributes: [
                "control": .string("bell\u{07}end"), "list": .array([.integer(1), .number(2.5), .bool(true), .null]),
                "nested": .object(["z": .string("last"), "a": .object(["deep": .string("điều")])]), "empty": .object([:]),
            ])
        let batch = ImportBatch(customers: [Self.lan, awkward, Self.wei])
        #expect(try await store.apply(batch, dryRun: false).customersCreated == 3)
        let stored = try #require(try await store.customer(source: "crm", externalID: awkward.externalID))
        #expect(stored.name == awkward.name)
        #expect(stored.honorific == nil)
        #expect(stored.phones == awkward.phones)
        #expect(stored.address == awkward.address)
        #expect(stored.birthday == awkward.birthday)
        #expect(stored.tier == "")
        #expect(stored.tags == awkward.tags)
        #expect(stored.attributes == awkward.attributes)
        #expect(abs(stored.createdAt.timeIntervalSinceNow) < 60, "stamped now, read back as the same instant")
        for neighbour in [Self.lan, Self.wei] {
            let read = try #require(try await store.customer(source: "crm", externalID: neighbour.externalID))
            #expect(read.name == neighbour.name && read.honorific == neighbour.honorific && read.emails == neighbour.emails)
            #expect(read.address == neighbour.address && read.birthday == neighbour.birthday && read.tier == neighbour.tier)
            #expect(read.tags == neighbour.tags && read.attributes == neighbour.attributes && read.locale == neighbour.locale)
        }
        let again = try await store.apply(batch, dryRun: false)
        #expect(again.customersUnchanged == 3)
    }

    /// A file that gives one customer twice: created by the first row, changed by the second,
    /// and a purchase given twice is added once.
    @Test(arguments: Kind.allCases)
    func aCustomerGivenTwiceInOneBatchIsCreatedThenUpdated(kind: Kind) async throws {
        let store = try await makeStore(kind)
        var second = Self.lan
        second.tier = "platinum"
        let summary = try await store.apply(
            ImportBatch(
                customers: [Self.lan, Self.wei, second, Self.lan],
                purchases: [Self.purchase("C-1", "r1", "5", day: 1), Self.purchase("C-1", "r1", "5", day: 1)]),
            dryRun: false)
        #expect(summary.customersCreated == 2)
        #expect(summary.customersUpdated == 2, "platinum, then back to gold")
        #expect(summary.purchasesAdded == 1 && summary.purchasesAlreadyPresent == 1)
        let stored = try #require(try await store.customer(source: "crm", externalID: "C-1"))
        #expect(stored.tier == "gold" && stored.version == 3)
        #expect(try await store.countCustomers() == 2)
    }

    /// One batch mixing customers the store holds (one changed, one not) with new ones
    /// between them: each is counted once as what happened to it, and the new ones get ids
    /// in the order the batch gives them.
    @Test(arguments: Kind.allCases)
    func aBatchMixingNewAndHeldCustomersCountsEach(kind: Kind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.apply(ImportBatch(customers: [Self.lan, Self.wei]), dryRun: false)
        var changed = Self.lan
        changed.honorific = "Cô"
        var third = Self.wei, fourth = Self.wei
        third.externalID = "C-3"
        fourth.externalID = "C-4"
        let summary = try await store.apply(ImportBatch(customers: [third, changed, fourth, Self.wei]), dryRun: false)
        #expect(summary.customersCreated == 2)
        #expect(summary.customersUpdated == 1)
        #expect(summary.customersUnchanged == 1)
        let lan = try #require(try await store.customer(source: "crm", externalID: "C-1"))
        #expect(lan.honorific == "Cô" && lan.version == 2)
        let wei = try #require(try await store.customer(source: "crm", externalID: "C-2"))
        #expect(wei.version == 1)
        let c3 = try #require(try await store.customer(source: "crm", externalID: "C-3")?.id)
        let c4 = try #require(try await store.customer(source: "crm", externalID: "C-4")?.id)
        #expect(c3.rawValue < c4.rawValue)
    }

    @Test(arguments: Kind.allCases)
    func dryRunSaysWhatButWritesNothing(kind: Kind) async throws {
        let store = try await makeStore(kind)
        let summary = try await store.apply(
            ImportBatch(customers: [Self.lan], purchases: [Self.purchase("C-1", "r1", "5", day: 1)]), dryRun: true)
        #expect(summary.customersCreated == 1)
        #expect(summary.purchasesAdded == 1)
        #expect(try await store.countCustomers() == 0)
        #expect(try await store.countPurchases() == 0)
    }

    @Test(arguments: Kind.allCases)
    func createMissingLeavesExistingCustomersAlone(kind: Kind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.apply(ImportBatch(customers: [Self.lan]), dryRun: false)
        var bare = Customer(source: "crm", externalID: "C-1", name: PersonName(given: "", family: ""))
        bare.tags = []
        var batch = ImportBatch(customers: [bare])
        batch.customerMode = .createMissing
        let summary = try await store.apply(batch, dryRun: false)
        #expect(summary.customersUnchanged == 1)
        #expect(try await store.customer(source: "crm", externalID: "C-1")?.tags == ["vip"])
    }

    @Test(arguments: Kind.allCases)
    func scanningVisitsEveryCustomerOnceInBatches(kind: Kind) async throws {
        let store = try await makeStore(kind)
        let customers = (1...250).map {
            Customer(source: "gen", externalID: "G-\($0)", name: PersonName(given: "Khách \($0)", family: "Trần"), locale: "vi",
                     tags: $0 % 10 == 0 ? ["tenth"] : [])
        }
        _ = try await store.apply(ImportBatch(customers: customers), dryRun: false)
        var seen: [String] = []
        var batches = 0
        for try await batch in store.scanCustomers(batchSize: 64) {
            #expect(batch.count <= 64)
            batches += 1
            seen += batch.map(\.externalID)
        }
        #expect(batches == 4)
        #expect(seen == customers.map(\.externalID))
        let tenth = try await store.customers(CustomerQuery(limit: 100, tag: "tenth"))
        #expect(tenth.count == 25)
        let page = try await store.customers(CustomerQuery(after: CustomerID(200), limit: 10))
        #expect(page.first?.id == CustomerID(201))
    }

    @Test(arguments: Kind.allCases)
    func updatesAreRefusedOnAStaleCopy(kind: Kind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.apply(ImportBatch(customers: [Self.lan]), dryRun: false)
        var mine = try #require(try await store.customer(source: "crm", externalID: "C-1"))
        var theirs = mine
        theirs.tags.append("called")
        let saved = try await store.update(theirs)
        #expect(saved.version == 2)
        mine.tier = "silver"
        await #expect(throws: StoreError.staleVersion(mine.id!, expected: 1, found: 2)) { try await store.update(mine) }
        #expect(try await store.customer(mine.id!)?.tags == ["vip", "called"])
        await #expect(throws: StoreError.noSuchCustomer(CustomerID(999))) {
            var ghost = saved
            ghost.id = CustomerID(999)
            _ = try await store.update(ghost)
        }
    }

    @Test(arguments: Kind.allCases)
    func forgettingErasesPersonalDataButKeepsPurchases(kind: Kind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.apply(
            ImportBatch(customers: [Self.lan, Self.wei], purchases: [Self.purchase("C-1", "r1", "120000", day: 1)]), dryRun: false)
        let id = try #require(try await store.customer(source: "crm", externalID: "C-1")?.id)
        try await store.forget(id, reason: "request #17")
        let erased = try #require(try await store.customer(id))
        #expect(erased.displayName.isEmpty)
        #expect(erased.emails.isEmpty && erased.address == nil && erased.birthday == nil && erased.attributes.isEmpty)
        #expect(erased.externalID == "forgotten-\(id)")
        #expect(try await store.customer(source: "crm", externalID: "C-1") == nil)
        #expect(try await store.purchaseSummary(of: id).total == 120_000)
        let log = try await store.auditLog()
        #expect(log.map(\.action) == ["forget"])
        #expect(log.first?.subject == "customer \(id)")
        #expect(log.first?.detail == "request #17", "the log holds the reason, no personal data")
        await #expect(throws: StoreError.noSuchCustomer(CustomerID(999))) { try await store.forget(CustomerID(999), reason: "x") }
    }

    @Test(arguments: Kind.allCases)
    func interactionsAreRecordedWithTheirStaff(kind: Kind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.apply(ImportBatch(customers: [Self.lan]), dryRun: false)
        let lan = try #require(try await store.customer(source: "crm", externalID: "C-1")?.id)
        let manager = try await store.addStaff(Staff(name: "Trần Minh", role: "account-manager", region: "Miền Bắc"))
        #expect(try await store.staff() == [manager])
        let visit = try await store.record(Interaction(
            customerID: lan, kind: .visit, time: Date(timeIntervalSince1970: 86_400 * 2), staffID: manager.id,
            outcome: "gift delivered", cost: Money(parsing: "350000", currency: "VND")))
        _ = try await store.record(Interaction(customerID: lan, kind: .call, time: Date(timeIntervalSince1970: 86_400)))
        let recorded = try await store.interactions(of: lan)
        #expect(recorded.map(\.kind) == [.call, .visit])
        #expect(recorded.last == visit)
        await #expect(throws: StoreError.noSuchStaff(999)) {
            try await store.record(Interaction(customerID: lan, kind: .visit, time: Date(), staffID: 999))
        }
        await #expect(throws: StoreError.noSuchCustomer(CustomerID(999))) {
            try await store.record(Interaction(customerID: CustomerID(999), kind: .letter, time: Date()))
        }
        #expect(try await store.interactions(of: lan).count == 2)
    }

    @Test(arguments: Kind.allCases)
    func migratingTwiceChangesNothing(kind: Kind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.apply(ImportBatch(customers: [Self.lan]), dryRun: false)
        try await store.migrate()
        #expect(try await store.countCustomers() == 1)
    }

    @Test(arguments: Kind.allCases)
    func customersAreReadByIDsAndByReference(kind: Kind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.apply(ImportBatch(customers: [Self.lan, Self.wei]), dryRun: false)
        let lan = try #require(try await store.customer(source: "crm", externalID: "C-1"))
        let wei = try #require(try await store.customer(source: "crm", externalID: "C-2"))
        let found = try await store.customers(withIDs: [wei.id!, CustomerID(999), lan.id!, wei.id!])
        #expect(found.map(\.id) == [lan.id, wei.id], "the ones that exist, once each, in id order")
        #expect(try await store.customers(withIDs: []).isEmpty)
        #expect(try await store.customer(.id(lan.id!))?.externalID == "C-1")
        #expect(try await store.customer(.external(source: "crm", externalID: "C-2"))?.id == wei.id)
        #expect(try await store.customerID(.external(source: "crm", externalID: "C-404")) == nil)
        #expect(try await store.customer(CustomerID(999)) == nil)
    }

    @Test(arguments: Kind.allCases)
    func purchasesComeOldestFirstAndAreCounted(kind: Kind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.apply(
            ImportBatch(customers: [Self.lan, Self.wei], purchases: [
                Self.purchase("C-1", "late", "30.25", day: 9), Self.purchase("C-1", "early", "10", day: 2),
                Self.purchase("C-2", "only", "7", day: 5),
            ]), dryRun: false)
        let lan = try #require(try await store.customer(source: "crm", externalID: "C-1")?.id)
        let purchases = try await store.purchases(of: lan)
        #expect(purchases.map(\.externalID) == ["early", "late"])
        #expect(purchases.map(\.amount) == [Money(10, "VND"), Money(Decimal(string: "30.25")!, "VND")])
        #expect(purchases.allSatisfy { $0.customerID == lan })
        #expect(try await store.countPurchases() == 3)
        #expect(try await store.purchases(of: CustomerID(999)).isEmpty)
    }

    @Test(arguments: Kind.allCases)
    func tagAndAttributeChangesAreWrittenTogetherOrNotAtAll(kind: Kind) async throws {
        let store = try await makeStore(kind)
        _ = try await store.apply(ImportBatch(customers: [Self.lan, Self.wei]), dryRun: false)
        let lan = try #require(try await store.customer(source: "crm", externalID: "C-1"))
        let wei = try #require(try await store.customer(source: "crm", externalID: "C-2"))
        var gift = CustomerChange(customer: lan.id!)
        gift.addTags = ["gifted", "vip"]
        gift.removeTags = ["vip"]
        gift.attributes = ["last_gift": .string("2026-01-20"), "note": nil]
        var call = CustomerChange(customer: wei.id!)
        call.addTags = ["called"]
        try await store.apply([gift, call])
        let changed = try #require(try await store.customer(lan.id!))
        #expect(Set(changed.tags) == ["gifted", "vip"])
        #expect(changed.attributes["last_gift"] == .string("2026-01-20"))
        #expect(changed.attributes["note"] == nil)
        #expect(changed.version == lan.version + 1)
        #expect(try await store.customer(wei.id!)?.tags == ["called"])

        // One unknown customer: nothing of the batch is written.
        var more = CustomerChange(customer: wei.id!)
        more.addTags = ["twice"]
        await #expect(throws: StoreError.noSuchCustomer(CustomerID(999))) {
            try await store.apply([more, CustomerChange(customer: CustomerID(999))])
        }
        #expect(try await store.customer(wei.id!)?.tags == ["called"])
        // No change at all leaves the version alone.
        try await store.apply([CustomerChange(customer: wei.id!)])
        #expect(try await store.customer(wei.id!)?.version == 2)
    }
}
