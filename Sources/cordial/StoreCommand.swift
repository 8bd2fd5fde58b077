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
        commandName: "check",
        abstract: "Print each table's row count and checksum, read in one snapshot, and check each customer's purchase facts.",
        discussion: "Two stores that hold the same organisation (a copy and its source) print the same figures, whatever their backends. "
            + "The purchase facts segment runs read (count, total, first and last day per customer) are compared with their "
            + "purchases; the command fails when they differ, and --repair rewrites them from the purchases.")

    @OptionGroup var store: StoreOptions

    @Flag(help: "Rewrite every customer's purchase facts from their purchases.")
    var repair = false

    func run() async throws {
        let opened = try await store.open()
        let reports = try await StoreCopier.tally(of: opened)
        let facts = try await opened.checkPurchaseFacts(repair: repair)
        if store.json {
            try store.printJSON(CheckJSON(tables: reports.map(TableJSON.init), purchaseFacts: FactsJSON(facts, repaired: repair)))
        } else {
            printTable(["TABLE", "ROWS", "CHECKSUM"], reports.map { [$0.table, "\($0.tally.rows)", $0.tally.checksumText] })
            print(Self.factsLine(facts, repaired: repair))
        }
        if facts.differing > 0 && !repair {
            throw CommandFailure("the purchase facts of \(facts.differing) customers differ from their purchases; run `cordial store check --repair`")
        }
    }

    static func factsLine(_ facts: PurchaseFactsCheck, repaired: Bool) -> String {
        let counted = "purchase facts of \(facts.customers) customers with purchases"
        guard facts.differing > 0 else { return counted + ": equal to their purchases" }
        let first = facts.firstDiffering.map { " (the first: customer \($0))" } ?? ""
        return counted + ": \(facts.differing) differ from their purchases\(first)" + (repaired ? "; rewritten from the purchases" : "")
    }
}

/// `store check --json`.
private struct CheckJSON: Encodable {
    let tables: [TableJSON]
    let purchaseFacts: FactsJSON

    enum CodingKeys: String, CodingKey {
        case tables, purchaseFacts = "purchase_facts"
    }
}

private struct FactsJSON: Encodable {
    let customers: Int
    let differing: Int
    let firstDiffering: Int64?
    let repaired: Bool

    init(_ check: PurchaseFactsCheck, repaired: Bool) {
        customers = check.customers
        differing = check.differing
        firstDiffering = check.firstDiffering?.rawValue
        self.repaired = repaired && check.differing > 0
    }

    enum CodingKeys: String, CodingKey {
        case customers, differing, firstDiffering = "first_differing", repaired
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
