import ArgumentParser
import Cordial
import CordialStore
import Foundation

/// `cordial import customers|transactions FILE`
struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Import customers, transactions or feedback; all or nothing.",
        subcommands: [ImportCustomersCommand.self, ImportTransactionsCommand.self, ImportFeedback.self])
}

extension ImportFormat: ExpressibleByArgument {}
extension PurchaseFileFormat: ExpressibleByArgument {}
extension CustomerImporter.DateOrder: ExpressibleByArgument {}

/// How a file's columns map to fields: `--map`, `--mapping FILE`, `--date-format`.
struct ColumnOptions: ParsableArguments {
    @Option(name: .customLong("map"), help: "FIELD=COLUMN: read FIELD from COLUMN (repeatable).")
    var mappings: [String] = []

    @Option(name: .customLong("mapping"), help: "A JSON file mapping fields to columns, {\"external_id\": \"Mã KH\", …}; --map entries win.")
    var mappingFile: String?

    @Option(name: .customLong("date-format"), help: "dmy (28/02/1990) or mdy (02/28/1990) for non-ISO dates.")
    var dateOrder: CustomerImporter.DateOrder?

    /// Field → column from the mapping file and the flags, each field checked against `fields`.
    func mapping(fields: [String: [String]]) throws -> [String: String] {
        do {
            return try ColumnMapping.parse(file: mappingFile, entries: mappings, fields: fields)
        } catch {
            throw CommandFailure(error.message)
        }
    }
}

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
    var format: ImportFormat?

    @Option(help: "The system the customers come from; external ids are unique per source.")
    var source: String = "import"

    @OptionGroup var columns: ColumnOptions

    @Flag(help: "Say what would be created or updated, write nothing.")
    var dryRun = false

    func run() async throws {
        let importer = CustomerImporter(
            source: source, mapping: try columns.mapping(fields: CustomerImporter.fields), dateOrder: columns.dateOrder)
        let opened = try await store.open()
        let summary = try await importFile(file, into: opened, dryRun: dryRun) { () throws(ImportError) in
            try importer.reader(path: file, format: format ?? ImportFormat.detect(path: file))
        }
        if store.json { return try store.printJSON(summary) }
        let (create, update) = dryRun ? ("would create", "would update") : ("created", "updated")
        print("\(file): \(create) \(summary.customersCreated), \(update) \(summary.customersUpdated), "
            + "unchanged \(summary.customersUnchanged) customers")
    }
}

struct ImportTransactionsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "transactions",
        abstract: "Import purchases. One bad line and nothing is written; every bad line is listed.",
        discussion: """
            CSV and JSON Lines files name each purchase's customer by external id (import the customers \
            first) and map columns by their usual names (customer_id, order_id, date, amount, currency, \
            quantity, channel, product, category). A file without an order id column identifies purchases \
            by file name and line. The CDNOW format (../shared/data/cdnow) creates its customers.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The file to import.")
    var file: String

    @Option(help: "csv, jsonl or cdnow (default: csv or jsonl by extension, cdnow for .txt).")
    var format: PurchaseFileFormat?

    @Option(help: "The source of the customers the file names.")
    var source: String = "import"

    @Option(help: "The currency of amounts when the file has no currency column.")
    var currency: String = "USD"

    @OptionGroup var columns: ColumnOptions

    @Flag(help: "Say what would be created, write nothing.")
    var dryRun = false

    func run() async throws {
        let format = format ?? PurchaseFileFormat.detect(path: file)
        let opened = try await store.open()
        let summary: ImportSummary
        switch format {
        case .cdnow:
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure("cannot read \(file)") }
            let batch = try await refusingBadInput { () throws(ImportError) in try CDNOWImporter().batch(from: data, fileName: file) }
            summary = try await opened.apply(batch, dryRun: dryRun)
        case .csv, .jsonl:
            let importer = PurchaseImporter(
                customerSource: source, mapping: try columns.mapping(fields: PurchaseImporter.fields), dateOrder: columns.dateOrder,
                currency: currency)
            summary = try await importFile(file, into: opened, dryRun: dryRun) { () throws(ImportError) in
                try importer.reader(path: file, format: format == .csv ? .csv : .jsonl)
            }
        }
        if store.json { return try store.printJSON(summary) }
        let verb = dryRun ? "would add" : "added"
        print("\(file): \(verb) \(summary.purchasesAdded) purchases (\(summary.purchasesAlreadyPresent) already present), "
            + "\(dryRun ? "would create" : "created") \(summary.customersCreated) customers")
    }
}

/// Streams a file into the store with a progress bar on a terminal.
private func importFile<Parser: BatchImportRowParser>(
    _ file: String, into store: any Store, dryRun: Bool, reader: () throws(ImportError) -> ImportFileReader<Parser>
) async throws -> ImportSummary {
    let bar = ProgressBar(file)
    defer { bar.finish() }
    return try await refusingBadInput(progress: bar) {
        try await store.apply(ShowingProgress(source: try reader(), bar: bar) { $0.fractionRead }, dryRun: dryRun)
    }
}

/// Runs an import; a refused file prints every listed problem (one per line) and exits
/// with status 1, and nothing is written. So does a purchase naming an unknown customer.
private func refusingBadInput<T>(progress: ProgressBar? = nil, _ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch let error as ImportError {
        progress?.finish()
        StandardStreams.error(("cordial: " + (error.errorDescription ?? "import refused") + "\n"))
        throw ExitCode(1)
    } catch let error as StoreError {
        progress?.finish()
        throw CommandFailure(error.localizedDescription.forTerminal + "; nothing was imported")
    } catch {
        progress?.finish()
        throw error
    }
}
