import ArgumentParser
import Cordial
import CordialStore
import Foundation

/// `cordial-bench import FILE`: a customer CSV imported into a new store, against
/// `sqlite3`'s own `.import` of the same file into a plain table, in the same run. With
/// `--postgres URL`, also into a new PostgreSQL store (a schema of its own, dropped
/// afterwards) against `psql`'s `\copy` of the same file into a plain table there.
struct ImportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Customer (and purchase) CSV import against sqlite3 .import of the same file (make them with `cordial demo generate`).")

    @Argument(help: "The customer CSV file.")
    var file: String

    @Option(help: "The source the customers are imported under.")
    var source = "demo"

    @Option(help: "Also measure PostgreSQL on this server (postgres://USER@HOST:PORT/DB; needs psql).")
    var postgres: String?

    @Option(help: "How many times each customer step (SQLite, and PostgreSQL with --postgres) runs, in turn (at least 1); the medians count.")
    var rounds = 3

    @Option(help: "Then import this purchase CSV of the same customers (`cordial demo generate --purchases`), against sqlite3 .import of it.")
    var purchases: String?

    func validate() throws {
        guard rounds >= 1 else { throw ValidationError("--rounds must be at least 1") }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.count % 2 == 1 ? sorted[sorted.count / 2] : (sorted[sorted.count / 2 - 1] + sorted[sorted.count / 2]) / 2
    }

    static func remove(sqlite path: String) {
        for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let importer = CustomerImporter(source: source)

        // The header, for the indexed table's columns.
        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        let head = String(decoding: try handle.read(upToCount: 64 * 1024) ?? Data(), as: UTF8.self)
        try handle.close()
        guard let header = head.split(whereSeparator: \.isNewline).first else { throw BenchFailure("\(file) is empty") }
        let names = header.split(separator: ",").map { "\"\($0.replacingOccurrences(of: "\"", with: ""))\"" }

        // Each step runs once per round, in turn, and the median counts: the machine is shared,
        // and its speed drifts by a third within minutes. Dirty pages of the step before are
        // written out first (sync), so that no step pays for another's writes.
        var baselines: [Double] = [], indexeds: [Double] = [], parses: [Double] = [], fulls: [Double] = []
        var rows = 0
        var summary = ImportSummary()
        var store: (any Store)?
        var storePath = ""
        for round in 1...rounds {
            let plainPath = directory.appendingPathComponent("plain-\(round).sqlite").path
            sync()
            baselines.append(try BenchClock.seconds {
                try BenchClock.runTool("sqlite3", [plainPath, ".import --csv \(file) customers"])
            })
            // What the customer table's key and index cost SQLite itself: the same .import into a
            // table with a unique external id and an index on the tier (as for psql below).
            let indexedPath = directory.appendingPathComponent("indexed-\(round).sqlite").path
            try BenchClock.runTool("sqlite3", [indexedPath, """
                CREATE TABLE customers (\(names.map { "\($0) TEXT" }.joined(separator: ", ")), UNIQUE (external_id));
                CREATE INDEX customers_tier ON customers (tier)
                """])
            sync()
            indexeds.append(try BenchClock.seconds {
                try BenchClock.runTool("sqlite3", [indexedPath, ".import --csv --skip 1 \(file) customers"])
            })
            sync()
            rows = 0
            parses.append(try BenchClock.seconds {
                var reader = try importer.reader(path: file, format: .csv)
                while let batch = try reader.nextBatch() { rows += batch.customers.count }
            })
            store = nil
            if !storePath.isEmpty { Self.remove(sqlite: storePath) }
            storePath = directory.appendingPathComponent("cordial-\(round).sqlite").path
            let opened = try await StoreLocation.sqlite(path: storePath).open(creating: true)
            sync()
            fulls.append(try await BenchClock.seconds {
                summary = try await opened.apply(try importer.reader(path: file, format: .csv), dryRun: false)
            })
            store = opened
            Self.remove(sqlite: plainPath)
            Self.remove(sqlite: indexedPath)
        }
        let (baseline, indexed, parse, full) = (Self.median(baselines), Self.median(indexeds), Self.median(parses), Self.median(fulls))
        // The headline pairs each round's import with its own baseline: the median of two
        // medians could pair a fast baseline with a slow import of another minute.
        let ratios = zip(fulls, baselines).map { $0 / $1 }
        print("cordial-bench import — \(file), \(rows) customers (\(summary.customersCreated) created)")
        print("")
        print("| step | time | per customer | vs sqlite3 .import |")
        print("|---|---|---|---|")
        for (name, seconds) in [("sqlite3 .import into a plain table", baseline),
                                ("sqlite3 .import into a table with the customer table's key and indexes", indexed),
                                ("read and check only (no store)", parse),
                                ("cordial import into a new store", full)] {
            print(String(format: "| %@ | %.2f s | %.1f µs | %.2f× |", name, seconds, seconds / Double(max(rows, 1)) * 1e6, seconds / baseline))
        }
        print("")
        print("times: medians of \(baselines.count) rounds; cordial import / sqlite3 .import, round by round: "
              + ratios.map { String(format: "%.2f×", $0) }.joined(separator: ", ")
              + String(format: "; their median: **%.2f×**", Self.median(ratios)))
        if let purchases, let store {
            try await measurePurchases(purchases, into: storePath, store: store, directory: directory)
        }
        if let postgres {
            let (copy, indexedCopy, cordial, ratios) = try await measurePostgres(postgres, importer: importer)
            for (name, seconds) in [("psql \\copy into a plain table", copy),
                                    ("psql \\copy into a table with the customer table's key and indexes", indexedCopy),
                                    ("cordial import into a new PostgreSQL store", cordial)] {
                print(String(format: "| %@ | %.2f s | %.1f µs | %.2f× |", name, seconds, seconds / Double(max(rows, 1)) * 1e6, seconds / baseline))
            }
            print("")
            print("PostgreSQL (times: medians of \(ratios.count) rounds): cordial import / psql \\copy, round by round: "
                  + ratios.map { String(format: "%.2f×", $0) }.joined(separator: ", ")
                  + String(format: "; their median: **%.2f×** (medians: %.2f× against the indexed table)", Self.median(ratios), cordial / indexedCopy))
        }
        print("")
        print("peak memory of this process: \(BenchClock.peakMemoryMB()) MB")
    }

    /// The purchase file imported by `cordial import transactions` — a process of its own,
    /// as a user runs it, into the store that holds the customers — against `sqlite3
    /// .import` of the same file into a plain table; then the purchase facts the import kept
    /// are checked against a recomputation.
    func measurePurchases(_ file: String, into path: String, store: any Store, directory: URL) async throws {
        let baseline = try BenchClock.seconds {
            try BenchClock.runTool("sqlite3", [directory.appendingPathComponent("plain-purchases.sqlite").path, ".import --csv \(file) purchases"])
        }
        let cordial = try BenchClock.seconds {
            try BenchClock.runTool(CordialExecutable.path, ["import", "transactions", file, "--source", source, "--db", path])
        }
        let memory = BenchClock.peakChildMemoryMB()
        let rows = try await store.countPurchases()
        let facts = try await store.checkPurchaseFacts(repair: false)
        guard facts.differing == 0 else { throw BenchFailure("the purchase facts of \(facts.differing) customers differ from their purchases") }
        print("")
        print("Purchases: \(rows) imported for \(facts.customers) customers (their purchase facts equal to a recomputation)")
        print("")
        print("| step | time | per purchase | vs sqlite3 .import |")
        print("|---|---|---|---|")
        for (name, seconds) in [("sqlite3 .import into a plain table", baseline), ("cordial import transactions (a process of its own)", cordial)] {
            print(String(format: "| %@ | %.2f s | %.1f µs | %.2f× |", name, seconds, seconds / Double(max(rows, 1)) * 1e6, seconds / baseline))
        }
        print("")
        print("peak memory of the cordial import process: \(memory) MB")
    }

    /// `psql \copy` of the file into a table of text columns, then a cordial import into a
    /// new store; each in a schema of its own on `server`, dropped afterwards.
    func measurePostgres(_ server: String, importer: CustomerImporter) async throws -> (copy: Double, indexedCopy: Double, cordial: Double, ratios: [Double]) {
        guard var components = URLComponents(string: server) else { throw BenchFailure("--postgres: not a URL") }
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "schema" }
        let psqlURL = components.string ?? server
        func psql(_ command: String) throws { try BenchClock.runTool("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", psqlURL, "-c", command]) }
        // As for SQLite: no step pays for the writes of the one before (CHECKPOINT needs a
        // superuser or pg_checkpoint; without it, the OS's dirty pages are still written).
        func settle() {
            try? psql("CHECKPOINT")
            sync()
        }

        let handle = try FileHandle(forReadingFrom: URL(fileURLWithPath: file))
        let head = String(decoding: try handle.read(upToCount: 64 * 1024) ?? Data(), as: UTF8.self)
        try handle.close()
        guard let header = head.split(whereSeparator: \.isNewline).first else { throw BenchFailure("\(file) is empty") }
        let quotedNames = header.split(separator: ",").map { "\"\($0.replacingOccurrences(of: "\"", with: ""))\"" }
        let columns = quotedNames.map { "\($0) text" }
        var copies: [Double] = [], indexedCopies: [Double] = [], cordials: [Double] = []
        for _ in 1...rounds {
            let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            let plain = "bench_copy_\(tag)", store = "bench_cordial_\(tag)"
            try psql("CREATE SCHEMA \(plain); CREATE TABLE \(plain).customers (\(columns.joined(separator: ", ")))")
            defer { try? psql("DROP SCHEMA IF EXISTS \(plain) CASCADE; DROP SCHEMA IF EXISTS \(store) CASCADE") }
            settle()
            copies.append(try BenchClock.seconds {
                try psql("\\copy \(plain).customers FROM '\(file)' WITH (FORMAT csv, HEADER true)")
            })
            // The store's customer table has a key and two indexes; what they cost psql too.
            try psql("""
                CREATE TABLE \(plain).indexed (\(columns.joined(separator: ", ")), id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);
                CREATE UNIQUE INDEX ON \(plain).indexed (external_id); CREATE INDEX ON \(plain).indexed (tier)
                """)
            settle()
            indexedCopies.append(try BenchClock.seconds {
                try psql("\\copy \(plain).indexed (\(quotedNames.joined(separator: ", "))) FROM '\(file)' WITH (FORMAT csv, HEADER true)")
            })
            var storeComponents = components
            storeComponents.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "schema", value: store)]
            let location = try StoreLocation(storeComponents.string ?? server)
            let opened = try await location.open(creating: true)
            settle()
            cordials.append(try await BenchClock.seconds {
                _ = try await opened.apply(try importer.reader(path: file, format: .csv), dryRun: false)
            })
        }
        return (Self.median(copies), Self.median(indexedCopies), Self.median(cordials), zip(cordials, copies).map { $0 / $1 })
    }

}
