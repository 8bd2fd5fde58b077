import CordialPostgres
import CordialSQLite
import CordialStore
import Foundation

extension StoreLocation {
    /// Opens the store at this location and brings its schema up to date: the one way the
    /// command line, `cordial run`, plugin tests and embedders open a store.
    ///
    /// ```swift
    /// let store = try await StoreLocation("crm.sqlite").open(creating: true)
    /// ```
    ///
    /// Unless `creating`, the store must exist already (``StoreError/noStore(_:)``): a
    /// mistyped path or database should not make an empty store. For PostgreSQL, the
    /// database must exist (`createdb`); `cordial init` makes the store's tables in it.
    public func open(creating: Bool = false) async throws -> any Store {
        switch self {
        case .sqlite(let path):
            if !creating && !FileManager.default.fileExists(atPath: path) { throw StoreError.noStore(self) }
            let store = try SQLiteStore(path: path)
            try await store.migrate()
            return store
        case .postgres(let url):
            let store = try await PostgresStore.connect(PostgresLocation(url: url))
            if !creating, try await !store.exists() { throw StoreError.noStore(self) }
            try await store.migrate()
            return store
        }
    }

    /// Parses `location` and opens the store there (see ``open(creating:)``).
    public static func open(_ location: String, creating: Bool = false) async throws -> any Store {
        try await StoreLocation(location).open(creating: creating)
    }

    /// A private, empty, migrated store in memory: for plugin tests, dry runs and embedders'
    /// tests. It lives as long as the value.
    public static func temporary() async throws -> any Store {
        let store = try SQLiteStore()
        try await store.migrate()
        return store
    }
}

/// A one-line reason for a store error that deserves a better one than its own text (SQLite
/// giving up on a writer another process holds); nil for any other error.
public func storeFailureReason(_ error: any Error) -> String? {
    SQLiteBusy.reason(for: error)
}
