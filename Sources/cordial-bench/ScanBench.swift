import ArgumentParser
import CordialCore
import CordialStore
import Foundation

/// `cordial-bench scan`: every customer of a store streamed into Swift values on one core,
/// against `sqlite3` printing every column of every customer to /dev/null, in the same run.
struct ScanBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Stream every customer into Swift values, against sqlite3 printing them all.")

    @OptionGroup var store: BenchStoreOptions

    @Option(help: "Customers per batch.")
    var batchSize = 1_000

    func run() async throws {
        let opened = try await store.open()
        let baseline = try BenchClock.seconds {
            try BenchClock.runTool("sqlite3", [try store.path, "SELECT * FROM customer"])
        }
        var count = 0
        var checksum = 0  // uses every customer, so the work cannot be skipped
        let scan = try await BenchClock.seconds {
            for try await batch in opened.scanCustomers(batchSize: batchSize) {
                for customer in batch {
                    count += 1
                    checksum &+= customer.externalID.utf8.count + customer.emails.count + customer.attributes.count
                }
            }
        }
        print("cordial-bench scan — \(try store.path), \(count) customers, batches of \(batchSize) (checksum \(checksum))")
        print("")
        print("| step | time | per customer | vs sqlite3 |")
        print("|---|---|---|---|")
        for (name, seconds) in [("sqlite3 printing every column to /dev/null", baseline), ("cordial scan into Customer values", scan)] {
            print(String(format: "| %@ | %.2f s | %.2f µs | %.2f× |", name, seconds, seconds / Double(max(count, 1)) * 1e6, seconds / baseline))
        }
        print("")
        print("peak memory of this process: \(BenchClock.peakMemoryMB()) MB")
    }
}
