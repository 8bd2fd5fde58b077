import CordialCore
import CordialStore
import Foundation
import GRDB

/// `purchaseFacts`: each customer's purchase count, total, first and last day, kept as
/// purchases are written, so that segment runs read a million summaries instead of
/// aggregating every purchase. Imports add what they wrote (``Additions``); `cordial store
/// check` compares the table with a recomputation from the purchases, and `--repair`
/// rewrites it from them.
enum PurchaseFactsTable {
    /// Every customer's facts computed from `purchase`, with the sum of the amounts' sizes,
    /// which bounds how far two sums of the same amounts added in other orders can differ (a
    /// refund cancelling a large purchase leaves a small total with the rounding of the large
    /// amounts). A day is the UTC date's days since 1970: `julianday` of a date is a whole
    /// number and a half, so the subtraction is exact.
    static let recomputed = """
        SELECT customerId, count(*) AS purchases, sum(CAST(amount AS REAL)) AS total, sum(abs(CAST(amount AS REAL))) AS size,
               CAST(julianday(date(min(time))) - 2440587.5 AS INTEGER) AS firstDay,
               CAST(julianday(date(max(time))) - 2440587.5 AS INTEGER) AS lastDay
        FROM purchase GROUP BY customerId
        """

    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE purchaseFacts (
                customerId INTEGER PRIMARY KEY REFERENCES customer(id) ON DELETE CASCADE,
                purchases INTEGER NOT NULL,
                total REAL NOT NULL,
                firstDay INTEGER NOT NULL,
                lastDay INTEGER NOT NULL
            )
            """)
        try rebuild(db)
    }

    static func rebuild(_ db: Database) throws {
        try db.execute(sql: "DELETE FROM purchaseFacts")
        try db.execute(sql: """
            INSERT INTO purchaseFacts (customerId, purchases, total, firstDay, lastDay)
            SELECT customerId, purchases, total, firstDay, lastDay FROM (\(recomputed))
            """)
    }

    /// Customers whose stored facts differ from the recomputation (or who have facts and no
    /// purchases). Totals are sums of doubles added in another order: equal within a part in
    /// a billion of the amounts' sizes.
    static func check(_ db: Database) throws -> PurchaseFactsCheck {
        let customers = try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(recomputed))") ?? 0
        let row = try Row.fetchOne(db, sql: """
            SELECT count(*), min(customerId) FROM (
                SELECT r.customerId FROM (\(recomputed)) r LEFT JOIN purchaseFacts f ON f.customerId = r.customerId
                WHERE f.customerId IS NULL OR f.purchases <> r.purchases OR f.firstDay <> r.firstDay OR f.lastDay <> r.lastDay
                   OR abs(f.total - r.total) > 1e-9 * max(r.size, 1)
                UNION ALL
                SELECT f.customerId FROM purchaseFacts f WHERE NOT EXISTS (SELECT 1 FROM purchase p WHERE p.customerId = f.customerId)
            )
            """)
        let first: Int64? = row?[1]
        return PurchaseFactsCheck(customers: customers, differing: row?[0] ?? 0, firstDiffering: first.map { CustomerID($0) })
    }

    /// What an import added, per customer, written to the table every `limit` customers and
    /// at the end (``flush(_:)``): memory holds a bounded number however long the file.
    struct Additions {
        private struct Sum {
            var purchases: Int64
            var total: Double
            var firstDay: Int64
            var lastDay: Int64
        }
        private var sums: [Int64: Sum] = [:]
        /// Customers held before the sums are written.
        let limit: Int
        static let rowsPerStatement = 64

        init(limit: Int = 65_536) {
            self.limit = limit
        }

        var isFull: Bool { sums.count >= limit }

        mutating func add(customer: Int64, amount: Double, day: Int64) {
            if let index = sums.index(forKey: customer) {
                sums.values[index].purchases += 1
                sums.values[index].total += amount
                sums.values[index].firstDay = min(sums.values[index].firstDay, day)
                sums.values[index].lastDay = max(sums.values[index].lastDay, day)
            } else {
                sums[customer] = Sum(purchases: 1, total: amount, firstDay: day, lastDay: day)
            }
        }

        /// Adds the sums to the table (in customer order, as its pages lie) and empties them.
        mutating func flush(_ db: Database) throws {
            guard !sums.isEmpty else { return }
            let rows = sums.sorted { $0.key < $1.key }
            sums.removeAll(keepingCapacity: true)
            try BoundStatement.insertAll(
                rows, in: db, insert: "INSERT INTO purchaseFacts (customerId, purchases, total, firstDay, lastDay) VALUES ",
                rowSQL: "(?, ?, ?, ?, ?)", chunk: Self.rowsPerStatement,
                suffix: """
                     ON CONFLICT (customerId) DO UPDATE SET purchases = purchases + excluded.purchases, \
                    total = total + excluded.total, firstDay = min(firstDay, excluded.firstDay), lastDay = max(lastDay, excluded.lastDay)
                    """
            ) { statement, row in
                statement.bind(row.key)
                statement.bind(row.value.purchases)
                statement.bind(row.value.total)
                statement.bind(row.value.firstDay)
                statement.bind(row.value.lastDay)
            }
        }
    }
}
