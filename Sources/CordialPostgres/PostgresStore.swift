import CordialCore
import CordialStore
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// The server store: PostgreSQL through postgres-nio, for organisations that run several
/// `cordial` processes or a server. A pool of connections; every statement with bound
/// parameters (postgres-nio prepares them); imports streamed with `COPY`; reads that stream
/// with back-pressure. Embedders usually open it through `StoreLocation.open()` (module
/// `Cordial`) with a `postgres://` location.
///
/// ```swift
/// let store = try await PostgresStore.connect(PostgresLocation(url: "postgres://crm@db.internal/crm"))
/// try await store.migrate()
/// ```
public final class PostgresStore: Store {
    public let location: PostgresLocation
    let client: PostgresClient
    private let running: Task<Void, Never>
    /// Quiet: postgres-nio logs statements with their bindings at debug level.
    let logger = Logger(label: "cordial.postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Connects to `location`, failing at once with a one-line reason when the server cannot
    /// be reached or refuses the user (the pool itself would keep retrying).
    public static func connect(_ location: PostgresLocation, maximumConnections: Int = 8) async throws -> PostgresStore {
        let configuration = try Self.configuration(location)
        do {
            let probe = try await PostgresConnection.connect(
                on: MultiThreadedEventLoopGroup.singleton.any(), configuration: Self.connectionConfiguration(location, configuration),
                id: 0, logger: Logger(label: "cordial.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
            ).get()
            try? await probe.close().get()
        } catch let error as PSQLError {
            throw PostgresFailure(error, server: location.server)
        }
        return PostgresStore(location, configuration: configuration, maximumConnections: maximumConnections)
    }

    private init(_ location: PostgresLocation, configuration: PostgresClient.Configuration, maximumConnections: Int) {
        self.location = location
        var configuration = configuration
        configuration.options.maximumConnections = maximumConnections
        let client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.client = client
        running = Task { await client.run() }
    }

    deinit {
        running.cancel()
    }

    private static func configuration(_ location: PostgresLocation) throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS = switch location.tls {
        case .disable: .disable
        case .prefer: .prefer(.makeClientConfiguration())
        case .require: .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        // The schema is a plain identifier (checked when parsed); `public` after it for extensions.
        if let schema = location.schema {
            configuration.options.additionalStartupParameters = [("search_path", "\(schema), public")]
        }
        configuration.options.additionalStartupParameters.append(("application_name", location.applicationName))
        return configuration
    }

    private static func connectionConfiguration(
        _ location: PostgresLocation, _ client: PostgresClient.Configuration
    ) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS = switch location.tls {
        case .disable: .disable
        case .prefer: .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: location.host, port: location.port, username: location.user, password: location.password,
            database: location.database, tls: tls)
        configuration.options.connectTimeout = .seconds(10)
        configuration.options.additionalStartupParameters = client.options.additionalStartupParameters
        return configuration
    }

    // MARK: - Running statements

    /// `body` on a connection of the pool, its errors made into one-line ``PostgresFailure``s.
    func withConnection<Result: Sendable>(_ body: (PostgresSession) async throws -> Result) async throws -> Result {
        do {
            return try await client.withConnection { connection in try await body(PostgresSession(connection: connection, logger: logger)) }
        } catch {
            throw translated(error)
        }
    }

    /// `body` in one transaction: committed when it returns, rolled back when it throws,
    /// with the error it threw (not postgres-nio's wrapper of it).
    func transaction<Result: Sendable>(
        isolation: String = "READ COMMITTED", _ body: (PostgresSession) async throws -> Result
    ) async throws -> Result {
        try await withConnection { connection in
            try await connection.query(PostgresQuery(unsafeSQL: "BEGIN ISOLATION LEVEL \(isolation)"))
            do {
                let result = try await body(connection)
                try await connection.query("COMMIT")
                return result
            } catch {
                // A failed rollback leaves a broken connection, which the pool closes.
                _ = try? await connection.query("ROLLBACK")
                throw error
            }
        }
    }

    /// Rows of `query`, collected.
    func rows(_ query: PostgresQuery, on connection: PostgresSession) async throws -> [PostgresRow] {
        try await connection.query(query).collect()
    }

    /// The first column of the first row of `query`, if any.
    func value<T: PostgresDecodable>(_ type: T.Type, _ query: PostgresQuery, on connection: PostgresSession) async throws -> T? {
        for try await row in try await connection.query(query) {
            return try row.decode(T.self)
        }
        return nil
    }

    /// Calls `page` for consecutive ranges of customer ids, each holding up to `pageSize`
    /// customers, inside one read-only transaction: one consistent snapshot for the whole
    /// scan. Each page's rows are collected at once rather than streamed while the consumer
    /// is behind: postgres-nio 1.33.2 traps when the server closes a connection whose row
    /// stream is waiting for demand (its `RowStreamStateMachine` precondition), and a
    /// dropped connection must end a read with a reason, not end the process.
    func pagedScan(pageSize: Int = 10_000, _ page: (PostgresSession, ClosedRange<Int64>) async throws -> Void) async throws {
        try await transaction(isolation: "REPEATABLE READ READ ONLY") { connection in
            var after: Int64 = 0
            while let upper = try await value(Int64?.self, """
                SELECT max(id) FROM (SELECT id FROM customer WHERE id > \(after) ORDER BY id LIMIT \(pageSize)) page
                """, on: connection) ?? nil {
                try await page(connection, (after + 1)...upper)
                after = upper
            }
        }
    }

    func translated(_ error: any Error) -> any Error {
        switch error {
        case let error as PSQLError: PostgresFailure(error, server: location.server)
        case let error as PostgresConnectionLost: PostgresFailure(server: location.server, reason: error.description)
        case let error as PostgresDecodingError:
            PostgresFailure(server: location.server, reason: "column '\(error.columnName)' holds a value this version cannot read")
        case let error as PostgresTransactionError:
            error.closureError.map(translated) ?? error.commitError.map(translated) ?? error.beginError.map(translated)
                ?? PostgresFailure(server: location.server, reason: "a transaction failed")
        default: error
        }
    }

    // MARK: - Schema

    /// Applies the migrations this version has and the database has not, in order, each in a
    /// transaction; processes starting at once wait for each other on an advisory lock.
    public func migrate() async throws {
        try await transaction { connection in
            // One lock per schema (the first key is arbitrary but fixed): processes opening one
            // store take turns; an organisation in another schema does not wait for them.
            let schemaName = location.schema ?? "public"
            try await connection.query("SELECT pg_advisory_xact_lock(73062011, hashtext(\(schemaName)))")
            // A location's own schema is made on first use (its name is a plain identifier).
            if let schema = location.schema {
                try await connection.query(PostgresQuery(unsafeSQL: "CREATE SCHEMA IF NOT EXISTS \(schema)"))
            }
            try await connection.query("""
                CREATE TABLE IF NOT EXISTS cordial_migration (
                    version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())
                """)
            let applied = Set(try await rows("SELECT version FROM cordial_migration", on: connection).map { try $0.decode(Int.self) })
            if let newest = applied.max(), newest > (PostgresSchema.migrations.map(\.version).max() ?? 0) {
                throw PostgresFailure(
                    server: location.server, reason: "the store was written by a newer Cordial (schema version \(newest)); upgrade Cordial")
            }
            for migration in PostgresSchema.migrations where !applied.contains(migration.version) {
                for statement in migration.statements {
                    try await connection.query(PostgresQuery(unsafeSQL: statement))
                }
                try await connection.query(
                    "INSERT INTO cordial_migration (version, name) VALUES (\(migration.version), \(migration.name))")
            }
        }
    }

    /// Whether this database holds a Cordial store (any migration applied).
    public func exists() async throws -> Bool {
        try await withConnection { connection in
            try await value(Bool.self, "SELECT to_regclass('cordial_migration') IS NOT NULL", on: connection) ?? false
        }
    }
}

extension PostgresLocation {
    /// host:port/database, for messages.
    var server: String { "\(host):\(port)/\(database)" }
}
