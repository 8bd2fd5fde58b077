import CordialCore
import CordialStore
import Foundation
import GRDB

/// The embedded default store: one SQLite file through GRDB, in WAL mode with foreign keys.
/// Embedders usually open it through `StoreLocation.open()` (module `Cordial`).
///
/// ```swift
/// let store = try SQLiteStore(path: "cordial.sqlite")
/// try await store.migrate()
/// ```
public final class SQLiteStore: Store {
    let writer: any DatabaseWriter

    /// Opens (creating if needed) the database file at `path`.
    public init(path: String) throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        // Writers of several processes take turns (shared segment runs: a merge of a large
        // segment holds the write lock for a while).
        configuration.busyMode = .timeout(TimeInterval(SQLiteBusy.timeoutSeconds))
        configuration.prepareDatabase { db in
            // 64 MB of page cache for the writer (SQLite's default is 2 MB): with a small cache,
            // a large import writes the same index pages out to the WAL again and again.
            // Readers scan, and keep the default.
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA cache_size = -65536") }
            // Statement journals in memory: an upsert touching several indexes otherwise
            // spills its statement journal to a temporary file, thirteen writes per row.
            try db.execute(sql: "PRAGMA temp_store = MEMORY")
        }
        writer = try DatabasePool(path: path, configuration: configuration)
    }

    /// A private in-memory database, for tests and dry runs of tools.
    public init() throws {
        var configuration = Configuration()
        configuration.foreignKeysEnabled = true
        writer = try DatabaseQueue(configuration: configuration)
    }

    public func migrate() async throws {
        let migrator = SQLiteSchema.migrator
        // A store a newer Cordial migrated holds tables this version knows nothing of (and
        // would leave out of a copy): refused rather than used.
        if try await writer.read({ db in try migrator.hasBeenSuperseded(db) }) { throw StoreError.newerSchema }
        try migrator.migrate(writer)
    }

    // MARK: - Imports

    public func apply(_ source: some ImportSource, dryRun: Bool) async throws -> ImportSummary {
        do {
            return try await writer.write { db in
                // The source is read, checked and encoded a few batches ahead on a second thread.
                let stamp = CustomerRow.storedText(Date())
                let sourceBox = SourceBox(source)
                let batches = ReadAhead(name: "cordial import reader") { () throws -> SQLiteImportWriter.Batch? in
                    try sourceBox.source.nextBatch().map { SQLiteImportWriter.Batch($0, stamp: stamp) }
                }
                defer { batches.abandon() }
                var summary = ImportSummary()
                var importWriter = try SQLiteImportWriter(db)
                while let batch = try batches.next() {
                    try importWriter.write(batch, summary: &summary)
                    batches.recycle(batch)
                }
                try importWriter.finish()
                // A dry run writes everything, then throws to roll the transaction back. (Not a
                // savepoint: SQLite would copy every touched page to a sub-journal first.)
                if dryRun { throw DryRunFinished(summary: summary) }
                return summary
            }
        } catch let finished as DryRunFinished {
            return finished.summary
        }
    }

    /// The source, touched by the reading thread only.
    private final class SourceBox<Source: ImportSource>: @unchecked Sendable {
        var source: Source
        init(_ source: Source) { self.source = source }
    }

    private struct DryRunFinished: Error {
        let summary: ImportSummary
    }

    /// Writes every column of a customer that has an id.
    static func save(_ customer: Customer, into db: Database) throws {
        var statement = try BoundStatement(db, sql: CustomerRow.updateSQL)
        CustomerRow.bind(customer, to: &statement)
        statement.bind(customer.id!.rawValue)
        try statement.run(db)
    }

    // MARK: - Reading

    public func customer(_ id: CustomerID) async throws -> Customer? {
        try await writer.read { db in
            try CustomerRowReader.customer(id, in: db)
        }
    }

    public func customer(source: String, externalID: String) async throws -> Customer? {
        try await writer.read { db in
            try CustomerRowReader.customers(
                db, sql: "SELECT \(CustomerRowReader.columns) FROM customer WHERE source = ? AND externalID = ?",
                arguments: [source, externalID]
            ).first
        }
    }

    public func customers(_ query: CustomerQuery) async throws -> [Customer] {
        try await writer.read { db in
            let (condition, arguments) = Self.condition(of: query)
            return try CustomerRowReader.customers(
                db, sql: "SELECT \(CustomerRowReader.columns) FROM customer WHERE \(condition) ORDER BY id LIMIT ?",
                arguments: arguments + [query.limit])
        }
    }

    public func customers(withIDs ids: [CustomerID]) async throws -> [Customer] {
        guard !ids.isEmpty else { return [] }
        // One statement, the ids as one JSON array argument (no limit on how many).
        let list = "[" + Set(ids.map(\.rawValue)).sorted().map(String.init).joined(separator: ",") + "]"
        return try await writer.read { db in
            try CustomerRowReader.customers(
                db, sql: "SELECT \(CustomerRowReader.columns) FROM customer WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
                arguments: [list])
        }
    }

    /// The WHERE condition of `query` (without its limit) and its arguments.
    static func condition(of query: CustomerQuery) -> (String, [any DatabaseValueConvertible]) {
        var sql = "id > ?"
        var arguments: [any DatabaseValueConvertible] = [query.after?.rawValue ?? 0]
        if let tag = query.tag {
            sql += " AND EXISTS (SELECT 1 FROM json_each(customer.tags) WHERE value = ?)"
            arguments.append(tag)
        }
        if let tier = query.tier {
            sql += " AND tier = ?"
            arguments.append(tier)
        }
        if let segment = query.segment {
            sql += " AND EXISTS (SELECT 1 FROM segmentMember m WHERE m.customerId = customer.id AND m.segment = ? AND m.leftAt IS NULL"
            arguments.append(segment)
            if let label = query.label {
                sql += " AND m.label = ?"
                arguments.append(label)
            }
            sql += ")"
        }
        return (sql, arguments)
    }

    public func countCustomers() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customer") ?? 0 }
    }

    public func countCustomers(matching query: CustomerQuery) async throws -> Int {
        var unpaged = query
        unpaged.after = nil
        let filters = unpaged
        return try await writer.read { db in
            let (condition, arguments) = Self.condition(of: filters)
            return try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM customer WHERE \(condition)", arguments: StatementArguments(arguments)) ?? 0
        }
    }

    public func localeCounts(matching query: CustomerQuery) async throws -> [String: Int] {
        var unpaged = query
        unpaged.after = nil
        let filters = unpaged
        return try await writer.read { db in
            let (condition, arguments) = Self.condition(of: filters)
            let rows = try Row.fetchAll(
                db, sql: "SELECT locale, COUNT(*) FROM customer WHERE \(condition) AND forgottenAt IS NULL GROUP BY locale", arguments: StatementArguments(arguments))
            return Dictionary(uniqueKeysWithValues: rows.map { (($0[0] as String?) ?? "", $0[1] as Int) })
        }
    }

    public func countPurchases() async throws -> Int {
        try await writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM purchase") ?? 0 }
    }

    public func purchaseCurrencies() async throws -> [String] {
        try await writer.read { db in try String.fetchAll(db, sql: "SELECT DISTINCT currency FROM purchase ORDER BY currency") }
    }

    public func purchases(of id: CustomerID) async throws -> [Purchase] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM purchase WHERE customerId = ? ORDER BY time, id", arguments: [id.rawValue])
                .map(CustomerRow.purchase)
        }
    }

    public func scanCustomers(batchSize: Int) -> BatchStream<Customer> {
        let writer = self.writer
        return BatchStream.producing { producer in
            // Keyset pagination: each batch is one short read, so no read is held open while
            // the consumer works, and memory holds a few batches.
            var after: Int64 = 0
            while true {
                let start = after
                let batch = try await writer.read { db in
                    try CustomerRowReader.customers(
                        db, sql: "SELECT \(CustomerRowReader.columns) FROM customer WHERE id > ? ORDER BY id LIMIT ?",
                        arguments: [start, batchSize])
                }
                guard let last = batch.last?.id else { return }
                after = last.rawValue
                try await producer.send(batch)
            }
        }
    }

    // MARK: - Changes

    public func update(_ customer: Customer) async throws -> Customer {
        guard let id = customer.id else { throw StoreError.unknownCustomer(source: customer.source, externalID: customer.externalID) }
        return try await writer.write { db in
            guard let found = try Int.fetchOne(db, sql: "SELECT version FROM customer WHERE id = ?", arguments: [id.rawValue]) else {
                throw StoreError.noSuchCustomer(id)
            }
            guard found == customer.version else { throw StoreError.staleVersion(id, expected: customer.version, found: found) }
            // The version check and the write are in one transaction: nobody can save in between.
            var saved = customer
            saved.version = found + 1
            saved.updatedAt = Date()
            try Self.save(saved, into: db)
            return saved
        }
    }

    public func apply(_ changes: [CustomerChange]) async throws {
        guard !changes.isEmpty else { return }
        try await writer.write { db in
            let now = Date()
            for change in changes {
                guard var customer = try CustomerRowReader.customer(change.customer, in: db) else {
                    throw StoreError.noSuchCustomer(change.customer)
                }
                let before = customer
                customer.tags.removeAll { change.removeTags.contains($0) }
                for tag in change.addTags where !customer.tags.contains(tag) { customer.tags.append(tag) }
                for (key, value) in change.attributes { customer.attributes[key] = value }
                guard customer != before else { continue }
                customer.version += 1
                customer.updatedAt = now
                try Self.save(customer, into: db)
            }
        }
    }

    public func checkPurchaseFacts(repair: Bool) async throws -> PurchaseFactsCheck {
        let found = try await writer.read { db in try PurchaseFactsTable.check(db) }
        if repair { try await writer.write { db in try PurchaseFactsTable.rebuild(db) } }
        return found
    }

    public func forget(_ id: CustomerID, reason: String) async throws {
        try await writer.write { db in
            guard let current = try CustomerRowReader.customer(id, in: db) else { throw StoreError.noSuchCustomer(id) }
            // Kept: id, source, locale, tier, times and every purchase (anonymous aggregates).
            let erased = Customer(
                id: id, source: current.source, externalID: "forgotten-\(id)", name: PersonName(given: "", family: ""),
                locale: current.locale, tier: current.tier, createdAt: current.createdAt, updatedAt: Date(),
                version: current.version + 1)
            try Self.save(erased, into: db)
            try db.execute(sql: "UPDATE customer SET forgottenAt = ? WHERE id = ?", arguments: [Date(), id.rawValue])
            // Care not yet carried out is not sent to someone forgotten: pending letters and
            // open calls are cancelled (the ledger keeps that they were planned and applied).
            try db.execute(sql: "UPDATE letterOutbox SET status = 'cancelled' WHERE customerId = ? AND status IN ('pending', 'retry')", arguments: [id.rawValue])
            try db.execute(sql: "UPDATE callTask SET status = 'cancelled' WHERE customerId = ? AND status = 'open'", arguments: [id.rawValue])
            // What they told us is theirs: the feedback keeps its category, kind, dates and
            // steps (the Pareto of causes), not their words, their contact or staff's notes.
            try db.execute(sql: "UPDATE feedback SET text = ?, contact = NULL, language = NULL WHERE customerId = ?",
                           arguments: [Feedback.forgottenText, id.rawValue])
            try db.execute(sql: "UPDATE feedbackEvent SET note = NULL WHERE customerId = ?", arguments: [id.rawValue])
            // A hook's message is the plugin's words, which may quote the case.
            try db.execute(sql: "UPDATE feedbackHookDelivery SET message = NULL WHERE customerId = ?", arguments: [id.rawValue])
            // No one visits them any more; what visitors noted of them goes.
            try db.execute(sql: """
                INSERT INTO visitChange (customerId, visitId, kind, at, staffId, day, start, note)
                SELECT customerId, id, 'cancelled', ?, staffId, day, start, 'customer forgotten' FROM visit WHERE customerId = ? AND status = 'scheduled'
                """, arguments: [CustomerRow.storedText(Date()), id.rawValue])
            try db.execute(sql: "UPDATE visit SET status = 'cancelled', sequence = sequence + 1 WHERE customerId = ? AND status = 'scheduled'",
                           arguments: [id.rawValue])
            try db.execute(sql: "UPDATE visit SET notes = NULL, sequence = sequence + 1 WHERE customerId = ?", arguments: [id.rawValue])
            try db.execute(sql: "UPDATE visitChange SET note = NULL WHERE customerId = ?", arguments: [id.rawValue])
            try db.execute(sql: """
                UPDATE interaction SET outcome = substr(outcome, 1, instr(outcome, ': ') - 1)
                WHERE customerId = ? AND kind = 'visit' AND instr(outcome, ': ') > 0
                  AND (outcome LIKE 'visit done: %' OR outcome LIKE 'customer absent at the visit: %' OR outcome LIKE 'visit cancelled: %')
                """, arguments: [id.rawValue])
            try db.execute(
                sql: "INSERT INTO auditEntry (time, action, subject, detail) VALUES (?, 'forget', ?, ?)",
                arguments: [Date(), "customer \(id)", reason])
        }
    }

    public func auditLog() async throws -> [AuditEntry] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM auditEntry ORDER BY id").map {
                AuditEntry(time: $0["time"], action: $0["action"], subject: $0["subject"], detail: $0["detail"])
            }
        }
    }

    // MARK: - Staff and interactions

    public func record(_ interaction: Interaction) async throws -> Interaction {
        try await writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM customer WHERE id = ?", arguments: [interaction.customerID.rawValue]) != nil
            else { throw StoreError.noSuchCustomer(interaction.customerID) }
            if let staffID = interaction.staffID,
               try Bool.fetchOne(db, sql: "SELECT 1 FROM staff WHERE id = ?", arguments: [staffID]) == nil {
                throw StoreError.noSuchStaff(staffID)
            }
            try db.execute(
                sql: "INSERT INTO interaction (customerId, kind, time, staffId, outcome, cost, currency) VALUES (?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    interaction.customerID.rawValue, interaction.kind.rawValue, interaction.time, interaction.staffID,
                    interaction.outcome, interaction.cost?.amountText, interaction.cost?.currency,
                ])
            var recorded = interaction
            recorded.id = db.lastInsertedRowID
            return recorded
        }
    }

    public func interactions(of id: CustomerID) async throws -> [Interaction] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM interaction WHERE customerId = ? ORDER BY time, id", arguments: [id.rawValue])
                .map { row in
                    let kindName: String = row["kind"]
                    guard let kind = Interaction.Kind(rawValue: kindName) else {
                        throw CustomerRowReader.Corrupt(column: "interaction.kind")
                    }
                    let cost: String? = row["cost"]
                    return Interaction(
                        id: row["id"], customerID: CustomerID(row["customerId"]), kind: kind, time: row["time"],
                        staffID: row["staffId"], outcome: row["outcome"],
                        cost: cost.flatMap { Money(parsing: $0, currency: row["currency"] ?? "") })
                }
        }
    }
}
