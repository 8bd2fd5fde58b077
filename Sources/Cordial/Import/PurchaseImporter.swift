import CordialCore
import CordialStore
import Foundation

/// Reads purchase files — CSV or JSON Lines — one purchase per row, naming its customer by
/// external id (customers come from a customer file first; an unknown one refuses the
/// import with its line). Headers map by their usual names (`customer_id`, `order_id`,
/// `date`, `amount`, `currency`, `quantity`, `channel`, `product`, `category`) or by
/// `mapping`. A purchase without an id column is identified by file name and line.
public struct PurchaseImporter: BatchImportRowParser {
    public static let fields: [String: [String]] = [
        "customer_id": ["customer_id", "customer", "client_id", "customer_external_id"],
        "purchase_id": ["purchase_id", "order_id", "order", "transaction_id", "receipt", "id"],
        "time": ["time", "date", "purchased_at", "order_date", "timestamp"],
        "amount": ["amount", "total", "value", "price"],
        "currency": ["currency"],
        "quantity": ["quantity", "qty", "count", "items"],
        "channel": ["channel"],
        "product": ["product", "sku", "item"],
        "category": ["category"],
    ]

    /// The source of the customers the file names (as they were imported).
    public var customerSource: String
    /// The source purchases are recorded under; ids are unique per source.
    public var source: String
    public var mapping: [String: String]
    public var dateOrder: CustomerImporter.DateOrder?
    /// For rows without a currency column.
    public var currency: String

    public init(customerSource: String = "import", source: String? = nil, mapping: [String: String] = [:],
                dateOrder: CustomerImporter.DateOrder? = nil, currency: String = "USD") {
        self.customerSource = customerSource
        self.source = source ?? customerSource
        self.mapping = mapping
        self.dateOrder = dateOrder
        self.currency = currency
    }

    // MARK: - ImportRowParser

    public var uniqueKey: String { "purchase_id" }

    public func resolve(header: [String], fileName: String) throws(ImportError) -> [String] {
        let names = ImportRow.names(of: header, fields: Self.fields, mapping: mapping)
        for needed in ["customer_id", "time", "amount"] where !names.contains(needed) {
            throw ImportError(issues: [ImportIssue(
                file: fileName, line: 1,
                problem: "no column for '\(needed)' (columns: \(header.joined(separator: ", "))); map one with --map \(needed)=COLUMN")], total: 1)
        }
        return names
    }

    public func item(from row: ImportRow, fileName: String) throws(ImportError) -> ImportedPurchase {
        var issues = ImportIssueList()
        func problem(_ column: String, _ text: String) {
            issues.add(ImportIssue(file: fileName, line: row.line, column: row.header(column), problem: text))
        }
        let customerID = row.value("customer_id") ?? ""
        if customerID.isEmpty { problem("customer_id", "is empty") }
        let timeText = row.value("time") ?? ""
        let time = Self.time(timeText, order: dateOrder)
        if case .failure(let failure) = time { problem("time", failure.text) }
        let amountText = row.value("amount") ?? ""
        // Three ASCII letters, in capitals; checked on the bytes (Character properties cost
        // more than the rest of the row).
        let written = row.value("currency") ?? self.currency
        let currency = written.utf8.allSatisfy({ (65...90).contains($0) }) ? written : written.uppercased()
        let parsed = Money.parse(amountText)
        if parsed == nil { problem("amount", "'\(amountText)' is not an amount") }
        if currency.utf8.count != 3 || !currency.utf8.allSatisfy({ (65...90).contains($0) }) {
            problem("currency", "'\(currency)' is not a currency code (VND, CNY, USD)")
        }
        let quantityText = row.value("quantity")
        let quantity = quantityText.map { Int($0) } ?? 1
        if quantity == nil || quantity! < 0 { problem("quantity", "'\(quantityText ?? "")' is not a count") }
        try issues.check()
        guard case .success(let date) = time, let parsed, let quantity else { throw ImportError(issues: [], total: 0) }
        return ImportedPurchase(
            customerSource: customerSource, customerExternalID: customerID,
            purchase: Purchase(
                customerID: CustomerID(0), source: source, externalID: row.value("purchase_id") ?? "\(fileName):\(row.line)",
                time: date, amount: Money(parsed.amount, currency), quantity: quantity, channel: row.value("channel"), product: row.value("product"),
                category: row.value("category")),
            origin: "\(fileName):\(row.line)", amountText: parsed.text)
    }

    public static func batch(of purchases: [ImportedPurchase]) -> ImportBatch {
        ImportBatch(purchases: purchases)
    }

    // MARK: - Times

    /// ISO 8601 date-times (`2024-03-01T10:20:00Z`, with an offset, or `2024-03-01 10:20:00`
    /// taken as UTC), or dates — ISO or day and month in `order` — as midnight UTC.
    static func time(_ text: String, order: CustomerImporter.DateOrder?) -> Result<Date, CustomerImporter.DateProblem> {
        if text.utf8.count > 10 {
            let normal = text.replacingOccurrences(of: " ", with: "T")
            for candidate in [normal, normal + "Z"] {
                if let date = try? Date(candidate, strategy: .iso8601) { return .success(date) }
                if let date = try? Date(candidate, strategy: Date.ISO8601FormatStyle(includingFractionalSeconds: true)) {
                    return .success(date)
                }
            }
            return .failure(.init(text: "'\(text)' is not a time (2024-03-01, 2024-03-01T10:20:00Z)"))
        }
        switch CustomerImporter.birthday(text, order: order) {
        case .failure(let problem): return .failure(problem)
        case .success(let day):
            guard let year = day.year else { return .failure(.init(text: "'\(text)' has no year")) }
            return .success(Date(timeIntervalSince1970: Double(CalendarDays.since1970(year: year, month: day.month, day: day.day)) * 86_400))
        }
    }
}
