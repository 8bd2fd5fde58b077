import CordialPostgres
import CordialSQLite
import Foundation
import GRDB
import Testing

/// Every customer an import writes updates every index of the customer table, so it has
/// only those a query reads: the key (source, external id) and the tier (`customers list
/// --tier`). Migration 13 dropped region and birth month-day, which no query read.
struct CustomerIndexTests {
    @Test func sqliteKeepsOnlyTheIndexesQueriesRead() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-index-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await SQLiteStore(path: path).migrate()
        let names = try await DatabaseQueue(path: path).read { db in
            try String.fetchAll(db, sql: "SELECT name FROM pragma_index_list('customer') ORDER BY name")
        }
        #expect(names == ["customer_tier", "sqlite_autoindex_customer_1"])
    }

    @Test(.enabled(if: PostgresTestServer.url != "skip"))
    func postgresKeepsOnlyTheIndexesQueriesRead() async throws {
        let location = try PostgresTestServer.freshLocation()
        try await PostgresStore.connect(location).migrate()
        let names = try await PostgresShardingRulesTests.strings(
            "SELECT indexname FROM pg_indexes WHERE schemaname = '\(location.schema!)' AND tablename = 'customer' ORDER BY 1", in: location)
        #expect(names == ["customer_pkey", "customer_source_external_id_key", "customer_tier"])
    }
}
