import ArgumentParser
import Cordial
import CordialStore
import Foundation

/// `cordial-bench import FILE`: a customer CSV imported into a new store, against
/// `sqlite3`'s own `.import` of the same file into a plain table, in the same run.
struct ImportBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Customer CSV import against sqlite3 .import of the same file (make one with `cordial demo generate`).")

    @Argument(help: "The customer CSV file.")
    var file: String

    @Option(help: "The source the customers are imported under.")
    var source = "demo"

    func run() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let importer = CustomerImporter(source: source)

        let baseline = try BenchClock.seconds {
            try BenchClock.runTool("sqlite3", [directory.appendingPathComponent("plain.sqlite").path, ".import --csv \(file) customers"])
        }
        var rows = 0
        let parse = try BenchClock.seconds {
            var reader = try importer.reader(path: file, format: .csv)
            while let batch = try reader.nextBatch() { rows += batch.customers.count }
        }
        let store = try await StoreLocation.sqlite(path: directory.appendingPathComponent("cordial.sqlite").path).open(creating: true)
        var summary = ImportSummary()
        let full = try await BenchClock.seconds {
            summary = try await store.apply(try importer.reader(path: file, format: .csv), dryRun: false)
        }
        print("cordial-bench import — \(file), \(rows) customers (\(summary.customersCreated) created)")
        print("")
        print("| step | time | per customer | vs sqlite3 .import |")
        print("|---|---|---|---|")
        for (name, seconds) in [("sqlite3 .import into a plain table", baseline), ("read and check only (no store)", parse),
                                ("cordial import into a new store", full)] {
            print(String(format: "| %@ | %.2f s | %.1f µs | %.2f× |", name, seconds, seconds / Double(max(rows, 1)) * 1e6, seconds / baseline))
        }
        print("")
        print("peak memory of this process: \(BenchClock.peakMemoryMB()) MB")
    }
}
