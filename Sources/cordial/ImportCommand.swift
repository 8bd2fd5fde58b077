import ArgumentParser
import Cordial
import CordialStore
import Foundation

/// `cordial import customers|transactions FILE`
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import customers or transactions; all or nothing.",
        subcommands: [ImportCustomersCommand.self, ImportTransactionsCommand.self])
}

extension CustomerImporter.Format: ExpressibleByArgument {}
extension CustomerImporter.DateOrder: ExpressibleByArgument {}

struct ImportCustomersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customers",
        abstract: "Import customers from CSV or JSON Lines; upsert by external id, all or nothing.",
        discussion: """
            Columns map to fields by their usual names (external_id, first_name, family_name, honorific, email, \
            phone, address, city, region, postal_code, country, birthday, locale, tier, tags); other columns \
            become free attributes. Lists are separated by '|'. Birthdays are ISO 8601 (1990-02-28, --02-28) \
            or day and month in the order --date-format names.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The file to import.")
    var file: String

    @Option(help: "csv or jsonl (default: from the file's extension).")
    var format: CustomerImporter.Format?

    @Option(help: "The system the customers come from; external ids are unique per source.")
    var source: String = "import"

    @Option(name: .customLong("map"), help: "FIELD=COLUMN: read FIELD from COLUMN (repeatable).")
    var mappings: [String] = []

    @Option(name: .customLong("date-format"), help: "dmy (28/02/1990) or mdy (02/28/1990) for non-ISO dates.")
    var dateOrder: CustomerImporter.DateOrder?

    @Flag(help: "Say what would be created or updated, write nothing.")
    var dryRun = false

    func validate() throws {
        for mapping in mappings {
            let parts = mapping.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, CustomerImporter.fields[String(parts[0])] != nil else {
                throw ValidationError("--map '\(mapping)': expected FIELD=COLUMN with FIELD one of \(CustomerImporter.fields.keys.sorted().joined(separator: ", "))")
            }
        }
    }

    func run() async throws {
        let url = URL(fileURLWithPath: file)
        let mapping = Dictionary(mappings.map { entry -> (String, String) in
            let parts = entry.split(separator: "=", maxSplits: 1)
            return (String(parts[0]), String(parts[1]))
        }, uniquingKeysWith: { _, last in last })
        let format = format ?? (["jsonl", "ndjson"].contains(url.pathExtension.lowercased()) ? .jsonl : .csv)
        let importer = CustomerImporter(source: source, mapping: mapping, dateOrder: dateOrder)
        let opened = try await store.open()
        let bar = ProgressBar(file)
        let summary = try await refusingBadInput(progress: bar) {
            let reader = try importer.reader(path: file, format: format)
            return try await opened.apply(ShowingProgress(source: reader, bar: bar) { $0.fractionRead }, dryRun: dryRun)
        }
        bar.finish()
        if store.json { return try store.printJSON(summary) }
        let (create, update) = dryRun ? ("would create", "would update") : ("created", "updated")
        print("\(file): \(create) \(summary.customersCreated), \(update) \(summary.customersUpdated), "
            + "unchanged \(summary.customersUnchanged) customers")
    }
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

    @Option(help: "The file's format (CSV and JSON Lines purchase files are not supported yet).")
    var format: Format = .cdnow

    @Flag(help: "Say what would be created, write nothing.")
    var dryRun = false

    func run() async throws {
        guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
        let batch = try await refusingBadInput { () throws(ImportError) in try CDNOWImporter().batch(from: data, fileName: file) }
        let opened = try await store.open()
        let summary = try await opened.apply(batch, dryRun: dryRun)
        if store.json { return try store.printJSON(summary) }
        let verb = dryRun ? "would add" : "added"
        print("\(file): \(verb) \(summary.purchasesAdded) purchases (\(summary.purchasesAlreadyPresent) already present), "
            + "\(dryRun ? "would create" : "created") \(summary.customersCreated) customers")
    }
}

/// Runs an import; a refused file prints every listed problem (one per line) and exits
/// with status 1, and nothing is written.
private func refusingBadInput<T>(progress: ProgressBar? = nil, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ImportError {
        progress?.finish()
        FileHandle.standardError.write(Data(("cordial: " + (error.errorDescription ?? "import refused") + "\n").utf8))
        throw ExitCode(1)
    } catch {
        progress?.finish()
        throw error
    }
}
