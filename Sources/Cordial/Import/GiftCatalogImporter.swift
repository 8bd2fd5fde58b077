import CordialCore
import CordialStore
import Foundation

/// Reads gift catalog files — CSV or JSON Lines — one item per row: `catalog`, `code`,
/// `name`, `cost`, `currency`, `stock` (the catalog may come from `--catalog` instead of a
/// column). A file is imported whole or not at all; every bad row is named with its line and
/// column. Stock is set to the file's figure, so importing a stock count again corrects it.
public struct GiftCatalogImporter: ImportRowParser {
    public static let fields: [String: [String]] = [
        "catalog": ["catalog"],
        "code": ["code", "item", "sku", "id"],
        "name": ["name", "title"],
        "cost": ["cost", "price", "amount"],
        "currency": ["currency"],
        "stock": ["stock", "quantity", "qty", "on_hand"],
    ]

    /// For files without a catalog column.
    public var catalog: String?
    /// For rows without a currency column.
    public var currency: String

    public init(catalog: String? = nil, currency: String = "VND") {
        self.catalog = catalog
        self.currency = currency
    }

    public var uniqueKey: String { "code" }

    public func duplicateKey(of row: ImportRow) -> String? {
        row.value("code").map { "\(row.value("catalog") ?? catalog ?? "")/\($0)" }
    }

    public func resolve(header: [String], fileName: String) throws(ImportError) -> [String] {
        let names = ImportRow.names(of: header, fields: Self.fields, mapping: [:])
        // A misspelt column would silently be no stock or no cost: unknown columns are refused.
        if let unknown = names.first(where: { Self.fields[$0] == nil }) {
            throw ImportError(issues: [ImportIssue(
                file: fileName, line: 1,
                problem: "unknown column '\(ImportIssue.printable(unknown, limit: 40))' (known: \(Self.fields.keys.sorted().joined(separator: ", ")))")], total: 1)
        }
        for needed in ["code", "name", "cost", "stock"] + (catalog == nil ? ["catalog"] : []) where !names.contains(needed) {
            let hint = needed == "catalog" ? "; or name the catalog with --catalog NAME" : ""
            throw ImportError(issues: [ImportIssue(
                file: fileName, line: 1, problem: "no column for '\(needed)' (columns: \(header.joined(separator: ", ")))\(hint)")], total: 1)
        }
        return names
    }

    public func item(from row: ImportRow, fileName: String) throws(ImportError) -> GiftItem {
        var issues = ImportIssueList()
        func problem(_ column: String, _ text: String) {
            issues.add(ImportIssue(file: fileName, line: row.line, column: row.header(column), problem: text))
        }
        let catalog = row.value("catalog") ?? self.catalog ?? ""
        let code = row.value("code") ?? ""
        for (field, value) in [("catalog", catalog), ("code", code)] {
            if value.isEmpty {
                problem(field, "is empty")
            } else if !SegmentLabels.isValid(value) || value.contains("/") {
                problem(field, "'\(ImportIssue.printable(value, limit: 40))' is not a name (1 to 64 bytes of text, no '/')")
            }
        }
        let name = row.value("name") ?? ""
        if name.isEmpty { problem("name", "is empty") }
        let currency = (row.value("currency") ?? self.currency).uppercased()
        if currency.utf8.count != 3 || !currency.allSatisfy({ $0.isASCII && $0.isLetter }) {
            problem("currency", "'\(ImportIssue.printable(currency, limit: 10))' is not a currency code (VND, CNY, USD)")
        }
        let costText = row.value("cost") ?? ""
        let cost = Money(parsing: costText, currency: currency)
        if cost == nil || cost!.amount < 0 { problem("cost", "'\(ImportIssue.printable(costText, limit: 40))' is not an amount of 0 or more") }
        let stockText = row.value("stock") ?? ""
        let stock = Int(stockText)
        if stock == nil || stock! < 0 || stock! > 1_000_000_000 { problem("stock", "'\(ImportIssue.printable(stockText, limit: 40))' is not a count (0 to 1000000000)") }
        try issues.check()
        guard let cost, let stock else { throw ImportError(issues: [], total: 0) }
        return GiftItem(catalog: catalog, code: code, name: name, cost: cost, stock: stock)
    }
}
