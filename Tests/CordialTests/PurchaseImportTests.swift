import Cordial
import CordialCore
import CordialStore
import Foundation
import GRDB
import Testing

/// `import transactions` for CSV and JSON Lines purchase files.
@Suite struct PurchaseImportTests {
    let importer = PurchaseImporter(customerSource: "crm", currency: "VND")

    func store(with customers: [String]) async throws -> any Store {
        let store = try await StoreLocation.temporary()
        try await store.migrate()
        _ = try await store.apply(
            ImportBatch(customers: customers.map { Customer(source: "crm", externalID: $0, name: PersonName(given: "", family: "")) }),
            dryRun: false)
        return store
    }

    func reader(_ text: String, format: ImportFormat = .csv) throws(ImportError) -> ImportFileReader<PurchaseImporter> {
        try importer.reader(data: Data(text.utf8), format: format, fileName: "orders.csv")
    }

    @Test func aPurchaseFileImportsOnceWithItsIds() async throws {
        let store = try await store(with: ["C-1", "C-2"])
        let text = """
            Order,Customer ID,Date,Total,Qty,Product
            A-1,C-1,2024-03-01,1250000,2,Trà
            A-2,C-2,2024-03-02T09:30:00+07:00,99000.5,,Ấm chén
            A-3,C-1,01/04/2024,10,1,
            """
        let summary = try await store.apply(
            try PurchaseImporter(customerSource: "crm", mapping: ["amount": "Total"], dateOrder: .dmy, currency: "VND")
                .reader(data: Data(text.utf8), format: .csv, fileName: "orders.csv"), dryRun: false)
        #expect(summary.purchasesAdded == 3)
        let lan = try #require(try await store.customer(source: "crm", externalID: "C-1")?.id)
        let purchases = try await store.purchases(of: lan)
        #expect(purchases.map(\.externalID) == ["A-1", "A-3"])
        #expect(purchases[0].amount == Money(parsing: "1250000", currency: "VND"))
        #expect(purchases[0].quantity == 2)
        #expect(purchases[1].time == Date(timeIntervalSince1970: Double(CalendarDays.since1970(year: 2024, month: 4, day: 1)) * 86_400))
        let an = try #require(try await store.customer(source: "crm", externalID: "C-2")?.id)
        let second = try #require(try await store.purchases(of: an).first)
        #expect(second.time == Date(timeIntervalSince1970: Double(CalendarDays.since1970(year: 2024, month: 3, day: 2)) * 86_400 + 2.5 * 3_600))
        #expect(second.quantity == 1)
        let again = try await store.apply(
            try PurchaseImporter(customerSource: "crm", mapping: ["amount": "Total"], dateOrder: .dmy, currency: "VND")
                .reader(data: Data(text.utf8), format: .csv, fileName: "orders.csv"), dryRun: false)
        #expect(again.purchasesAlreadyPresent == 3)
    }

    @Test func badRowsAreListedUnderTheFilesOwnHeaders() throws {
        let text = """
            order_id,customer_id,date,amount,currency,quantity
            A-1,C-1,2024-02-30,10,VND,1
            A-2,,2024-01-01,ten,VND,1
            A-3,C-1,2024-01-01,10,dong,-2
            A-1,C-1,2024-01-01,10,VND,1
            """
        let error = try #require(throws: ImportError.self) { try reader(text).all() }
        #expect(error.issues.map(\.description) == [
            "orders.csv:2: column 'date': is not a date",
            "orders.csv:3: column 'customer_id': is empty",
            "orders.csv:3: column 'amount': 'ten' is not an amount",
            "orders.csv:4: column 'currency': 'DONG' is not a currency code (VND, CNY, USD)",
            "orders.csv:4: column 'quantity': '-2' is not a count",
            "orders.csv:5: column 'order_id': 'A-1' already appears on line 2",
        ])
        let missing = try #require(throws: ImportError.self) { try reader("order_id,customer\nA-1,C-1\n") }
        #expect(missing.issues.first?.description.hasPrefix("orders.csv:1: no column for 'time'") == true)
    }

    @Test func anUnknownCustomerRefusesTheFileAtItsLine() async throws {
        let store = try await store(with: ["C-1"])
        let text = "order_id,customer_id,date,amount\nA-1,C-1,2024-01-01,5\nA-2,C-404,2024-01-02,5\n"
        await #expect(throws: StoreError.unknownCustomer(source: "crm", externalID: "C-404", origin: "orders.csv:3")) {
            try await store.apply(try reader(text), dryRun: false)
        }
        #expect(try await store.countPurchases() == 0)
    }

    @Test func jsonLinesPurchases() async throws {
        let store = try await store(with: ["C-1"])
        let text = #"{"order_id": "J-1", "customer_id": "C-1", "date": "2024-05-01", "amount": 120000, "channel": "online"}"#
        let summary = try await store.apply(try reader(text, format: .jsonl), dryRun: false)
        #expect(summary.purchasesAdded == 1)
        let id = try #require(try await store.customer(source: "crm", externalID: "C-1")?.id)
        #expect(try await store.purchases(of: id).first?.channel == "online")
    }

    /// `store check` compares the purchase facts the imports kept with the purchases: equal
    /// after imports; a drifted row fails the check, naming how many and the first
    /// customer; `--repair` rewrites them.
    @Test func storeCheckComparesPurchaseFactsAndRepairsThem() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-check-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let db = directory.appendingPathComponent("crm.sqlite").path
        let customers = directory.appendingPathComponent("customers.csv")
        let purchases = directory.appendingPathComponent("purchases.csv")
        try "customer_id,given_name,family_name\nC-1,Lan,Nguyễn\nC-2,Wei,Wang\n".write(to: customers, atomically: true, encoding: .utf8)
        try "order_id,customer_id,date,amount\nA-1,C-1,2024-03-01,10\nA-2,C-2,2024-03-02,20.5\n".write(to: purchases, atomically: true, encoding: .utf8)
        func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome { try RunCommandTests.cordial(arguments) }
        #expect(try cordial("init", "--db", db).status == 0)
        #expect(try cordial("import", "customers", customers.path, "--source", "crm", "--db", db).status == 0)
        #expect(try cordial("import", "transactions", purchases.path, "--source", "crm", "--db", db).status == 0)

        let good = try cordial("store", "check", "--db", db)
        #expect(good.status == 0)
        #expect(good.standardOutput.hasSuffix("\npurchase facts of 2 customers with purchases: equal to their purchases\n"), "\(good.standardOutput)")

        try DatabaseQueue(path: db).write { db in try db.execute(sql: "UPDATE purchaseFacts SET total = 99 WHERE customerId = 2") }
        let drifted = try cordial("store", "check", "--db", db)
        #expect(drifted.status == 1)
        #expect(drifted.standardOutput.hasSuffix("\npurchase facts of 2 customers with purchases: 1 differ from their purchases (the first: customer 2)\n"))
        #expect(drifted.standardError == "Error: the purchase facts of 1 customers differ from their purchases; run `cordial store check --repair`\n")

        let repaired = try cordial("store", "check", "--repair", "--json", "--db", db)
        #expect(repaired.status == 0)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(repaired.standardOutput.utf8)) as? [String: Any])
        let facts = try #require(object["purchase_facts"] as? [String: Any])
        #expect(facts["customers"] as? Int == 2 && facts["differing"] as? Int == 1 && facts["first_differing"] as? Int == 2)
        #expect(facts["repaired"] as? Bool == true)
        #expect((object["tables"] as? [Any])?.count == StoredTable.all.count)
        #expect(try cordial("store", "check", "--db", db).status == 0)
    }
}
