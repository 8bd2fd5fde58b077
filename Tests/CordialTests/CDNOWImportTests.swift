import Cordial
import CordialCore
import CordialStore
import Foundation
import Testing

@Suite struct CDNOWImportTests {
    static let shared = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/data/cdnow")

    @Test func theMasterFileImportsEveryCustomerAndTransaction() async throws {
        let data = try Data(contentsOf: Self.shared.appendingPathComponent("CDNOW_master.txt"))
        let batch = try CDNOWImporter().batch(from: data, fileName: "CDNOW_master.txt")
        let store = try await StoreLocation.temporary()
        try await store.migrate()
        let summary = try await store.apply(batch, dryRun: false)
        #expect(summary.customersCreated == 23_570)
        #expect(summary.purchasesAdded == 69_659)
        #expect(try await store.countCustomers() == 23_570)
        #expect(try await store.countPurchases() == 69_659)
        // customer 00004 bought four times in 1997 for 29.33 + 29.73 + 14.96 + 26.48
        let four = try #require(try await store.customer(source: "cdnow", externalID: "00004"))
        let summary4 = try await store.purchaseSummary(of: four.id!)
        #expect(summary4.count == 4)
        #expect(summary4.total == Decimal(string: "100.5"))
    }

    @Test func theSampleFormatHasAnExtraColumn() throws {
        let text = "00004 0001 19970101  2   29.33\n00004 0001 19970118  2   29.73\n"
        let batch = try CDNOWImporter().batch(from: Data(text.utf8), fileName: "sample.txt")
        #expect(batch.customers.map(\.externalID) == ["00004"])
        #expect(batch.purchases.map(\.purchase.amount.amount) == [Decimal(string: "29.33"), Decimal(string: "29.73")])
    }

    @Test func everyBadLineIsListedWithItsColumn() throws {
        let text = """
             customer_id  date number_of_cds  dollar_value
             00001 19970101  1   11.77
             00002 19970231  1   12.00
             00003 19970105  x   7.5
             0000A 19970105  1   7.5.1
             00004 19970105  1
            """
        let error = try #require(throws: ImportError.self) {
            try CDNOWImporter().batch(from: Data(text.utf8), fileName: "bad.txt")
        }
        #expect(error.total == 5)
        #expect(error.issues.map(\.description) == [
            "bad.txt:3: column 'date': '19970231' is not a date (YYYYMMDD)",
            "bad.txt:4: column 'number_of_cds': 'x' is not a count",
            "bad.txt:5: column 'customer_id': '0000A' is not a number",
            "bad.txt:5: column 'dollar_value': '7.5.1' is not an amount",
            "bad.txt:6: expected 4 columns (customer_id date number_of_cds dollar_value) or 5, found 3",
        ])
        #expect(error.errorDescription?.hasSuffix("5 problems; nothing was imported") == true)
    }

    @Test func invalidUTF8IsRejectedWithItsLine() throws {
        var data = Data("00001 19970101 1 11.77\n".utf8)
        data.append(contentsOf: [0x30, 0xFF, 0x0A])
        let error = try #require(throws: ImportError.self) { try CDNOWImporter().batch(from: data, fileName: "u.txt") }
        #expect(error.issues.first?.description == "u.txt:2: not valid UTF-8")
    }

    @Test func manyBadLinesAreCapped() throws {
        let text = (1...50).map { _ in "1 2 3 4" }.joined(separator: "\n")
        let error = try #require(throws: ImportError.self) { try CDNOWImporter().batch(from: Data(text.utf8), fileName: "m.txt") }
        #expect(error.total == 50)
        #expect(error.issues.count == ImportError.cap)
        #expect(error.errorDescription?.contains("… and 30 more") == true)
    }
}
