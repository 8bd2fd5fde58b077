import Cordial
import CordialCore
import CordialStore
import Foundation
import Testing

@Suite struct DemoOrganisationTests {
    func csv(count: Int, seed: UInt64) throws -> String {
        var text = ""
        try DemoOrganisation(seed: seed).writeCustomers(count: count) { text += $0 }
        return text
    }

    @Test func theSameSeedGivesTheSameFile() throws {
        #expect(try csv(count: 200, seed: 7) == csv(count: 200, seed: 7))
        #expect(try csv(count: 200, seed: 7) != csv(count: 200, seed: 8))
        #expect(DemoOrganisation(seed: 7).customer(150) == DemoOrganisation(seed: 7).customer(150))
    }

    @Test func theFileImportsCleanlyInThreeLanguages() async throws {
        let batch = try CustomerImporter(source: "demo").batch(from: Data(try csv(count: 1_000, seed: 42).utf8), format: .csv, fileName: "demo.csv")
        let store = try await StoreLocation.temporary()
        try await store.migrate()
        let summary = try await store.apply(batch, dryRun: false)
        #expect(summary.customersCreated == 1_000)
        let locales = Dictionary(grouping: batch.customers, by: \.locale).mapValues(\.count)
        #expect(Set(locales.keys) == ["vi", "zh", "en"])
        #expect(locales.values.allSatisfy { $0 > 100 })
        let first = try #require(try await store.customer(source: "demo", externalID: "D0000001"))
        #expect(first == { var c = DemoOrganisation(seed: 42).customer(1); c.id = first.id; c.createdAt = first.createdAt; c.updatedAt = first.updatedAt; return c }())
    }

    @Test func theStaffFileImportsAsWrittenAndCoversTheCustomersCities() async throws {
        var text = ""
        try DemoStaff(seed: 42).write(count: 40) { text += $0 }
        var again = ""
        try DemoStaff(seed: 42).write(count: 40) { again += $0 }
        #expect(text == again, "the same seed, the same file")
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("demo-staff-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: url) }
        let read = try StaffImporter().items(path: url.path, format: .csv)
        #expect(read == DemoStaff(seed: 42).staff(count: 40), "every field survives the file")
        let store = try await StoreLocation.temporary()
        #expect(try await store.importStaff(read) == (40, 0))
        #expect(Set(DemoStaff(seed: 42).staff(count: 200).map(\.name)).count == 200, "names are told apart")
        let managers = read.filter { $0.holds("account-manager") }
        #expect(managers.count >= 30)
        for number in 1...300 {
            let customer = DemoOrganisation(seed: 42).customer(number)
            #expect(managers.contains { $0.covers(city: customer.address?.city, region: customer.address?.region) }, "someone visits \(customer.address?.city ?? "")")
        }
    }

    @Test func purchaseHistoriesImportAfterTheCustomers() async throws {
        let organisation = DemoOrganisation(seed: 42)
        var purchases = ""
        try organisation.writePurchases(count: 300) { purchases += $0 }
        var again = ""
        try organisation.writePurchases(count: 300) { again += $0 }
        #expect(purchases == again)
        let store = try await StoreLocation.temporary()
        try await store.migrate()
        _ = try await store.apply(
            try CustomerImporter(source: "demo").batch(from: Data(try csv(count: 300, seed: 42).utf8), format: .csv, fileName: "c.csv"),
            dryRun: false)
        let rows = (0..<300).reduce(0) { $0 + organisation.purchases(ofCustomer: $1 + 1).count }
        let summary = try await store.apply(
            try PurchaseImporter(customerSource: "demo").reader(data: Data(purchases.utf8), format: .csv, fileName: "p.csv"), dryRun: false)
        #expect(summary.purchasesAdded == rows)
        #expect(rows > 300, "most customers buy something")
        // Higher tiers buy more often: the demo's segments have something to find.
        let platinum = (1...300).filter { organisation.customer($0).tier == "platinum" }
        let plain = (1...300).filter { organisation.customer($0).tier == nil }
        func average(_ numbers: [Int]) -> Double {
            Double(numbers.reduce(0) { $0 + organisation.purchases(ofCustomer: $1).count }) / Double(max(numbers.count, 1))
        }
        #expect(average(platinum) > 2 * average(plain))
    }
}
