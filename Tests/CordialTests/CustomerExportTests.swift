import Cordial
import CordialCore
import CordialStore
import Foundation
import Testing

@Suite struct CustomerExportTests {
    static let customers = [
        Customer(
            source: "crm", externalID: "C-1", name: PersonName(given: "Thị Lan", family: "Nguyễn"), honorific: "Chị",
            emails: ["lan@example.vn", "lan2@example.vn"], phones: ["+84 912 345 678"],
            address: Address(lines: ["12 Hàng Bạc"], city: "Hà Nội", region: "Miền Bắc", postalCode: "100000", country: "VN"),
            birthday: Birthday(year: 1990, month: 2, day: 28), locale: "vi", tier: "gold", tags: ["vip", "tết"],
            attributes: ["note": .string("likes \"lotus\" tea, iced;\nno sugar")]),
        Customer(
            source: "crm", externalID: "C-2", name: PersonName(given: "伟", family: "王"), honorific: "先生",
            birthday: Birthday(year: nil, month: 3, day: 15), locale: "zh-Hans"),
        Customer(source: "crm", externalID: "C-3", name: PersonName(given: "Emily", family: "Carter"), locale: "en-GB"),
    ]

    /// Compares what an import can carry: everything but ids, times and versions.
    static func comparable(_ customer: Customer) -> Customer {
        var copy = customer
        copy.id = nil
        copy.createdAt = Date(timeIntervalSince1970: 0)
        copy.updatedAt = Date(timeIntervalSince1970: 0)
        copy.version = 1
        return copy
    }

    @Test(arguments: CustomerImporter.Format.allCases)
    func exportThenImportGivesTheSameCustomers(format: CustomerImporter.Format) async throws {
        let original = try await StoreLocation.temporary()
        try await original.migrate()
        _ = try await original.apply(ImportBatch(customers: Self.customers), dryRun: false)
        var text = ""
        let count = try await CustomerExporter(format: format).export(from: original) { text += $0 }
        #expect(count == 3)

        let batch = try CustomerImporter(source: "crm").batch(from: Data(text.utf8), format: format, fileName: "export")
        let copy = try await StoreLocation.temporary()
        try await copy.migrate()
        _ = try await copy.apply(batch, dryRun: false)
        let reimported = try await copy.customers(CustomerQuery(limit: 10))
        #expect(reimported.map(Self.comparable) == Self.customers.map(Self.comparable))
    }
}
