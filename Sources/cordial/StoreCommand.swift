import ArgumentParser
import Cordial
import CordialStore
import Foundation

/// `cordial store copy|check`
struct StoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "store", abstract: "Move an organisation between stores and compare stores table by table.",
        subcommands: [CopyStore.self, CheckStore.self])
}

struct CopyStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "copy", abstract: "Copy every table of one store into a new, empty store.",
        discussion: """
            Reads the source in one snapshot and writes the target in one transaction, which commits only \
            when every table read back has the source's row count and checksum. A target that holds any row \
            is refused. Stores are SQLite files, sqlite: URLs or postgres:// URLs; the target is created \
            (migrated) when it does not exist yet, and a SQLite file the copy created is removed when it fails.
            """)

    @Option(help: "The store to copy from.")
    var from: String

    @Option(help: "The empty store to copy into.")
    var to: String

    @Flag(name: .customLong("json"), help: "Machine-readable output.")
    var json = false

    func run() async throws {
        let source = try await StoreOptions.open(from, creating: false)
        // A SQLite file the copy creates is removed again when the copy fails.
        let created: String? = if case .sqlite(let path)? = try? StoreLocation(to), !FileManager.default.fileExists(atPath: path) { path } else { nil }
        let target = try await StoreOptions.open(to, creating: true)
        let bar = ProgressBar("copying")
        let started = Date()
        let reports: [StoreCopier.TableReport]
        do {
            reports = try await StoreCopier.copy(from: source, to: target) { copied, total in
                bar.update(total == 0 ? 1 : Double(copied) / Double(total))
            }
            bar.finish()
        } catch {
            bar.finish()
            if let created {
                for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: created + suffix) }
            }
            if let error = error as? StoreError { throw CommandFailure(error.localizedDescription) }
            throw error
        }
        if json { return try StoreOptions.printJSON(reports.map(TableJSON.init)) }
        printTable(["TABLE", "ROWS", "CHECKSUM"], reports.map { [$0.table, "\($0.tally.rows)", $0.tally.checksumText] })
        let rows = reports.reduce(0) { $0 + $1.tally.rows }
        print(String(format: "copied %d rows in %.1f s from %@ to %@; every table read back matches its rows and checksum",
                     rows, Date().timeIntervalSince(started), Self.shown(from), Self.shown(to)))
    }

    static func shown(_ location: String) -> String { (try? StoreLocation(location).description) ?? location }
}

struct CheckStore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Print each table's row count and checksum, read in one snapshot.",
        discussion: "Two stores that hold the same organisation (a copy and its source) print the same figures, whatever their backends.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let opened = try await store.open()
        let reports = try await StoreCopier.tally(of: opened)
        if store.json { return try store.printJSON(reports.map(TableJSON.init)) }
        printTable(["TABLE", "ROWS", "CHECKSUM"], reports.map { [$0.table, "\($0.tally.rows)", $0.tally.checksumText] })
    }
}

/// A table's figures in `--json` output.
private struct TableJSON: Encodable {
    let table: String
    let rows: Int
    let checksum: String

    init(_ report: StoreCopier.TableReport) {
        table = report.table
        rows = report.tally.rows
        checksum = report.tally.checksumText
    }
}
