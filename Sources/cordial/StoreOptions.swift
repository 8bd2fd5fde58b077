import ArgumentParser
import CordialStore
import Foundation

/// The options every store command shares (DESIGN.md's command-line contract).
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The store: a SQLite file (default $CORDIAL_DB, else ./cordial.sqlite).")
    var database: String?

    @Flag(name: .customLong("json"), help: "Machine-readable output.")
    var json = false

    var path: String {
        database ?? ProcessInfo.processInfo.environment["CORDIAL_DB"] ?? "cordial.sqlite"
    }

    /// Opens the store; unless `creating`, the file must exist (a typo should not make an empty store).
    func open(creating: Bool = false) async throws -> any Store {
        if path.hasPrefix("postgres://") || path.hasPrefix("postgresql://") {
            throw CommandFailure("PostgreSQL stores are not available yet; use a SQLite file")
        }
        if !creating && !FileManager.default.fileExists(atPath: path) {
            throw CommandFailure("no store at \(path); create one with `cordial init`")
        }
        let store = try SQLiteStore(path: path)
        try await store.migrate()
        return store
    }

    /// Prints a value as JSON (sorted keys, ISO 8601 dates).
    func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
