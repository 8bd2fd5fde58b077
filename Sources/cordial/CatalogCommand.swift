import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial catalog import|list`
struct CatalogCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalog", abstract: "Gift catalogs: items, costs and stock that campaigns give from.",
        subcommands: [ImportCatalog.self, ListCatalog.self])
}

struct ImportCatalog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Add or update gift items from CSV or JSON Lines; all or nothing.",
        discussion: """
            Columns: catalog, code, name, cost, currency, stock (catalog may come from --catalog). An item is \
            named by catalog and code; importing it again updates its name and cost and sets its stock to the \
            file's figure.
            """)

    @OptionGroup var store: StoreOptions

    @Argument(help: "The file to import.")
    var file: String

    @Option(help: "csv or jsonl (default: from the file's extension).")
    var format: ImportFormat?

    @Option(help: "The catalog of every row, for files without a catalog column.")
    var catalog: String?

    @Option(help: "The currency of rows without a currency column.")
    var currency: String = "VND"

    func run() async throws {
        let opened = try await store.open()
        let format = format ?? (file.lowercased().hasSuffix(".jsonl") ? .jsonl : .csv)
        let items: [GiftItem]
        do {
            items = try GiftCatalogImporter(catalog: catalog, currency: currency).items(path: file, format: format)
        } catch {
            StandardStreams.error("cordial: " + (error.errorDescription ?? "import refused") + "\n")
            throw ExitCode(1)
        }
        let (added, updated) = try await opened.importGiftItems(items)
        if store.json { return try store.printJSON(["added": added, "updated": updated]) }
        print("\(file): added \(added) gift items, updated \(updated)")
    }
}

struct ListCatalog: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Gift items with their cost and stock.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "Only this catalog.")
    var catalog: String?

    func run() async throws {
        let all = try await store.open().giftItems()
        let items = catalog.map { name in all.filter { $0.catalog == name } } ?? all
        if let catalog, items.isEmpty {
            let known = Set(all.map(\.catalog)).sorted()
            throw CommandFailure("no gift catalog '\(catalog)'" + (known.isEmpty ? "; import one with `cordial catalog import`" : " (known: \(known.joined(separator: ", ")))"))
        }
        if store.json { return try store.printJSON(items) }
        printTable(["CATALOG", "CODE", "NAME", "COST", "STOCK"], items.map { item in
            [item.catalog, item.code, item.name, "\(item.cost.amount) \(item.cost.currency)", "\(item.stock)"]
        })
        print("\(items.count) item\(items.count == 1 ? "" : "s")")
    }
}
