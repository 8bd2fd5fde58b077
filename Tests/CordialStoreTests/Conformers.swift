import CordialSQLite
import CordialStore
import Foundation
import Testing

/// Every store backend the conformance suites run against: one test body per behaviour,
/// run on each (PostgreSQL joins the list when its conformer lands).
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqliteMemory, sqliteFile
    var testDescription: String { rawValue }
}

/// The stores of one test, removed when it ends.
final class Conformers {
    private var files: [String] = []

    deinit {
        for file in files {
            for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: file + suffix) }
        }
    }

    /// A new, empty, migrated store of `kind`.
    func make(_ kind: StoreKind) async throws -> any Store {
        let store: any Store
        switch kind {
        case .sqliteMemory:
            store = try SQLiteStore()
        case .sqliteFile:
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-\(UUID().uuidString).sqlite").path
            files.append(path)
            store = try SQLiteStore(path: path)
        }
        try await store.migrate()
        return store
    }
}
