import ArgumentParser
import Cordial
import CordialStore
import Foundation

/// `cordial bench import FILE`: a customer CSV imported into a new store, against
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
        let store = try SQLiteStore(path: directory.appendingPathComponent("cordial.sqlite").path)
        try await store.migrate()
        var summary = ImportSummary()
        let full = try await BenchClock.seconds {
            summary = try await store.apply(try importer.reader(path: file, format: .csv), dryRun: false)
        }
        print("cordial bench import — \(file), \(rows) customers (\(summary.customersCreated) created)")
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

/// Timing helpers shared by the benchmarks.
enum BenchClock {
    static func seconds(_ body: () throws -> Void) rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func seconds(_ body: () async throws -> Void) async rethrows -> Double {
        let start = DispatchTime.now().uptimeNanoseconds
        try await body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    /// Runs a tool found on PATH with standard output discarded; a failure is an error.
    static func runTool(_ name: String, _ arguments: [String]) throws {
        _ = try runTool(name, arguments, keepingOutput: false)
    }

    /// Runs a tool found on PATH; returns its standard output when `keepingOutput`.
    static func runTool(_ name: String, _ arguments: [String], keepingOutput: Bool) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [name] + arguments
        let pipe = Pipe()
        process.standardOutput = keepingOutput ? pipe : FileHandle.nullDevice
        try process.run()
        let output = keepingOutput ? pipe.fileHandleForReading.readDataToEndOfFile() : Data()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw CommandFailure("\(name) failed (status \(process.terminationStatus))") }
        return String(decoding: output, as: UTF8.self)
    }

    /// The largest peak resident memory of the child processes that have ended so far.
    static func peakChildMemoryMB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }

    /// The process's peak resident memory so far.
    static func peakMemoryMB() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return usage.ru_maxrss / 1024
    }
}
