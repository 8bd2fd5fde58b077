import CordialStore
import Foundation
import GRDB
import Testing

/// The commands as a user runs them with `--db postgres://…`: the demo organisation's whole
/// flow gives what it gives on SQLite, and the store's own errors are one line.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CORDIAL_TEST_POSTGRES"] != "skip"))
struct PostgresCommandTests {
    let stores = TemporaryStores()

    /// A location on the test server in a schema of its own (created by `cordial init`).
    func postgresLocation() throws -> String {
        guard let server = ProcessInfo.processInfo.environment["CORDIAL_TEST_POSTGRES"], !server.isEmpty else {
            throw Missing()
        }
        let schema = "cli_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        return server + (server.contains("?") ? "&" : "?") + "schema=\(schema)&sslmode=disable"
    }

    struct Missing: Error, CustomStringConvertible {
        var description: String {
            "CORDIAL_TEST_POSTGRES is not set: run `make test`, or `export CORDIAL_TEST_POSTGRES=$(scripts/test-postgres start)`"
        }
    }

    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome {
        let outcome = try RunCommandTests.cordial(arguments)
        #expect(outcome.status == 0, "cordial \(arguments.prefix(2).joined(separator: " ")): \(outcome.standardError)")
        return outcome
    }

    /// The demo flow of `make demo` on `database`; what each reading command printed.
    func demoFlow(on database: String, files: (customers: String, purchases: String)) throws -> [String] {
        _ = try cordial("init", "--db", database)
        _ = try cordial("import", "customers", files.customers, "--source", "demo", "--db", database)
        _ = try cordial("import", "transactions", files.purchases, "--source", "demo", "--currency", "VND", "--db", database)
        // Importing again adds nothing, on either backend.
        let again = try cordial("import", "transactions", files.purchases, "--source", "demo", "--currency", "VND", "--db", database, "--json")
        _ = try cordial("value", "fit", "--until", "2024-12-31", "--unit", "week", "--db", database)
        _ = try cordial("segments", "run", "--as-of", "2025-01-15", "--workers", "2", "--db", database)
        return [
            again.standardOutput,
            try cordial("customers", "export", "--format", "jsonl", "--db", database).standardOutput,
            try cordial("value", "report", "--top", "5", "--json", "--db", database).standardOutput,
            try cordial("segments", "list", "--json", "--db", database).standardOutput,
            try cordial("segments", "show", "lifecycle", "--at", "2025-01-15", "--json", "--db", database).standardOutput,
            try cordial("run", "--db", database, "examples/top-customers.lua", "rfm", "champions").standardOutput,
        ]
    }

    @Test func theDemoFlowGivesWhatItGivesOnSQLite() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-pg-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let customers = directory.appendingPathComponent("customers.csv").path
        let purchases = directory.appendingPathComponent("purchases.csv").path
        _ = try cordial("demo", "generate", "--customers", "400", "--seed", "42", "--output", customers, "--purchases", purchases)

        let onSQLite = try demoFlow(on: stores.path(), files: (customers, purchases))
        let onPostgres = try demoFlow(on: try postgresLocation(), files: (customers, purchases))
        #expect(onSQLite[0].contains("\"purchases_added\" : 0"), "\(onSQLite[0])")
        #expect(onSQLite[1].split(separator: "\n").count == 400)
        #expect(onSQLite[3].contains("lifecycle"))
        // The same apart from when the fit was made.
        func withoutFitTime(_ output: String) -> String {
            output.split(separator: "\n").filter { !$0.contains("\"fitted_at\"") }.joined(separator: "\n")
        }
        for (sqlite, postgres) in zip(onSQLite, onPostgres) {
            #expect(withoutFitTime(sqlite) == withoutFitTime(postgres))
        }
    }

    @Test func aMissingSchemaIsNoStoreAndABadPasswordIsOneLine() throws {
        let location = try postgresLocation()
        let missing = try RunCommandTests.cordial(["customers", "list", "--db", location])
        #expect(missing.status == 1)
        #expect(missing.standardError.hasPrefix("Error: no store at postgres://"), "\(missing.standardError)")
        #expect(missing.standardError.hasSuffix("create one with `cordial init`\n"))
        let database = try RunCommandTests.cordial(["init", "--db", location.replacingOccurrences(of: "/cordial_test?", with: "/no_such_db?")])
        #expect(database.status == 1)
        let server = try #require(URLComponents(string: location))
        #expect(
            database.standardError
                == "Error: PostgreSQL at \(server.host ?? ""):\(server.port ?? 5432)/no_such_db: database … does not exist (SQLSTATE 3D000)\n")
    }

    @Test func storeCopyMovesAnOrganisationToPostgreSQLAndBackAndRefusesAFullTarget() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-copy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let customers = directory.appendingPathComponent("customers.csv").path
        let purchases = directory.appendingPathComponent("purchases.csv").path
        _ = try cordial("demo", "generate", "--customers", "300", "--seed", "7", "--output", customers, "--purchases", purchases)
        let sqlite = stores.path()
        let before = try demoFlow(on: sqlite, files: (customers, purchases))

        let postgres = try postgresLocation()
        let copied = try cordial("store", "copy", "--from", sqlite, "--to", postgres)
        let lines = copied.standardOutput.split(separator: "\n")
        #expect(lines.first?.hasPrefix("TABLE") == true && lines.count == StoredTable.all.count + 2, "\(copied.standardOutput)")
        #expect(lines.last?.contains("every table read back matches its rows and checksum") == true)
        let check = try cordial("store", "check", "--db", sqlite).standardOutput
        #expect(try cordial("store", "check", "--db", postgres).standardOutput == check)
        #expect(check.contains("customer ") && check.contains("segment_member"))

        // What the organisation reads on the copy is what it read on the source.
        func reads(_ database: String) throws -> [String] {
            [
                try cordial("customers", "export", "--format", "jsonl", "--db", database).standardOutput,
                try cordial("value", "report", "--top", "5", "--json", "--db", database).standardOutput,
                try cordial("segments", "history", "lifecycle", "--db", database).standardOutput,
            ]
        }
        #expect(try reads(postgres) == reads(sqlite))
        #expect(before.count == 6)

        // A target that holds anything is refused, and left as it was.
        let again = try RunCommandTests.cordial(["store", "copy", "--from", sqlite, "--to", postgres])
        #expect(again.status == 1)
        #expect(again.standardError == "Error: the target store is not empty (table customer has 300 rows); copy into a new, empty store\n")
        #expect(try cordial("store", "check", "--db", postgres).standardOutput == check)

        // And back into a new SQLite file, with --json.
        let back = directory.appendingPathComponent("back.sqlite").path
        let json = try cordial("store", "copy", "--from", postgres, "--to", back, "--json").standardOutput
        #expect(json.contains("\"table\" : \"purchase\""), "\(json)")
        #expect(try cordial("store", "check", "--db", back).standardOutput == check)

        // A copy that fails removes the SQLite file it created, and says which row.
        let broken = directory.appendingPathComponent("broken.sqlite").path
        _ = try cordial("store", "copy", "--from", sqlite, "--to", broken)
        try DatabaseQueue(path: broken).write { db in try db.execute(sql: "UPDATE purchase SET time = 'yesterday' WHERE id = 7") }
        let failed = directory.appendingPathComponent("failed.sqlite").path
        let refused = try RunCommandTests.cordial(["store", "copy", "--from", broken, "--to", failed])
        #expect(refused.status == 1)
        #expect(refused.standardError == "Error: table purchase, column time of the row with key 7 holds a value of another type; nothing was copied\n")
        #expect(!FileManager.default.fileExists(atPath: failed))

        // A missing source is one line, and creates nothing.
        let missing = directory.appendingPathComponent("missing.sqlite").path
        let nothing = try RunCommandTests.cordial(["store", "copy", "--from", missing, "--to", directory.appendingPathComponent("x.sqlite").path])
        #expect(nothing.status == 1 && nothing.standardError == "Error: no store at \(missing); create one with `cordial init`\n")
        #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("x.sqlite").path))
    }
}
