import CordialCore
import CordialStore
import Foundation
import GRDB
import GRDBSQLite

/// Writes the batches of one import inside the store's write transaction. Statements are
/// compiled once per import; customers are upserted many rows to a statement (no lookup
/// first: SQLite's per-statement work costs more than a row's), and a customer whose data
/// did not change is left untouched.
struct SQLiteImportWriter {
    private let db: Database
    /// Customer statements by mode and number of rows: ``rowsPerStatement``, and fewer for
    /// a batch's last rows.
    private var customerStatements: [StatementKey: BoundStatement] = [:]
    private struct StatementKey: Hashable {
        var mode: ImportBatch.CustomerMode
        var rows: Int
    }
    static let rowsPerStatement = 64
    private let findCustomerID: Statement
    /// Purchase statements by number of rows: ``rowsPerStatement``, and fewer for a batch's last rows.
    private var purchaseStatements: [Int: BoundStatement] = [:]
    /// What the purchases written add to each customer's facts, not yet in `purchaseFacts`.
    private var facts: PurchaseFactsTable.Additions
    /// Store ids of customers named by purchases, by source and external id.
    private var customerIDs: [String: [String: Int64]] = [:]

    /// `INSERT … ON CONFLICT DO UPDATE … WHERE changed RETURNING version`: a row not
    /// returned is unchanged, version 1 is created, anything else updated.
    static func upsertSQL(rows: Int) -> String {
        let content = CustomerRow.contentColumns
        return CustomerRow.insertSQL(rows: rows) + """
             ON CONFLICT (source, externalID) DO UPDATE SET \
            \(content.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")), \
            updatedAt = excluded.updatedAt, version = customer.version + 1 \
            WHERE (\(content.map { "customer.\($0)" }.joined(separator: ", "))) \
            IS NOT (\(content.map { "excluded.\($0)" }.joined(separator: ", "))) \
            RETURNING version
            """
    }

    /// An import batch with its customers encoded for binding: ``CustomerRow/columns`` but
    /// the version, row after row, every customer stamped with one time as created and
    /// updated (written at version 1).
    struct Batch: Sendable {
        var customerMode: ImportBatch.CustomerMode
        var customerCount: Int
        var customers: StoredTexts
        var purchases: [ImportedPurchase]
        static let valuesPerCustomer = StoredCustomerText.columnCount + 2

        init(_ batch: ImportBatch, stamp: String) {
            customerMode = batch.customerMode
            customerCount = batch.customers.count
            customers = StoredTexts(capacity: batch.customers.count * 400, values: batch.customers.count * Self.valuesPerCustomer)
            for customer in batch.customers {
                StoredCustomerText.append(customer, to: &customers)
                customers.append(stamp)
                customers.append(stamp)
            }
            purchases = batch.purchases
        }
    }

    /// `factsLimit`: customers whose purchase sums are held before they are written.
    init(_ db: Database, factsLimit: Int = 65_536) throws {
        self.db = db
        facts = PurchaseFactsTable.Additions(limit: factsLimit)
        findCustomerID = try db.makeStatement(sql: "SELECT id FROM customer WHERE source = ? AND externalID = ?")
    }

    /// Purchases not yet present, many to a statement; each one added is returned with what
    /// its customer's facts need.
    static func purchaseInsertSQL(rows: Int) -> String {
        """
        INSERT INTO purchase (customerId, source, externalID, time, amount, currency, quantity, channel, product, category) \
        VALUES \(Array(repeating: "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", count: rows).joined(separator: ", ")) \
        ON CONFLICT (source, externalID) DO NOTHING RETURNING customerId, CAST(amount AS REAL), time
        """
    }

    mutating func write(_ batch: Batch, summary: inout ImportSummary) throws {
        try batch.customers.bytes.withUnsafeBufferPointer { buffer in
            var start = 0
            while start < batch.customerCount {
                let rows = start..<min(start + Self.rowsPerStatement, batch.customerCount)
                start = rows.upperBound
                let key = StatementKey(mode: batch.customerMode, rows: rows.count)
                var statement = try customerStatement(key)
                for row in rows {
                    let first = row * Batch.valuesPerCustomer
                    for value in first..<first + Batch.valuesPerCustomer { statement.bind(value, of: batch.customers, in: buffer) }
                    statement.bind(1)  // the version
                }
                switch batch.customerMode {
                case .upsert:
                    var created = 0, changed = 0
                    try statement.run(db) { version in
                        changed += 1
                        if version == 1 { created += 1 }
                    }
                    summary.customersCreated += created
                    summary.customersUpdated += changed - created
                    summary.customersUnchanged += rows.count - changed
                case .createMissing:
                    try statement.run(db) { _ in }
                    summary.customersCreated += db.changesCount
                    summary.customersUnchanged += rows.count - db.changesCount
                }
                customerStatements[key] = statement
            }
        }
        var next = batch.purchases.startIndex
        while next < batch.purchases.endIndex {
            let rows = batch.purchases[next..<min(next + Self.rowsPerStatement, batch.purchases.endIndex)]
            next = rows.endIndex
            var statement = try purchaseStatements[rows.count] ?? BoundStatement(db, sql: Self.purchaseInsertSQL(rows: rows.count))
            for imported in rows {
                let purchase = imported.purchase
                statement.bind(try customerID(of: imported))
                statement.bind(purchase.source)
                statement.bind(purchase.externalID)
                statement.bind(StoredTime.text(of: purchase.time))
                statement.bind(imported.amountText)
                statement.bind(purchase.amount.currency)
                statement.bind(purchase.quantity)
                statement.bind(purchase.channel)
                statement.bind(purchase.product)
                statement.bind(purchase.category)
            }
            var added = 0
            try statement.runReturning(db, rows: { row in
                added += 1
                let time = sqlite3_column_text(row, 2)
                let day = time.flatMap { CalendarDays.day(ofPrefix: UnsafeBufferPointer(start: $0, count: Int(sqlite3_column_bytes(row, 2)))) }
                facts.add(customer: sqlite3_column_int64(row, 0), amount: sqlite3_column_double(row, 1), day: Int64(day ?? 0))
            })
            purchaseStatements[rows.count] = statement
            summary.purchasesAdded += added
            summary.purchasesAlreadyPresent += rows.count - added
        }
        if facts.isFull { try facts.flush(db) }
    }

    /// Writes what is left of the purchase facts: call once after the last batch.
    mutating func finish() throws {
        try facts.flush(db)
    }

    private func customerStatement(_ key: StatementKey) throws -> BoundStatement {
        if let statement = customerStatements[key] { return statement }
        let sql = switch key.mode {
        case .upsert: Self.upsertSQL(rows: key.rows)
        case .createMissing: CustomerRow.insertSQL(rows: key.rows) + " ON CONFLICT (source, externalID) DO NOTHING"
        }
        return try BoundStatement(db, sql: sql)
    }

    private mutating func customerID(of imported: ImportedPurchase) throws -> Int64 {
        let (source, externalID) = (imported.customerSource, imported.customerExternalID)
        if let cached = customerIDs[source]?[externalID] { return cached }
        guard let found = try Int64.fetchOne(findCustomerID, arguments: [source, externalID]) else {
            throw StoreError.unknownCustomer(source: source, externalID: externalID, origin: imported.origin)
        }
        customerIDs[source, default: [:]][externalID] = found
        return found
    }
}
