import Cordial
import CordialStore
import Foundation

/// SQLite store files for one test, removed with it (WAL and shared-memory files too).
final class TemporaryStores {
    private var paths: [String] = []

    deinit {
        for path in paths { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
    }

    /// A path for a store file that does not exist yet.
    func path() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-test-\(UUID().uuidString).sqlite").path
        paths.append(path)
        return path
    }

    /// An empty, migrated store.
    func empty() async throws -> any Store {
        let store = try await StoreLocation.sqlite(path: path()).open(creating: true)
        try await store.migrate()
        return store
    }

    /// The demo organisation's first `count` customers with their purchases.
    func demo(customers count: Int) async throws -> any Store {
        let store = try await empty()
        let organisation = DemoOrganisation(seed: 42)
        var customers = "", purchases = ""
        try organisation.writeCustomers(count: count) { customers += $0 }
        try organisation.writePurchases(count: count) { purchases += $0 }
        _ = try await store.apply(
            try CustomerImporter(source: "demo").batch(from: Data(customers.utf8), format: .csv, fileName: "c.csv"), dryRun: false)
        _ = try await store.apply(
            try PurchaseImporter(customerSource: "demo", currency: "VND").reader(data: Data(purchases.utf8), format: .csv, fileName: "p.csv"),
            dryRun: false)
        return store
    }

    /// The CDNOW sample (2,357 customers, 6,919 purchases).
    func cdnowSample() async throws -> any Store {
        let store = try await empty()
        let data = try Data(contentsOf: CDNOWImportTests.shared.appendingPathComponent("CDNOW_sample.txt"))
        _ = try await store.apply(try CDNOWImporter().batch(from: data, fileName: "CDNOW_sample.txt"), dryRun: false)
        return store
    }
}
