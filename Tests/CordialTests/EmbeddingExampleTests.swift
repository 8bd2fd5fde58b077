import Cordial
import Foundation
import Testing

/// docs/embedding.md's example application, built with the tests, run as an embedder runs
/// it: on a fresh store, again on the same store, and on a file with a bad row.
@Suite struct EmbeddingExampleTests {
    static let example = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        .appendingPathComponent("cordial-embedding-example")

    @Test func theExampleImportsSegmentsAndPreviewsLettersAsTheGuideShows() throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let store = folder.appendingPathComponent("shop.sqlite").path
        let first = try RunCommandTests.run(Self.example, [store, "plugins", "examples/embedding/data"])
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput == """
            plugins: birthday-gifts, care-priority, ground-services, key-accounts, lifecycle, new-year-letters, organisation, rfm, service-letters, thank-you-letters, win-back-calls
            imported 5 new customers and 6 purchases
            segment lifecycle (lifecycle 1.0.0): active 1, lost 1, new 2, prospect 1
            [vi] Sen Vàng cảm ơn Ông An | Kính gửi Ông Nguyễn Văn An,
            [zh] Sen Vàng感谢您的惠顾 | 尊敬的王先生：
            [en] Thank you for shopping with Sen Vàng | Dear Ms Carter,

            """)
        // The same files again: nothing new, the same segment.
        let again = try RunCommandTests.run(Self.example, [store, "plugins", "examples/embedding/data"])
        #expect(again.status == 0)
        #expect(again.standardOutput.contains("imported 0 new customers and 0 purchases"))
        #expect(again.standardOutput.contains("segment lifecycle (lifecycle 1.0.0): active 1, lost 1, new 2, prospect 1"))
    }

    @Test func aBadRowStopsTheApplicationWithOneLineAndWritesNothing() async throws {
        let folder = try Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let data = folder.appendingPathComponent("data")
        try FileManager.default.createDirectory(at: data, withIntermediateDirectories: true)
        try "external_id,given_name,family_name,birthday\nC-1,An,Nguyễn,1990-02-28\nC-2,Hà,Lê,1990-02-30\n"
            .write(to: data.appendingPathComponent("customers.csv"), atomically: true, encoding: .utf8)
        try "customer_id,purchase_id,date,amount\n".write(to: data.appendingPathComponent("purchases.csv"), atomically: true, encoding: .utf8)
        let store = folder.appendingPathComponent("shop.sqlite").path
        let failed = try RunCommandTests.run(Self.example, [store, "plugins", data.path])
        #expect(failed.status == 1)
        let lines = failed.standardError.split(separator: "\n")
        #expect(lines.count == 1 && lines[0].hasPrefix("loyalty desk: ") && lines[0].contains("customers.csv:3"), "\(failed.standardError)")
        #expect(!failed.standardError.contains("Lê"), "no personal data in errors")
        #expect(try await StoreLocation.open(store).countCustomers() == 0, "the import is all or nothing")
    }

    static func temporaryFolder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-embedding-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }
}
