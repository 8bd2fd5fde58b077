import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// Customer value: the purchase histories the models are fitted on, and the stored fits and
/// per-customer scores.
extension PostgresStore {
    public func scanPurchaseDays(through endDay: Int, batchSize: Int) -> BatchStream<PurchaseDays> {
        BatchStream.producing { producer in
            let end = CalendarDays.date(ofDay: endDay + 1)
            var batch: [PurchaseDays] = []
            batch.reserveCapacity(batchSize)
            try await self.pagedScan { connection, range in
                // In the purchase index's order. Amounts are statistics here: each converted
                // to a Double once (Money's rule).
                let rows = try await self.rows("""
                    SELECT p.customer_id, floor(extract(epoch FROM p.time) / 86400)::integer, p.amount::float8
                    FROM purchase p JOIN customer c ON c.id = p.customer_id
                    WHERE p.customer_id BETWEEN \(range.lowerBound) AND \(range.upperBound) AND c.forgotten_at IS NULL
                      AND p.time < \(end)
                    ORDER BY p.customer_id, p.time
                    """, on: connection)
                // Pages split between customers, so each page's last customer is complete.
                var builder = PurchaseDaysBuilder()
                for row in rows {
                    let (customer, day, amount) = try row.decode((Int64, Int, Double).self)
                    if let done = builder.add(customer: CustomerID(customer), day: day, amount: amount) {
                        batch.append(done)
                    }
                    if batch.count == batchSize {
                        try await producer.send(batch)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
                if let done = builder.finish() { batch.append(done) }
                if batch.count >= batchSize {
                    try await producer.send(batch)
                    batch.removeAll(keepingCapacity: true)
                }
            }
            if !batch.isEmpty { try await producer.send(batch) }
        }
    }

    public func referrals() async throws -> [(referred: CustomerID, referrer: CustomerID)] {
        try await withConnection { connection in
            // The text test first: most customers name no referrer, and it spares parsing their JSON.
            var pairs: [(referred: CustomerID, referrer: CustomerID)] = []
            for try await (referred, referrer) in try await connection.query("""
                SELECT c.id, r.id FROM customer c
                JOIN customer r ON r.source = c.source AND r.external_id = (c.attributes::jsonb ->> 'referred_by')
                WHERE strpos(c.attributes::text, '"referred_by"') > 0 AND c.forgotten_at IS NULL AND r.id <> c.id
                ORDER BY c.id
                """).decode((Int64, Int64).self) {
                pairs.append((CustomerID(referred), CustomerID(referrer)))
            }
            return pairs
        }
    }

    public func saveValueFit(_ fit: ValueFit, values: [CustomerValue]) async throws -> ValueFit {
        // `details` holds the fit without its id, which is the row's.
        var withoutID = fit
        withoutID.id = nil
        let unsaved = withoutID
        let details = String(decoding: try JSONEncoder().encode(unsaved), as: UTF8.self)
        return try await transaction { connection in
            guard let id = try await value(Int64.self, """
                INSERT INTO value_fit (fitted_at, end_date, unit, customers, details)
                VALUES (\(PostgresTime.stored(fit.fittedAt)), \(fit.endDate), \(fit.unit.rawValue), \(fit.customers), \(details))
                RETURNING id
                """, on: connection) else { throw PostgresFailure(server: location.server, reason: "a value fit was not recorded") }
            try await connection.query("DELETE FROM customer_value")
            var rows = CopyRows(capacity: min(values.count, 100_000) * 120)
            for (index, value) in values.enumerated() {
                rows.integer(value.customer.rawValue)
                rows.integer(id)
                rows.integer(Int64(value.summary.frequency))
                rows.double(value.summary.recency)
                rows.double(value.summary.age)
                rows.double(value.summary.repeatMean)
                rows.double(value.spent)
                // Fits always score RFM (0 would only come from a hand-made value).
                rows.integer(Int64(value.rfm?.recency ?? 0))
                rows.integer(Int64(value.rfm?.frequency ?? 0))
                rows.integer(Int64(value.rfm?.monetary ?? 0))
                rows.double(value.scores.probabilityAlive)
                rows.double(value.scores.expectedPurchases)
                rows.double(value.scores.expectedSpend)
                rows.double(value.scores.lifetimeValue)
                rows.integer(Int64(value.referrals))
                rows.double(value.influenceValue)
                rows.endRow()
                // Sent in pieces of 100,000 rows: a fit over a million customers writes a million.
                if rows.count == 100_000 || index == values.count - 1 {
                    let piece = rows
                    try await connection.copy(piece.buffer, into: "customer_value", columns: Self.valueColumnNames)
                    rows.clear()
                }
            }
            var saved = unsaved
            saved.id = id
            return saved
        }
    }

    public func latestValueFit() async throws -> ValueFit? {
        try await withConnection { connection in
            // Fits and their values are saved in one transaction: the newest fit is the stored one.
            for try await (id, details) in try await connection.query(
                "SELECT id, details FROM value_fit ORDER BY id DESC LIMIT 1"
            ).decode((Int64, String).self) {
                var fit = try JSONDecoder().decode(ValueFit.self, from: Data(details.utf8))
                fit.id = id
                return fit
            }
            return nil
        }
    }

    public func customerValue(of id: CustomerID) async throws -> CustomerValue? {
        try await values(condition: "customer_id = $1", bindings: Self.bindings(id.rawValue), order: "customer_id", limit: 1).first
    }

    public func customerValues(_ query: CustomerValueQuery) async throws -> [CustomerValue] {
        var conditions = ["true"]
        var bindings = PostgresBindings()
        if let below = query.probabilityAliveBelow {
            bindings.append(below)
            conditions.append("p_alive < $\(bindings.count)")
        }
        if let spent = query.spentAtLeast {
            bindings.append(spent)
            conditions.append("spent >= $\(bindings.count)")
        }
        let order = switch query.order {
        case .lifetimeValue: "clv DESC NULLS LAST, customer_id"
        case .spent: "spent DESC, customer_id"
        }
        return try await values(condition: conditions.joined(separator: " AND "), bindings: bindings, order: order, limit: query.limit)
    }

    public func valueQuantiles(of figure: CustomerValueFigure, at fractions: [Double]) async throws -> (count: Int, values: [Double]) {
        let column = switch figure {
        case .lifetimeValue: "clv"
        case .probabilityAlive: "p_alive"
        case .expectedPurchases: "expected_purchases"
        case .spent: "spent"
        }
        return try await withConnection { connection in
            // percentile_disc is the nearest rank: the first value whose share reaches the fraction.
            for try await (count, values) in try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT count(\(column))::integer, percentile_disc($1::float8[]) WITHIN GROUP (ORDER BY \(column))
                FROM customer_value WHERE \(column) IS NOT NULL
                """, binds: Self.bindings(fractions.map { min(1, max(0, $0)) }))).decode((Int, [Double]?).self) {
                return count == 0 ? (0, []) : (count, values ?? [])
            }
            return (0, [])
        }
    }

    /// Stored values matching `condition`, in `order`, at most `limit`.
    private func values(condition: String, bindings: PostgresBindings, order: String, limit: Int) async throws -> [CustomerValue] {
        var bindings = bindings
        bindings.append(limit)
        let query = PostgresQuery(
            unsafeSQL: "SELECT \(Self.valueColumns) FROM customer_value WHERE \(condition) ORDER BY \(order) LIMIT $\(bindings.count)",
            binds: bindings)
        return try await withConnection { connection in
            let endDay = try await storedValueEndDay(on: connection)
            return try await rows(query, on: connection).map { row in
                var cells = CellReader(row)
                return try Self.customerValue(of: CustomerID(try cells.next(Int64.self)), &cells, endDay: endDay)
            }
        }
    }

    /// The end day of the fit whose values are stored (0 when there is none).
    func storedValueEndDay(on connection: PostgresSession) async throws -> Int {
        try await value(String.self, "SELECT end_date FROM value_fit ORDER BY id DESC LIMIT 1", on: connection)
            .flatMap(CalendarDays.day(of:)) ?? 0
    }

    static let valueColumnNames = [
        "customer_id", "fit_id", "frequency", "recency", "age", "repeat_mean", "spent", "rfm_recency", "rfm_frequency", "rfm_monetary",
        "p_alive", "expected_purchases", "expected_spend", "clv", "referrals", "influence",
    ]
    static let valueColumns = valueColumnNames.joined(separator: ", ")

    /// A ``CustomerValue`` from the cells after its customer id (``valueColumnNames`` from `fit_id` on).
    static func customerValue(of customer: CustomerID, _ cells: inout CellReader, endDay: Int) throws -> CustomerValue {
        let fit: Int64 = try cells.next()
        let summary = RepeatPurchaseSummary(
            customer: customer, frequency: try cells.next(), recency: try cells.next(), age: try cells.next(), repeatMean: try cells.next())
        let spent: Double = try cells.next()
        let rfm = RFMScore(recency: try cells.next(), frequency: try cells.next(), monetary: try cells.next())
        let scores = ModelScores(
            probabilityAlive: try cells.real(), expectedPurchases: try cells.real(), expectedSpend: try cells.real(),
            lifetimeValue: try cells.real())
        return CustomerValue(
            customer: customer, fit: fit, endDay: endDay, summary: summary, spent: spent, rfm: rfm, scores: scores,
            referrals: try cells.next(), influenceValue: try cells.next())
    }
}
