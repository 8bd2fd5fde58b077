import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// The options every store command shares (DESIGN.md's command-line contract).
struct StoreOptions: ParsableArguments {
    @Option(name: .customLong("db"), help: "The store: a SQLite file, a sqlite: URL or a postgres:// URL (default $CORDIAL_DB, else ./cordial.sqlite).")
    var database: String?

    @Flag(name: .customLong("json"), help: "Machine-readable output.")
    var json = false

    var location: String { database ?? StoreLocation.fromEnvironment }

    /// Opens the store; unless `creating`, it must exist (a typo should not make an empty store).
    func open(creating: Bool = false) async throws -> any Store {
        try await Self.open(location, creating: creating)
    }

    /// Opens the store at `location` (see ``open(creating:)``).
    static func open(_ location: String, creating: Bool) async throws -> any Store {
        do {
            return try await StoreLocation.open(location, creating: creating)
        } catch let error as StoreError {
            throw CommandFailure(error.localizedDescription)
        }
    }

    /// Prints a value as JSON (sorted keys, ISO 8601 dates).
    func printJSON<T: Encodable>(_ value: T) throws {
        try Self.printJSON(value)
    }

    /// Prints a value as JSON in the one convention of every command (docs/json.md):
    /// snake_case keys (the Lua API's and the CSV headers'; map keys that are data, such as
    /// attributes and labels, are left as they are), times in ISO 8601, days as ISO dates,
    /// sorted keys.
    static func printJSON<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.userInfo[.daysAsDates] = true
        print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }
}
