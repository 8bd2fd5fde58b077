import CordialCore
import CordialPostgres
import CordialStore
import Foundation
import Logging
import PostgresNIO
import Testing

/// What only the PostgreSQL store has: a server that is down or drops the connection, errors
/// from the server without personal data, and several processes sharing one database.
@Suite(.enabled(if: PostgresTestServer.url != "skip")) struct PostgresStoreTests {
    @Test func anUnreachableServerIsOneLineWithoutThePassword() async throws {
        // A port nobody listens on (bound and closed here, so it is free).
        let location = try PostgresLocation(url: "postgres://cordial:s3cret@127.0.0.1:1/crm?sslmode=disable")
        let error = await #expect(throws: PostgresFailure.self) { try await PostgresStore.connect(location) }
        let text = try #require(error?.localizedDescription)
        #expect(text == "PostgreSQL at 127.0.0.1:1/crm: cannot connect: connection refused")
        #expect(!text.contains("s3cret"))
    }

    @Test func aRefusedStatementNamesNoValue() async throws {
        let store = try await PostgresStore.connect(try PostgresTestServer.freshLocation())
        try await store.migrate()
        // PostgreSQL text cannot hold a NUL: the server refuses the row, and its message
        // (which quotes the row in a context field) must not reach the error.
        let customer = Customer(source: "crm", externalID: "C-1", name: PersonName(given: "Lan\u{0}Bí mật", family: "Nguyễn"))
        let error = await #expect(throws: PostgresFailure.self) {
            try await store.apply(ImportBatch(customers: [customer]), dryRun: false)
        }
        let text = try #require(error?.localizedDescription)
        #expect(!text.contains("Bí mật") && !text.contains("Nguyễn") && !text.contains("C-1"), "\(text)")
        #expect(!text.contains("\n"))
        #expect(try await store.countCustomers() == 0)
    }

    @Test func aDroppedConnectionEndsTheReadWithAReasonAndTheStoreGoesOn() async throws {
        var location = try PostgresTestServer.freshLocation()
        // Its own name, so that only this store's sessions are ended (other tests run at once).
        location.applicationName = "cordial-" + (location.schema ?? "test")
        let store = try await PostgresStore.connect(location)
        try await store.migrate()
        let customers = (1...20_000).map { Customer(source: "gen", externalID: "G-\($0)", name: PersonName(given: "Khách \($0)", family: "Lê")) }
        _ = try await store.apply(ImportBatch(customers: customers), dryRun: false)

        var read = 0
        let error = await #expect(throws: PostgresFailure.self) {
            for try await batch in store.scanCustomerFacts(batchSize: 100, values: false) {
                read += batch.count
                if read == 100 {
                    // The scan holds back (the consumer is behind) while another session ends it.
                    try await Self.terminateOtherSessions(of: location, running: "forgotten_at IS NULL")
                }
            }
        }
        // The page already read is delivered; the next statement on the dead connection ends
        // the scan (postgres-nio alone would wait for its answer for ever).
        #expect(read == 10_000)
        #expect(error?.localizedDescription == "PostgreSQL at \(location.host):\(location.port)/\(location.database): the connection to the server was lost")
        // The pool replaces the lost connection.
        #expect(try await store.countCustomers() == 20_000)
    }

    @Test func aStoreOfANewerCordialIsRefused() async throws {
        let store = try await PostgresStore.connect(try PostgresTestServer.freshLocation())
        try await store.migrate()
        try await Self.execute("INSERT INTO cordial_migration (version, name) VALUES (999, 'from the future')", in: store.location)
        let error = await #expect(throws: PostgresFailure.self) { try await store.migrate() }
        #expect(error?.reason.contains("newer Cordial") == true)
    }

    @Test func processesMigratingAtOnceBothSucceed() async throws {
        let location = try PostgresTestServer.freshLocation()
        let first = try await PostgresStore.connect(location)
        let second = try await PostgresStore.connect(location)
        async let one: Void = first.migrate()
        async let two: Void = second.migrate()
        _ = try await (one, two)
        #expect(try await first.exists())
        #expect(try await second.countCustomers() == 0)
    }

    /// Runs `sql` on a connection of its own to the store's schema.
    static func execute(_ sql: String, in location: PostgresLocation) async throws {
        _ = try await PostgresTestServer.rows(sql, in: location) { _ in () }
    }

    /// Ends the sessions of Cordial running a statement that contains `fragment`.
    static func terminateOtherSessions(of location: PostgresLocation, running fragment: String) async throws {
        try await execute("""
            SELECT pg_terminate_backend(pid) FROM pg_stat_activity
            WHERE application_name = '\(location.applicationName)' AND pid <> pg_backend_pid() AND query LIKE '%\(fragment)%'
            """, in: location)
    }
}
