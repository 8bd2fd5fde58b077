import CordialCore
import CordialStore
import Foundation
import GRDB

/// Customer value: the purchase histories the models are fitted on, and the stored fits and
/// per-customer scores.
extension SQLiteStore {
    public func scanPurchaseDays(through endDay: Int, batchSize: Int) -> BatchStream<PurchaseDays> {
        let writer = self.writer
        return BatchStream.producing { producer in
            // Two parts split at the middle id, read at once on two connections: reading eight
            // million purchases is most of a fit's time. The split only balances the work; the
            // parts cover every id whatever it is.
            let middle = try await writer.read { db in
                try Row.fetchOne(db, sql: "SELECT (min(id) + max(id)) / 2 FROM customer")?[0] as Int64?
            } ?? 0
            try await self.concurrentReads(2) { part, db in
                try Self.readPurchaseDays(
                    db, ids: part == 0 ? "customerId <= \(middle)" : "customerId > \(middle)", through: endDay, batchSize: batchSize
                ) { try producer.send($0) }
            }
        }
    }

    /// The purchase days of the customers `ids` selects, in batches, in customer order.
    private static func readPurchaseDays(
        _ db: Database, ids: String, through endDay: Int, batchSize: Int, _ body: ([PurchaseDays]) throws -> Void
    ) throws {
        let forgotten = Set(try Int64.fetchAll(db, sql: "SELECT id FROM customer WHERE forgottenAt IS NOT NULL"))
        // In the purchase index's order, so no sort; stored times compare as text. Amounts
        // are statistics here: each converted to a Double once (Money's rule).
        let rows = try SQLiteRows(db, sql: """
            SELECT customerId, time, CAST(amount AS REAL) FROM purchase INDEXED BY purchase_customer_time
            WHERE \(ids) AND time < ? ORDER BY customerId, time
            """, arguments: [CalendarDays.text(ofDay: endDay + 1)])
        var batch: [PurchaseDays] = []
        batch.reserveCapacity(batchSize)
        var builder = PurchaseDaysBuilder()
        func close(_ done: PurchaseDays?) throws {
            guard let done else { return }
            batch.append(done)
            if batch.count == batchSize {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        while try rows.next() {
            let customer = rows.integer(0)
            guard !forgotten.contains(customer), let day = rows.day(1) else { continue }
            try close(builder.add(customer: CustomerID(customer), day: day, amount: rows.double(2)))
        }
        try close(builder.finish())
        if !batch.isEmpty { try body(batch) }
    }

    public func referrals() async throws -> [(referred: CustomerID, referrer: CustomerID)] {
        try await writer.read { db in
            // `instr` first: most customers name no referrer, and it spares parsing their JSON.
            let rows = try SQLiteRows(db, sql: """
                SELECT c.id, r.id FROM customer c
                JOIN customer r ON r.source = c.source AND r.externalID = json_extract(c.attributes, '$.referred_by')
                WHERE instr(c.attributes, '"referred_by"') > 0 AND c.forgottenAt IS NULL AND r.id <> c.id
                ORDER BY c.id
                """)
            var pairs: [(referred: CustomerID, referrer: CustomerID)] = []
            while try rows.next() { pairs.append((CustomerID(rows.integer(0)), CustomerID(rows.integer(1)))) }
            return pairs
        }
    }

    public func saveValueFit(_ fit: ValueFit, values: [CustomerValue]) async throws -> ValueFit {
        // `details` holds the fit without its id, which is the row's.
        var withoutID = fit
        withoutID.id = nil
        let unsaved = withoutID
        let details = String(decoding: try JSONEncoder().encode(unsaved), as: UTF8.self)
        return try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO valueFit (fittedAt, endDate, unit, customers, details) VALUES (?, ?, ?, ?, ?)",
                arguments: [CustomerRow.storedText(fit.fittedAt), fit.endDate, fit.unit.rawValue, fit.customers, details])
            let id = db.lastInsertedRowID
            try db.execute(sql: "DELETE FROM customerValue")
            // 32 rows per statement (16 columns each): a fit over a million customers writes a million rows.
            try BoundStatement.insertAll(
                values, in: db, insert: """
                    INSERT INTO customerValue (customerId, fitId, frequency, recency, age, repeatMean, spent, rfmRecency,
                        rfmFrequency, rfmMonetary, pAlive, expectedPurchases, expectedSpend, clv, referrals, influence) VALUES
                    """,
                rowSQL: "(" + Array(repeating: "?", count: 16).joined(separator: ", ") + ")", chunk: 32
            ) { statement, value in statement.bindValue(value, fit: id) }
            var saved = unsaved
            saved.id = id
            return saved
        }
    }

    public func latestValueFit() async throws -> ValueFit? {
        try await writer.read { db in
            // Fits and their values are saved in one transaction: the newest fit is the stored one.
            guard let row = try Row.fetchOne(db, sql: "SELECT id, details FROM valueFit ORDER BY id DESC LIMIT 1") else { return nil }
            var fit = try JSONDecoder().decode(ValueFit.self, from: Data((row["details"] as String).utf8))
            fit.id = row["id"]
            return fit
        }
    }

    public func customerValue(of id: CustomerID) async throws -> CustomerValue? {
        try await writer.read { db in
            try Self.values(db, condition: "customerId = ?", arguments: StatementArguments([id.rawValue, 1]), order: "customerId").first
        }
    }

    public func customerValues(_ query: CustomerValueQuery) async throws -> [CustomerValue] {
        var conditions = ["1"]
        var arguments: [any DatabaseValueConvertible] = []
        if let below = query.probabilityAliveBelow {
            conditions.append("pAlive < ?")
            arguments.append(below)
        }
        if let spent = query.spentAtLeast {
            conditions.append("spent >= ?")
            arguments.append(spent)
        }
        let order = switch query.order {
        case .lifetimeValue: "clv DESC NULLS LAST, customerId"
        case .spent: "spent DESC, customerId"
        }
        let condition = conditions.joined(separator: " AND ")
        arguments.append(query.limit)
        let sqlArguments = StatementArguments(arguments.map { Optional($0) })
        return try await writer.read { db in
            try Self.values(db, condition: condition, arguments: sqlArguments, order: order)
        }
    }

    public func valueQuantiles(of figure: CustomerValueFigure, at fractions: [Double]) async throws -> (count: Int, values: [Double]) {
        try await writer.read { db in
            let column = figure.rawValue
            let rows = try SQLiteRows(db, sql: "SELECT \(column) FROM customerValue WHERE \(column) IS NOT NULL ORDER BY \(column)")
            var all: [Double] = []
            while try rows.next() { all.append(rows.double(0)) }
            guard !all.isEmpty else { return (0, []) }
            let values = fractions.map { fraction in
                all[min(all.count - 1, max(0, Int((fraction * Double(all.count)).rounded(.up)) - 1))]
            }
            return (all.count, values)
        }
    }

    /// Stored values matching `condition`, read through the C API; `arguments` end with the limit.
    static func values(_ db: Database, condition: String, arguments: StatementArguments, order: String) throws -> [CustomerValue] {
        let rows = try SQLiteRows(db, sql: """
            SELECT \(valueColumns) FROM customerValue WHERE \(condition) ORDER BY \(order) LIMIT ?
            """, arguments: arguments)
        let endDay = try storedValueEndDay(db)
        var values: [CustomerValue] = []
        while try rows.next() { values.append(rows.customerValue(endDay: endDay)) }
        return values
    }

    /// The end day of the fit whose values are stored (0 when there is none).
    static func storedValueEndDay(_ db: Database) throws -> Int {
        try String.fetchOne(db, sql: "SELECT endDate FROM valueFit ORDER BY id DESC LIMIT 1").flatMap(CalendarDays.day(of:)) ?? 0
    }

    static let valueColumns = """
        customerId, fitId, frequency, recency, age, repeatMean, spent, rfmRecency, rfmFrequency, rfmMonetary,
        pAlive, expectedPurchases, expectedSpend, clv, referrals, influence
        """
}

extension SQLiteRows {
    /// A ``CustomerValue`` from ``SQLiteStore/valueColumns`` starting at `first`, of a fit
    /// ending on `endDay`.
    func customerValue(from first: Int32 = 0, endDay: Int) -> CustomerValue {
        func real(_ column: Int32) -> Double { isNull(first + column) ? .nan : double(first + column) }
        let customer = CustomerID(integer(first))
        return CustomerValue(
            customer: customer, fit: integer(first + 1), endDay: endDay,
            summary: RepeatPurchaseSummary(
                customer: customer, frequency: Int(integer(first + 2)), recency: double(first + 3), age: double(first + 4),
                repeatMean: double(first + 5)),
            spent: double(first + 6),
            rfm: RFMScore(recency: Int(integer(first + 7)), frequency: Int(integer(first + 8)), monetary: Int(integer(first + 9))),
            scores: ModelScores(
                probabilityAlive: real(10), expectedPurchases: real(11), expectedSpend: real(12), lifetimeValue: real(13)),
            referrals: Int(integer(first + 14)), influenceValue: double(first + 15))
    }
}

extension BoundStatement {
    mutating func bindValue(_ value: CustomerValue, fit: Int64) {
        bind(value.customer.rawValue)
        bind(fit)
        bind(value.summary.frequency)
        bind(value.summary.recency)
        bind(value.summary.age)
        bind(value.summary.repeatMean)
        bind(value.spent)
        // Fits always score RFM (0 would only come from a hand-made value).
        bind(value.rfm?.recency ?? 0)
        bind(value.rfm?.frequency ?? 0)
        bind(value.rfm?.monetary ?? 0)
        bind(value.scores.probabilityAlive)
        bind(value.scores.expectedPurchases)
        bind(value.scores.expectedSpend)
        bind(value.scores.lifetimeValue)
        bind(value.referrals)
        bind(value.influenceValue)
    }
}
