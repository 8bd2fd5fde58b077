import ArgumentParser
import Cordial
import CordialStore
import Foundation

/// The store a benchmark measures: a SQLite file, since the baselines (`sqlite3`, Python's
/// sqlite3 module) read the same file.
struct BenchStoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The store: a SQLite file (default $CORDIAL_DB, else ./cordial.sqlite).")
    var database: String?

    var path: String {
        get throws {
            let location = try StoreLocation(database ?? StoreLocation.fromEnvironment)
            guard case .sqlite(let path) = location else { throw BenchFailure("benchmarks measure SQLite stores; got \(location)") }
            return path
        }
    }

    func open() async throws -> any Store {
        try await StoreLocation.sqlite(path: try path).open()
    }
}

/// A benchmark could not run or its results disagree with the baseline's: one line, exit 1.
struct BenchFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}

/// The `cordial` executable the benchmarks run as child processes: the one built beside
/// `cordial-bench`.
enum CordialExecutable {
    static var path: String {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cordial").path
    }
}
