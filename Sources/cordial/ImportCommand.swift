import ArgumentParser
import Cordial
import CordialStore
import Foundation

/// `cordial import customers|transactions FILE`
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import customers or transactions; all or nothing.",
        subcommands: [ImportTransactionsCommand.self])
}

struct ImportTransactionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transactions",
        abstract: "Import purchases. One bad line and nothing is written; every bad line is listed.")

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case cdnow
    }

    @OptionGroup var store: StoreOptions

    @Argument(help: "The file to import.")
    var file: String

    @Option(help: "The file's format (CSV and JSON Lines come with the customer import).")
    var format: Format = .cdnow

    @Flag(help: "Say what would be created, write nothing.")
    var dryRun = false

    func run() async throws {
        let url = URL(fileURLWithPath: file)
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw CommandFailure("cannot read \(file)")
        }
        let batch: ImportBatch
        do {
            batch = try CDNOWImporter().batch(from: data, fileName: url.lastPathComponent)
        } catch {
            FileHandle.standardError.write(Data(("cordial: " + (error.errorDescription ?? "import refused") + "\n").utf8))
            throw ExitCode(1)
        }
        let opened = try await store.open()
        let summary = try await opened.apply(batch, dryRun: dryRun)
        if store.json { return try store.printJSON(summary) }
        let verb = dryRun ? "would add" : "added"
        print("\(file): \(verb) \(summary.purchasesAdded) purchases (\(summary.purchasesAlreadyPresent) already present), "
            + "\(dryRun ? "would create" : "created") \(summary.customersCreated) customers")
    }
}
