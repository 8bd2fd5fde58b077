import CordialPostgres
import CordialSQLite
import CordialStore
import Foundation
import Logging
import PostgresNIO
import Testing

/// Every store backend the conformance suites run against: one test body per behaviour,
/// run on each. PostgreSQL runs on the server `$CORDIAL_TEST_POSTGRES` names (`make test`
/// starts one); without it, its cases fail rather than pass unseen. Only
/// `CORDIAL_TEST_POSTGRES=skip` leaves them out, on purpose.
enum StoreKind: String, CaseIterable, CustomTestStringConvertible {
    case sqliteMemory, sqliteFile, postgres
    var testDescription: String { rawValue }

    static var allCases: [StoreKind] {
        PostgresTestServer.url == "skip" ? [.sqliteMemory, .sqliteFile] : [.sqliteMemory, .sqliteFile, .postgres]
    }
}

/// The PostgreSQL server of the tests.
enum PostgresTestServer {
    static var url: String? { ProcessInfo.processInfo.environment["CORDIAL_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 } }

    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            "CORDIAL_TEST_POSTGRES is not set: run `make test`, or `export CORDIAL_TEST_POSTGRES=$(scripts/test-postgres start)` "
                + "(CORDIAL_TEST_POSTGRES=skip leaves PostgreSQL out)"
        }
    }

    /// A location in a schema of its own on the test server: every test starts empty.
    static func freshLocation() throws -> PostgresLocation {
        guard let url else { throw NotConfigured() }
        var location = try PostgresLocation(url: url)
        location.schema = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        location.tls = .disable
        return location
    }

    /// The rows of `sql`, run on a connection of its own (outside the store's pool) in the
    /// location's schema.
    static func rows<Row: Sendable>(
        _ sql: String, in location: PostgresLocation, _ decode: @Sendable (PostgresRow) throws -> Row
    ) async throws -> [Row] {
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: .disable)
        if let schema = location.schema { configuration.options.additionalStartupParameters = [("search_path", schema)] }
        let connection = try await PostgresConnection.connect(
            on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: 1, logger: Logger(label: "test")
        ).get()
        do {
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: Logger(label: "test")).collect().map(decode)
            try? await connection.close().get()
            return rows
        } catch {
            try? await connection.close().get()
            throw error
        }
    }
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
        case .postgres:
            store = try await PostgresStore.connect(PostgresTestServer.freshLocation(), maximumConnections: 4)
        }
        try await store.migrate()
        return store
    }
}
