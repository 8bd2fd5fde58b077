import CordialCore
import CordialStore
import Foundation
import GRDB

/// Segmentation: the facts scan that feeds segment functions, and materialized membership
/// with its history (DESIGN.md decision 5).
extension SQLiteStore {
    public func scanCustomerFacts(batchSize: Int, values: Bool) -> BatchStream<CustomerFacts> {
        scan { db, purchases, send in
            try Self.facts(db, condition: "forgottenAt IS NULL", arguments: [], purchases: &purchases, values: values, batchSize: batchSize, send)
        }
    }

    public func scanCustomerBlocks(batchSize: Int, values: Bool) -> BatchStream<CustomerFactsBlock> {
        scan { db, purchases, send in
            try Self.blocks(db, condition: "forgottenAt IS NULL", purchases: &purchases, values: values, batchSize: batchSize) { try send([$0]) }
        }
    }

    /// A scan of every customer by `read`, which sends its batches, with the purchase facts in
    /// customer order.
    private func scan<Item: Sendable>(
        _ read: @escaping @Sendable (Database, inout any PurchaseAggregates, @escaping @Sendable ([Item]) throws -> Void) throws -> Void
    ) -> BatchStream<Item> {
        let (stream, producer) = BatchStream<Item>.makeStream()
        let send: @Sendable ([Item]) throws -> Void = { try producer.send($0) }
        guard let pool = writer as? DatabasePool else {
            writer.asyncRead { result in
                do {
                    let db = try result.get()
                    var purchases: any PurchaseAggregates = try PurchaseAggregateCursor(db)
                    try read(db, &purchases, send)
                    producer.finish()
                } catch {
                    producer.finish(throwing: error)
                }
            }
            return stream
        }
        // Two readers that see the same committed state (both start while the writer is
        // held, so no commit falls between them): the purchase facts are read on one while
        // the other decodes the customers, on two cores. The customer reader blocks in
        // `send` while the consumer is behind.
        let channel = AggregateChannel()
        pool.asyncWriteWithoutTransaction { _ in
            pool.asyncConcurrentRead { result in
                do {
                    let db = try result.get()
                    var cursor = try PurchaseAggregateCursor(db)
                    var chunk: AggregateChannel.Chunk = []
                    chunk.reserveCapacity(4_096)
                    while let next = try cursor.next() {
                        chunk.append(next)
                        if chunk.count == 4_096 {
                            try channel.put(chunk)
                            chunk.removeAll(keepingCapacity: true)
                        }
                    }
                    if !chunk.isEmpty { try channel.put(chunk) }
                    channel.finish()
                } catch {
                    channel.finish(error)
                }
            }
            pool.asyncConcurrentRead { result in
                do {
                    let db = try result.get()
                    var purchases: any PurchaseAggregates = ChannelAggregates(channel)
                    try read(db, &purchases, send)
                    channel.cancel()  // normally finished already; never leave the producer waiting
                    producer.finish()
                } catch {
                    channel.cancel()
                    producer.finish(throwing: error)
                }
            }
        }
        return stream
    }

    public func customerFacts(_ query: CustomerQuery) async throws -> [CustomerFacts] {
        try await writer.read { db in
            var (condition, arguments) = Self.condition(of: query)
            // The page's id range bounds the purchase and label cursors to the same customers.
            let ids = try Int64.fetchAll(
                db, sql: "SELECT id FROM customer WHERE \(condition) ORDER BY id LIMIT ?", arguments: StatementArguments(arguments + [query.limit]))
            guard let first = ids.first, let last = ids.last else { return [] }
            condition += " AND id BETWEEN \(first) AND \(last)"
            var found: [CustomerFacts] = []
            var purchases = try PurchaseAggregateCursor(db, range: first...last)
            try Self.facts(
                db, condition: condition, arguments: arguments, range: first...last, purchases: &purchases, values: true, batchSize: ids.count
            ) { found += $0 }
            return found
        }
    }

    public func customerFacts(in range: ClosedRange<Int64>, values: Bool) async throws -> [CustomerFacts] {
        try await writer.read { db in
            var found: [CustomerFacts] = []
            var purchases = try PurchaseAggregateCursor(db, range: range)
            try Self.facts(
                db, condition: "forgottenAt IS NULL AND id BETWEEN \(range.lowerBound) AND \(range.upperBound)", arguments: [], range: range,
                purchases: &purchases, values: values, batchSize: 1_000
            ) { found += $0 }
            return found
        }
    }

    /// Customers matching `condition` with their purchase summaries, current labels and value, from
    /// cursors in customer order merged here: one pass over the purchase index instead of a
    /// query per customer.
    private static func facts(
        _ db: Database, condition: String, arguments: [any DatabaseValueConvertible], range: ClosedRange<Int64>? = nil,
        purchases: inout some PurchaseAggregates, values loadValues: Bool, batchSize: Int, _ body: ([CustomerFacts]) throws -> Void
    ) throws {
        var batch: [CustomerFacts] = []
        batch.reserveCapacity(batchSize)
        try merged(db, condition: condition, arguments: arguments, range: range, purchases: &purchases, values: loadValues) { row in
            let customers = row.customers
            var facts = CustomerFacts(
                id: CustomerID(row.id), source: customers.text(1) ?? "", externalID: customers.text(2) ?? "",
                givenName: customers.text(3) ?? "", familyName: customers.text(4) ?? "",
                locale: customers.text(5) ?? "en", tier: customers.text(6), city: customers.text(7),
                region: customers.text(8), birthday: customers.text(9), createdDay: customers.day(10) ?? 0,
                tags: try customers.strings(11), attributes: try customers.object(12), purchases: row.purchases, value: row.value)
            for (segment, cursor) in row.labels { facts.labels[segment] = cursor.text(1) ?? "" }
            batch.append(facts)
            if batch.count == batchSize {
                try body(batch)
                batch.removeAll(keepingCapacity: true)
            }
        }
        if !batch.isEmpty { try body(batch) }
    }

    /// The same customers as ``facts(_:condition:arguments:range:purchases:values:batchSize:_:)``,
    /// laid out as blocks straight from the rows' bytes: no Swift value per field.
    private static func blocks(
        _ db: Database, condition: String, purchases: inout some PurchaseAggregates, values loadValues: Bool, batchSize: Int,
        _ body: (CustomerFactsBlock) throws -> Void
    ) throws {
        var builder = CustomerFactsBlock.Builder(capacity: batchSize)
        let fields: [(Int32, CustomerFactsBlock.Field)] = [
            (1, .source), (2, .externalID), (3, .givenName), (4, .familyName), (5, .locale), (6, .tier), (7, .city), (8, .region),
            (9, .birthday), (11, .tags), (12, .attributes),
        ]
        try merged(db, condition: condition, arguments: [], purchases: &purchases, values: loadValues) { row in
            let customers = row.customers
            for (column, field) in fields { builder.text(field, customers.bytes(column)) }
            for (segment, cursor) in row.labels {
                guard let label = cursor.bytes(1) else { continue }
                var segment = segment
                segment.withUTF8 { builder.label(segment: $0, label: label) }
            }
            builder.endRow(id: row.id, purchases: row.purchases, createdDay: customers.day(10), value: row.value)
            if builder.count == batchSize {
                try body(builder.build())
                builder = CustomerFactsBlock.Builder(capacity: batchSize)
            }
        }
        if builder.count > 0 { try body(builder.build()) }
    }

    /// One customer of a merged scan: its row (columns as ``facts`` selects them), its purchase
    /// summary, the label cursors that stand on it, its stored value.
    private struct MergedRow {
        var id: Int64
        var customers: SQLiteRows
        var purchases: PurchaseFacts
        var labels: [(segment: String, cursor: SQLiteRows)]
        var value: CustomerValue?
    }

    private static func merged(
        _ db: Database, condition: String, arguments: [any DatabaseValueConvertible], range: ClosedRange<Int64>? = nil,
        purchases: inout some PurchaseAggregates, values loadValues: Bool, _ each: (MergedRow) throws -> Void
    ) throws {
        let bounds = range.map { "BETWEEN \($0.lowerBound) AND \($0.upperBound)" }
        let customers = try SQLiteRows(db, sql: """
            SELECT id, source, externalID, givenName, familyName, locale, tier, city, region, birthday,
                   createdAt, tags, attributes
            FROM customer WHERE \(condition) ORDER BY id
            """, arguments: StatementArguments(arguments))
        // One cursor per segment over the current-member index, in customer order.
        let segments = try String.fetchAll(db, sql: "SELECT DISTINCT segment FROM segmentRun ORDER BY segment")
        let labels = try segments.map { segment in
            try SQLiteRows(db, sql: """
                SELECT customerId, label FROM segmentMember INDEXED BY segmentMember_current
                WHERE segment = ? AND leftAt IS NULL \(bounds.map { "AND customerId \($0)" } ?? "") ORDER BY customerId
                """, arguments: [segment])
        }
        // The latest value fit's scores, in customer order (none when not asked for).
        let values = try SQLiteRows(db, sql: """
            SELECT \(valueColumns) FROM customerValue WHERE \(loadValues ? "1" : "0")
            \(bounds.map { "AND customerId \($0)" } ?? "") ORDER BY customerId
            """)
        var purchase = try purchases.next()
        var labelsLeft = try labels.map { try $0.next() }
        var valuesLeft = try values.next()
        let valueEndDay = try storedValueEndDay(db)
        var row = MergedRow(id: 0, customers: customers, purchases: PurchaseFacts(), labels: [])
        while try customers.next() {
            let id = customers.integer(0)
            row.id = id
            row.purchases = PurchaseFacts()
            row.labels.removeAll(keepingCapacity: true)
            row.value = nil
            while let current = purchase, current.customer < id { purchase = try purchases.next() }
            if let current = purchase, current.customer == id { row.purchases = current.facts }
            for (index, cursor) in labels.enumerated() {
                while labelsLeft[index] && cursor.integer(0) < id { labelsLeft[index] = try cursor.next() }
                if labelsLeft[index] && cursor.integer(0) == id { row.labels.append((segments[index], cursor)) }
            }
            while valuesLeft && values.integer(0) < id { valuesLeft = try values.next() }
            if valuesLeft && values.integer(0) == id { row.value = values.customerValue(endDay: valueEndDay) }
            try each(row)
            // A label cursor standing on this customer moves on once the row has been read.
            for (index, cursor) in labels.enumerated() where labelsLeft[index] && cursor.integer(0) == id {
                labelsLeft[index] = try cursor.next()
            }
        }
    }

    public func purchaseFacts() async throws -> [PurchaseFacts] {
        try await writer.read { db in
            let rows = try SQLiteRows(db, sql: """
                SELECT count(*), sum(CAST(p.amount AS REAL)), min(p.time), max(p.time)
                FROM purchase p JOIN customer c ON c.id = p.customerId WHERE c.forgottenAt IS NULL
                GROUP BY p.customerId
                """)
            var facts: [PurchaseFacts] = []
            while try rows.next() {
                facts.append(PurchaseFacts(count: Int(rows.integer(0)), total: rows.double(1), firstDay: rows.day(2), lastDay: rows.day(3)))
            }
            return facts
        }
    }

    public func materialize(_ outcome: SegmentOutcome) async throws -> SegmentRunSummary {
        try await writer.write { db in try Self.materialize(outcome, in: db) }
    }

    /// Writes the runs while their customers are classified (``SegmentHistoryStream``), in
    /// one transaction that holds the store's writer from the first batch classified to the
    /// commit. An in-memory store has one connection, which the scan holds to its end: it
    /// writes the runs afterwards.
    public func materialize(_ runs: [SegmentRunHeader], labels feed: any SegmentLabelFeed) async throws -> [String: Result<SegmentRunSummary, StoreError>] {
        guard writer is DatabasePool else { return try await materializeWhenClassified(runs, labels: feed) }
        return try await writer.writeWithoutTransaction { db in
            // Without the foreign-key check of every entry (a lookup of its customer, a
            // tenth of a first run over a million customers): the customers entered are
            // those the scan read, and no customer row is ever deleted (forgetting one
            // clears it in place). The setting holds outside transactions only.
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            var results: [String: Result<SegmentRunSummary, StoreError>] = [:]
            try db.inTransaction {
                results = try Self.withSmallPageCache(db) {
                    var stream = try SegmentHistoryStream(db, runs: runs)
                    return try stream.write(feed)
                }
                return .commit
            }
            return results
        }
    }

    /// ``materialize(_:)`` inside the caller's transaction (a shared run's merge records the
    /// segment's outcome in the same one).
    static func materialize(_ outcome: SegmentOutcome, in db: Database) throws -> SegmentRunSummary {
        try withSmallPageCache(db) { try write(outcome, in: db) }
    }

    /// History rows are appended in customer order, so a small page cache does: the
    /// writer's 64 MB (for imports' scattered index updates) would only add to a run's peak
    /// memory.
    private static func withSmallPageCache<T>(_ db: Database, _ body: () throws -> T) throws -> T {
        try db.execute(sql: "PRAGMA cache_size = -8192")
        defer { try? db.execute(sql: "PRAGMA cache_size = -65536") }
        return try body()
    }

    /// Refuses a run of `segment` by another plugin than the one that first wrote it (an
    /// impostor, or a renamed copy, cannot overwrite its history) or dated before its last run.
    static func checkSegmentRun(_ segment: String, plugin: String, at date: Date, in db: Database) throws {
        if let owner = try String.fetchOne(
            db, sql: "SELECT plugin FROM segmentRun WHERE segment = ? ORDER BY id LIMIT 1", arguments: [segment]),
           owner != plugin {
            throw StoreError.segmentOwnedByAnotherPlugin(segment, owner: owner, writer: plugin)
        }
        if let last = try Date.fetchOne(db, sql: "SELECT max(at) FROM segmentRun WHERE segment = ?", arguments: [segment]),
           date < last {
            throw StoreError.segmentRunBackdated(segment, lastRun: last, requested: date)
        }
    }

    /// Records a run (its counts are set when it is written) and returns its id.
    static func insertSegmentRun(_ run: SegmentRunHeader, classified: Int = 0, in db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO segmentRun (segment, plugin, pluginVersion, at, finishedAt, classified, entered, left)
                VALUES (?, ?, ?, ?, ?, ?, 0, 0)
                """,
            arguments: [run.segment, run.plugin, run.pluginVersion, CustomerRow.storedText(run.at), CustomerRow.storedText(Date()), classified])
        return db.lastInsertedRowID
    }

    private static func write(_ outcome: SegmentOutcome, in db: Database) throws -> SegmentRunSummary {
        try checkSegmentRun(outcome.segment, plugin: outcome.plugin, at: outcome.at, in: db)
        let stamp = CustomerRow.storedText(outcome.at)
        let run = try insertSegmentRun(
            SegmentRunHeader(segment: outcome.segment, plugin: outcome.plugin, pluginVersion: outcome.pluginVersion, at: outcome.at),
            classified: outcome.classified, in: db)

        // The current members in customer order, merged with the new labels (in customer order).
        let current = try SQLiteRows(db, sql: """
            SELECT id, customerId, label FROM segmentMember INDEXED BY segmentMember_current
            WHERE segment = ? AND leftAt IS NULL ORDER BY customerId
            """, arguments: [outcome.segment])
        let diff = try MembershipDiff(outcome) {
            guard try current.next() else { return nil }
            return MembershipDiff.Member(row: current.integer(0), customer: CustomerID(current.integer(1)), label: current.text(2) ?? "")
        }

        var leave = try BoundStatement(db, sql: "UPDATE segmentMember SET leftAt = ?, leftRun = ? WHERE id = ?")
        for row in diff.leaving {
            leave.bind(stamp)
            leave.bind(run)
            leave.bind(row)
            try leave.run(db)
        }
        // 64 rows per statement: the first run of a segment over a million customers inserts a million.
        try BoundStatement.insertAll(
            diff.entering, in: db, insert: "INSERT INTO segmentMember (segment, customerId, label, enteredAt, enteredRun) VALUES ",
            rowSQL: "(?, ?, ?, ?, ?)", chunk: 64
        ) { statement, member in
            statement.bind(outcome.segment)
            statement.bind(member.customer.rawValue)
            statement.bind(member.label)
            statement.bind(stamp)
            statement.bind(run)
        }
        try db.execute(
            sql: "UPDATE segmentRun SET entered = ?, left = ?, finishedAt = ? WHERE id = ?",
            arguments: [diff.entering.count, diff.leaving.count, CustomerRow.storedText(Date()), run])
        return SegmentRunSummary(
            segment: outcome.segment, run: run, classified: outcome.classified, entered: diff.entering.count,
            left: diff.leaving.count, unchanged: diff.unchanged, counts: diff.counts)
    }

    public func segments() async throws -> [SegmentInfo] {
        try await writer.read { db in
            let runs = try Row.fetchAll(db, sql: """
                SELECT segment, plugin, pluginVersion, at FROM segmentRun
                WHERE id IN (SELECT max(id) FROM segmentRun GROUP BY segment) ORDER BY segment
                """)
            return try runs.map { run in
                let name: String = run["segment"]
                return SegmentInfo(
                    name: name, plugin: run["plugin"], pluginVersion: run["pluginVersion"], lastRun: run["at"],
                    counts: try Self.counts(of: name, at: nil, in: db))
            }
        }
    }

    public func segmentCounts(_ segment: String, at date: Date?) async throws -> [String: Int] {
        try await writer.read { db in try Self.counts(of: segment, at: date, in: db) }
    }

    public func segmentMembers(_ segment: String, label: String?, at date: Date?, limit: Int?) async throws -> [SegmentMember] {
        try await writer.read { db in
            var sql = "SELECT customerId, label, enteredAt FROM segmentMember WHERE segment = ? AND "
            var arguments: StatementArguments = [segment]
            sql += Self.membershipCondition(at: date, arguments: &arguments)
            if let label {
                sql += " AND label = ?"
                arguments += [label]
            }
            sql += " ORDER BY customerId"
            if let limit {
                sql += " LIMIT ?"
                arguments += [limit]
            }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                SegmentMember(customer: CustomerID(row[0] as Int64), label: row[1], since: row[2])
            }
        }
    }

    public func segmentHistory(_ segment: String, limit: Int) async throws -> [SegmentChange] {
        try await writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT time, kind, customerId, label, pluginVersion FROM (
                  SELECT m.enteredAt AS time, 'entered' AS kind, m.customerId, m.label, r.pluginVersion, m.id AS rowOrder
                  FROM segmentMember m JOIN segmentRun r ON r.id = m.enteredRun WHERE m.segment = ?
                  UNION ALL
                  SELECT m.leftAt, 'left', m.customerId, m.label, r.pluginVersion, m.id
                  FROM segmentMember m JOIN segmentRun r ON r.id = m.leftRun WHERE m.segment = ? AND m.leftAt IS NOT NULL
                ) ORDER BY time DESC, customerId, kind DESC LIMIT ?
                """, arguments: [segment, segment, limit])
            return rows.map { row in
                SegmentChange(
                    time: row["time"], kind: SegmentChange.Kind(rawValue: row["kind"]) ?? .entered,
                    customer: CustomerID(row["customerId"] as Int64), label: row["label"], pluginVersion: row["pluginVersion"])
            }
        }
    }

    public func segmentLabelNames(_ segment: String) async throws -> [String] {
        try await writer.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT label FROM segmentMember WHERE segment = ? ORDER BY label", arguments: [segment])
        }
    }

    public func segmentLabels(of id: CustomerID) async throws -> [String: String] {
        try await writer.read { db in
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT segment, label FROM segmentMember
                    WHERE segment IN (SELECT DISTINCT segment FROM segmentRun) AND customerId = ? AND leftAt IS NULL
                    """, arguments: [id.rawValue])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, $0[1] as String) })
        }
    }

    /// Members as of `date` (nil: now) entered on or before it and had not left by then.
    private static func membershipCondition(at date: Date?, arguments: inout StatementArguments) -> String {
        guard let date else { return "leftAt IS NULL" }
        let stamp = CustomerRow.storedText(date)
        arguments += [stamp, stamp]
        return "enteredAt <= ? AND (leftAt IS NULL OR leftAt > ?)"
    }

    private static func counts(of segment: String, at date: Date?, in db: Database) throws -> [String: Int] {
        var arguments: StatementArguments = [segment]
        let condition = membershipCondition(at: date, arguments: &arguments)
        let rows = try Row.fetchAll(
            db, sql: "SELECT label, count(*) FROM segmentMember WHERE segment = ? AND \(condition) GROUP BY label",
            arguments: arguments)
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[0] as String, $0[1] as Int) })
    }
}
