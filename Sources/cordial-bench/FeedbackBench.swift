import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial-bench feedback`: the Pareto report over a year of 1,000,000 feedback cases on
/// SQLite, against `sqlite3` running the equivalent `GROUP BY` on the same file, in one run;
/// and `feedback breaches` over 100,000 open cases (a time to report).
struct FeedbackBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback", abstract: "Pareto over 1,000,000 feedback cases against sqlite3's GROUP BY; breaches over 100,000 open cases.")

    @Option(help: "Feedback cases in the Pareto store.")
    var cases = 1_000_000

    @Option(help: "Open cases for the breaches run.")
    var open = 100_000

    @Option(help: "Runs of each measure (the median is reported).")
    var runs = 3

    func run() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-bench-feedback-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let plugin = try PluginLoader(chunkNameRoot: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
            .load(directory: URL(fileURLWithPath: "plugins/ground-services"))

        let path = work.appendingPathComponent("pareto.sqlite").path
        let filled = try await Self.store(at: path, cases: cases)
        print("cordial-bench feedback — \(cases) cases over 2024 (\(String(format: "%.1f", filled)) s to write them through the store)")
        let from = CalendarDays.date(ofDay: CalendarDays.day(of: "2024-01-01")!), to = CalendarDays.date(ofDay: CalendarDays.day(of: "2025-01-01")!)
        let store = try await StoreLocation.open(path)

        // The same question of both: complaints of 2024 by category.
        let sql = """
            SELECT category, count(*) FROM feedback WHERE kind = 'complaint' AND receivedAt >= '2024-01-01 00:00:00.000' \
            AND receivedAt < '2025-01-01 00:00:00.000' GROUP BY category;
            """
        var theirs: [Double] = [], ours: [Double] = []
        var report: FeedbackReport?
        var sqliteTotal = 0
        for _ in 0..<runs {
            var output = ""
            theirs.append(try BenchClock.seconds { output = try BenchClock.runTool("sqlite3", [path, sql], keepingOutput: true) })
            sqliteTotal = output.split(separator: "\n").compactMap { $0.split(separator: "|").last.flatMap { Int($0) } }.reduce(0, +)
            ours.append(try await BenchClock.seconds {
                report = try await FeedbackReport.make(in: store, plugins: [plugin], from: from, to: to, kind: .complaint, level: 1, segment: nil, sections: [.pareto])
            })
        }
        guard let report, report.cases == sqliteTotal else {
            throw BenchFailure("cordial counted \(report?.cases ?? -1) complaints, sqlite3 \(sqliteTotal)")
        }
        let mine = Self.median(ours), baseline = Self.median(theirs)
        print("")
        print("| measure | time (median of \(runs)) | vs sqlite3 |")
        print("|---|---|---|")
        print(String(format: "| sqlite3 GROUP BY category (the same file, process start included) | %.3f s | 1.00× |", baseline))
        print(String(format: "| cordial feedback report, Pareto of %d complaints (%d categories, the vital few %d) | %.3f s | **%.2f×** |",
                     report.cases, report.pareto.count, report.pareto.filter(\.vitalFew).count, mine, mine / baseline))

        // Breaches over open cases on the ground-services standards.
        let openPath = work.appendingPathComponent("open.sqlite").path
        _ = try await Self.store(at: openPath, cases: open)
        let openStore = try await StoreLocation.open(openPath)
        let breaches = FeedbackBreaches(plugins: [plugin])
        var listed = 0
        let seconds = try await BenchClock.seconds {
            listed = try await breaches.report(in: openStore, at: to, horizon: 3_600).entries.count
        }
        print(String(format: "| cordial feedback breaches over %d open cases (%d late clocks) | %.3f s | — |", open, listed, seconds))
        print("")
        print("peak memory of this process: \(BenchClock.peakMemoryMB()) MB")
    }

    /// A store with `cases` demo cases (customers 1...10,000 of the demo organisation), written
    /// through the store's own `addFeedback` in batches; the seconds it took.
    static func store(at path: String, cases: Int) async throws -> Double {
        let store = try await StoreLocation.open(path, creating: true)
        let customers = 10_000
        let organisation = DemoOrganisation(seed: 42)
        _ = try await store.apply(ImportBatch(customers: (1...customers).map(organisation.customer)), dryRun: false)
        let demo = DemoFeedback(seed: 42, customers: customers)
        return try await BenchClock.seconds {
            var batch: [Feedback] = []
            for number in 1...cases {
                let row = demo.row(number)
                let customer = Int64(row[1].dropFirst()).map { CustomerID($0) }
                batch.append(Feedback(
                    customerID: customer, contact: customer == nil ? FeedbackContact(name: row[2], email: row[3]) : nil, source: "bench", externalID: row[0],
                    channel: FeedbackChannel(rawValue: row[5])!, kind: FeedbackKind(rawValue: row[6])!, category: row[7],
                    severity: FeedbackSeverity(rawValue: row[8])!, text: row[9], language: row[10], csat: Int(row[11]), nps: Int(row[12]),
                    receivedAt: FeedbackImporter.time(row[4])!))
                if batch.count == 20_000 || number == cases {
                    _ = try await store.addFeedback(batch, at: Date())
                    batch.removeAll(keepingCapacity: true)
                }
            }
        }
    }

    static func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted[sorted.count / 2]
    }
}
