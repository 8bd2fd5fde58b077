import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation
import Logging

/// `cordial-bench segments`: a threshold segment (spend, orders, days since the last purchase,
/// tier → three labels) over every customer of a store, materialized with history, against
/// `sqlite3` running the equivalent `SELECT CASE … GROUP BY` on the same file, in one run.
/// The labels' counts must agree, or the benchmark fails. Also times a plugin reload.
struct SegmentBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "segments",
        abstract: "A threshold segment over every customer against sqlite3's SELECT CASE … GROUP BY.")

    @OptionGroup var store: BenchStoreOptions

    @Option(name: .customLong("as-of"), help: "The date the segment is computed as of (YYYY-MM-DD).")
    var asOf = "2025-01-15"

    @Option(help: "Worker counts to measure, comma-separated.")
    var workers = "1,2"

    @Option(help: "Also measure PostgreSQL on this server (postgres://USER@HOST:PORT/DB; needs psql): the store copied there with `cordial store copy`, then the same runs against psql's SELECT CASE … GROUP BY.")
    var postgres: String?

    static let segment = "bench-threshold"

    static let plugin = """
        local cordial = require "cordial"
        local plugin = cordial.plugin { name = "bench", version = "1.0.0", api = 1 }
        plugin:segment("bench-threshold", { labels = { "vip", "active", "dormant" } }, function(c)
          local p = c.purchases
          if (p.total >= 20000000 and p.count >= 10) or c.tier == "platinum" then return "vip" end
          local days = p.days_since_last
          if days ~= nil and days <= 365 then return "active" end
          return "dormant"
        end)
        return plugin
        """

    func sql(day: String) -> String {
        """
        SELECT CASE
                 WHEN (p.total >= 20000000 AND p.orders >= 10) OR c.tier = 'platinum' THEN 'vip'
                 WHEN p.days <= 365 THEN 'active'
                 ELSE 'dormant' END AS label,
               count(*)
        FROM customer c LEFT JOIN (
          SELECT customerId, count(*) AS orders, sum(CAST(amount AS REAL)) AS total,
                 CAST(julianday('\(day)') - julianday(substr(max(time), 1, 10)) AS INTEGER) AS days
          FROM purchase GROUP BY customerId) p ON p.customerId = c.id
        WHERE c.forgottenAt IS NULL
        GROUP BY label ORDER BY label;
        """
    }

    func run() async throws {
        guard CalendarDays.day(of: asOf) != nil else { throw ValidationError("--as-of '\(asOf)' is not a date") }
        let workerCounts = workers.split(separator: ",").compactMap { Int($0) }
        let opened = try await store.open()
        let customers = try await opened.countCustomers()
        let purchases = try await opened.countPurchases()

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-bench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("bench"), withIntermediateDirectories: true)
        let pluginFile = folder.appendingPathComponent("bench/plugin.lua")
        try Self.plugin.write(to: pluginFile, atomically: true, encoding: .utf8)
        let registry = PluginRegistry(roots: [folder], loader: PluginLoader(chunkNameRoot: folder))
        registry.reload()

        // Reload timing: the file changes (a new version), the registry swaps it in.
        var reloads: [Double] = []
        for round in 1...20 {
            try Self.plugin.replacingOccurrences(of: "1.0.0", with: "1.0.\(round)").write(to: pluginFile, atomically: true, encoding: .utf8)
            var report = PluginRegistry.ReloadReport()
            reloads.append(BenchClock.seconds { report = registry.reload() })
            guard report.loaded == ["bench"] else { throw BenchFailure("the bench plugin did not reload: loaded \(report.loaded), unchanged \(report.unchanged), kept \(report.kept), \(report.problems)") }
        }

        var sqliteOutput = ""
        let baseline = try BenchClock.seconds {
            sqliteOutput = try BenchClock.runTool("sqlite3", ["-separator", "=", try store.path, sql(day: asOf)], keepingOutput: true)
        }
        let expected = Dictionary(uniqueKeysWithValues: sqliteOutput.split(separator: "\n").compactMap { line -> (String, Int)? in
            let parts = line.split(separator: "=")
            guard parts.count == 2, let count = Int(parts[1]) else { return nil }
            return (String(parts[0]), count)
        })

        print("cordial-bench segments — \(try store.path): \(customers) customers, \(purchases) purchases, as of \(asOf)")
        print("")
        print("| step | time | vs sqlite3 | peak memory |")
        print("|---|---|---|---|")
        print(String(format: "| sqlite3 SELECT CASE … GROUP BY (label counts only) | %.2f s | 1.00× | %d MB |", baseline, BenchClock.peakChildMemoryMB()))
        // Each run is `cordial segments run` in a process of its own, as a user runs it, so
        // that its time and peak memory are that run's alone.
        let executable = CordialExecutable.path
        for count in workerCounts {
            for (label, reset) in [("first run (writes every entry)", true), ("the same again (nothing changes)", false)] {
                if reset { try Self.forget(Self.segment, in: try store.path) }
                var output = ""
                let seconds = try BenchClock.seconds {
                    output = try BenchClock.runTool(executable, [
                        "segments", "run", Self.segment, "--workers", "\(count)", "--as-of", asOf, "--db", try store.path,
                        "--plugins", folder.path, "--json",
                    ], keepingOutput: true)
                }
                let summary = try Self.summary(of: output, expected: expected, run: "on SQLite")
                print(String(format: "| cordial segments run, %d worker%@, %@: %d entered | %.2f s | %.2f× | %d MB |",
                             count, count == 1 ? "" : "s", label, summary.entered, seconds, seconds / baseline, BenchClock.peakChildMemoryMB()))
            }
        }
        try Self.forget(Self.segment, in: try store.path)
        if let postgres {
            try measurePostgres(postgres, folder: folder, expected: expected, workerCounts: workerCounts, rows: customers + purchases)
        }
        print("")
        print("labels: " + expected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + " (equal in every run)")
        let sorted = reloads.sorted()
        print(String(format: "plugin reload after a change: median %.2f ms, max %.2f ms (20 reloads)", sorted[sorted.count / 2] * 1e3, sorted.last! * 1e3))
        print("peak memory: the largest of the child processes so far (getrusage RUSAGE_CHILDREN)")
    }

    /// The store copied into a new schema on `server` (timed: `cordial store copy`), then the
    /// same segment runs there against `psql` running the equivalent query; the schema is
    /// dropped afterwards.
    func measurePostgres(_ server: String, folder: URL, expected: [String: Int], workerCounts: [Int], rows: Int) throws {
        guard var components = URLComponents(string: server) else { throw BenchFailure("--postgres: not a URL") }
        let schema = "bench_segments_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "schema" }
        let psqlURL = components.string ?? server
        func psql(_ command: String) throws -> String {
            try BenchClock.runTool("psql", ["-X", "-q", "-A", "-t", "-F", "=", "-v", "ON_ERROR_STOP=1", psqlURL, "-c", command], keepingOutput: true)
        }
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "schema", value: schema), URLQueryItem(name: "sslmode", value: "disable")]
        let location = components.string ?? server
        defer { _ = try? psql("DROP SCHEMA IF EXISTS \(schema) CASCADE") }
        let executable = CordialExecutable.path
        let copy = try BenchClock.seconds {
            try BenchClock.runTool(executable, ["store", "copy", "--from", try store.path, "--to", location])
        }
        _ = try psql("ANALYZE \(schema).customer; ANALYZE \(schema).purchase")
        print(String(format: "| cordial store copy of the SQLite store into PostgreSQL (%d rows, checked) | %.2f s | — | %d MB |",
                     rows, copy, BenchClock.peakChildMemoryMB()))
        var output = ""
        let baseline = try BenchClock.seconds {
            output = try psql("""
                SET search_path = \(schema);
                SELECT CASE
                         WHEN (p.total >= 20000000 AND p.orders >= 10) OR c.tier = 'platinum' THEN 'vip'
                         WHEN p.days <= 365 THEN 'active'
                         ELSE 'dormant' END AS label,
                       count(*)
                FROM customer c LEFT JOIN (
                  SELECT customer_id, count(*) AS orders, sum(amount) AS total,
                         DATE '\(asOf)' - max((time AT TIME ZONE 'UTC')::date) AS days
                  FROM purchase GROUP BY customer_id) p ON p.customer_id = c.id
                WHERE c.forgotten_at IS NULL
                GROUP BY label ORDER BY label;
                """)
        }
        let counts = Dictionary(uniqueKeysWithValues: output.split(separator: "\n").compactMap { line -> (String, Int)? in
            let parts = line.split(separator: "=")
            guard parts.count == 2, let count = Int(parts[1]) else { return nil }
            return (String(parts[0]), count)
        })
        guard counts == expected else { throw BenchFailure("psql's labels differ from sqlite3's: \(counts), \(expected)") }
        print(String(format: "| psql SELECT CASE … GROUP BY on PostgreSQL (label counts only) | %.2f s | 1.00× (PostgreSQL) | — |", baseline))
        for count in workerCounts {
            for (label, reset) in [("first run (writes every entry)", true), ("the same again (nothing changes)", false)] {
                if reset {
                    _ = try psql("DELETE FROM \(schema).segment_member WHERE segment = '\(Self.segment)'; DELETE FROM \(schema).segment_run WHERE segment = '\(Self.segment)'")
                }
                var output = ""
                let seconds = try BenchClock.seconds {
                    output = try BenchClock.runTool(executable, [
                        "segments", "run", Self.segment, "--workers", "\(count)", "--as-of", asOf, "--db", location,
                        "--plugins", folder.path, "--json",
                    ], keepingOutput: true)
                }
                let summary = try Self.summary(of: output, expected: expected, run: "on PostgreSQL")
                print(String(format: "| PostgreSQL: cordial segments run, %d worker%@, %@: %d entered | %.2f s | %.2f× psql | %d MB |",
                             count, count == 1 ? "" : "s", label, summary.entered, seconds, seconds / baseline, BenchClock.peakChildMemoryMB()))
            }
        }
        // Worker processes sharing one run (`--shared`), one worker thread each, from nothing.
        for processes in [1, 2] {
            _ = try psql("DELETE FROM \(schema).segment_member WHERE segment = '\(Self.segment)'; DELETE FROM \(schema).segment_run WHERE segment = '\(Self.segment)'")
            var outputs: [String] = []
            let seconds = try BenchClock.seconds {
                outputs = try BenchClock.runTogether(executable, count: processes, [
                    "segments", "run", Self.segment, "--shared", "--workers", "1", "--as-of", asOf, "--db", location,
                    "--plugins", folder.path, "--json",
                ])
            }
            for output in outputs {
                _ = try Self.summary(of: output, expected: expected, run: "in a shared run")
            }
            print(String(format: "| PostgreSQL: cordial segments run --shared, %d process%@ of 1 worker, first run | %.2f s | %.2f× psql | %d MB |",
                         processes, processes == 1 ? "" : "es", seconds, seconds / baseline, BenchClock.peakChildMemoryMB()))
        }
    }

    /// What `segments run --json` prints (docs/json.md): the segments run, and plugin problems.
    private struct RunOutput: Decodable {
        var segments: [SegmentRunSummary]
    }

    /// The summary a `segments run --json` printed, whose label counts must be sqlite3's.
    static func summary(of output: String, expected: [String: Int], run: String) throws -> SegmentRunSummary {
        let summaries = try JSONDecoder().decode(RunOutput.self, from: Data(output.utf8)).segments
        guard let summary = summaries.first, summary.counts == expected else {
            throw BenchFailure("labels differ \(run): cordial \(summaries.first?.counts ?? [:]), sqlite3 \(expected)")
        }
        return summary
    }

    /// Removes the bench segment's membership and runs, so that each measured run starts from nothing.
    static func forget(_ segment: String, in path: String) throws {
        try BenchClock.runTool("sqlite3", [path, """
            DELETE FROM segmentMember WHERE segment = '\(segment)'; DELETE FROM segmentRun WHERE segment = '\(segment)';
            """])
    }
}
