import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// Customers, purchases, staff, contacts and the audit log.
extension PostgresStore {
    public func apply(_ source: some ImportSource, dryRun: Bool) async throws -> ImportSummary {
        let batches = PreparedImportBatch.reading(source, stamp: PostgresTime.text(Date()))
        do {
            return try await transaction { connection in
                var writer = try await PostgresImportWriter(connection)
                var summary = ImportSummary()
                for try await prepared in batches {
                    for batch in prepared { try await writer.write(batch, summary: &summary) }
                }
                // A dry run writes everything, then throws to roll the transaction back.
                if dryRun { throw DryRunFinished(summary: summary) }
                return summary
            }
        } catch let finished as DryRunFinished {
            return finished.summary
        }
    }

    private struct DryRunFinished: Error {
        let summary: ImportSummary
    }

    // MARK: - Reading

    public func customer(_ id: CustomerID) async throws -> Customer? {
        try await withConnection { connection in try await Self.customer(id, on: connection) }
    }

    static func customer(_ id: CustomerID, on connection: PostgresSession, locking: Bool = false) async throws -> Customer? {
        let query = PostgresQuery(
            unsafeSQL: "SELECT \(PostgresCustomerRow.selectList) FROM customer WHERE id = $1" + (locking ? " FOR UPDATE" : ""),
            binds: bindings(id.rawValue))
        for try await row in try await connection.query(query) { return try PostgresCustomerRow.customer(row) }
        return nil
    }

    public func customer(source: String, externalID: String) async throws -> Customer? {
        try await customers(
            "SELECT \(PostgresCustomerRow.selectList) FROM customer WHERE source = $1 AND external_id = $2", Self.bindings(source, externalID)
        ).first
    }

    public func customers(_ query: CustomerQuery) async throws -> [Customer] {
        var (condition, bindings) = Self.condition(of: query)
        bindings.append(query.limit)
        return try await customers(
            "SELECT \(PostgresCustomerRow.selectList) FROM customer WHERE \(condition) ORDER BY id LIMIT $\(bindings.count)", bindings)
    }

    public func customers(withIDs ids: [CustomerID]) async throws -> [Customer] {
        guard !ids.isEmpty else { return [] }
        // One statement, the ids as one array argument (no limit on how many).
        return try await customers(
            "SELECT \(PostgresCustomerRow.selectList) FROM customer WHERE id = ANY($1) ORDER BY id",
            Self.bindings(Set(ids.map(\.rawValue)).sorted()))
    }

    private func customers(_ sql: String, _ bindings: PostgresBindings) async throws -> [Customer] {
        try await withConnection { connection in
            try await rows(PostgresQuery(unsafeSQL: sql, binds: bindings), on: connection).map(PostgresCustomerRow.customer)
        }
    }

    /// The WHERE condition of `query` (without its limit) and its bindings.
    static func condition(of query: CustomerQuery, table: String = "customer") -> (String, PostgresBindings) {
        var bindings = PostgresBindings()
        bindings.append(query.after?.rawValue ?? 0)
        var sql = "\(table).id > $1"
        if let tag = query.tag {
            bindings.append(tag)
            sql += " AND \(table).tags::jsonb ? $\(bindings.count)"
        }
        if let tier = query.tier {
            bindings.append(tier)
            sql += " AND \(table).tier = $\(bindings.count)"
        }
        if let segment = query.segment {
            bindings.append(segment)
            sql += " AND EXISTS (SELECT 1 FROM segment_member m WHERE m.customer_id = \(table).id AND m.segment = $\(bindings.count)"
                + " AND m.left_at IS NULL"
            if let label = query.label {
                bindings.append(label)
                sql += " AND m.label = $\(bindings.count)"
            }
            sql += ")"
        }
        return (sql, bindings)
    }

    public func countCustomers() async throws -> Int {
        try await withConnection { connection in try await value(Int.self, "SELECT count(*) FROM customer", on: connection) ?? 0 }
    }

    public func countCustomers(matching query: CustomerQuery) async throws -> Int {
        var unpaged = query
        unpaged.after = nil
        let (condition, bindings) = Self.condition(of: unpaged)
        return try await withConnection { connection in
            try await value(Int.self, PostgresQuery(unsafeSQL: "SELECT count(*) FROM customer WHERE \(condition)", binds: bindings), on: connection)
                ?? 0
        }
    }

    public func localeCounts(matching query: CustomerQuery) async throws -> [String: Int] {
        var unpaged = query
        unpaged.after = nil
        let (condition, bindings) = Self.condition(of: unpaged)
        return try await withConnection { connection in
            var counts: [String: Int] = [:]
            for try await (locale, count) in try await connection.query(
                PostgresQuery(unsafeSQL: "SELECT locale, count(*)::bigint FROM customer WHERE \(condition) AND forgotten_at IS NULL GROUP BY locale", binds: bindings)
            ).decode((String, Int).self) {
                counts[locale] = count
            }
            return counts
        }
    }

    public func countPurchases() async throws -> Int {
        try await withConnection { connection in try await value(Int.self, "SELECT count(*) FROM purchase", on: connection) ?? 0 }
    }

    public func purchaseCurrencies() async throws -> [String] {
        try await withConnection { connection in
            // Sorted here: byte order on both backends, whatever the server's collation.
            try await rows("SELECT DISTINCT currency FROM purchase", on: connection).map { try $0.decode(String.self) }.sorted()
        }
    }

    public func purchases(of id: CustomerID) async throws -> [Purchase] {
        try await withConnection { connection in
            try await rows("""
                SELECT id, customer_id, source, external_id, time, amount::text, currency, quantity, channel, product, category
                FROM purchase WHERE customer_id = \(id.rawValue) ORDER BY time, id
                """, on: connection
            ).map { row in
                let (id, customer, source, externalID, time, amount, currency, quantity, channel, product, category) = try row.decode(
                    (Int64, Int64, String, String, Date, String, String, Int, String?, String?, String?).self)
                return Purchase(
                    id: id, customerID: CustomerID(customer), source: source, externalID: externalID, time: time,
                    amount: Money(Decimal(string: amount, locale: Locale(identifier: "en_US_POSIX")) ?? 0, currency), quantity: quantity,
                    channel: channel, product: product, category: category)
            }
        }
    }

    public func scanCustomers(batchSize: Int) -> BatchStream<Customer> {
        BatchStream.producing { producer in
            // Keyset pagination: each batch is one short read, so no read is held open while
            // the consumer works, and memory holds a few batches.
            var after: Int64 = 0
            while true {
                let batch = try await self.customers(
                    "SELECT \(PostgresCustomerRow.selectList) FROM customer WHERE id > $1 ORDER BY id LIMIT $2", Self.bindings(after, batchSize))
                guard let last = batch.last?.id else { return }
                after = last.rawValue
                try await producer.send(batch)
            }
        }
    }

    // MARK: - Changes

    public func update(_ customer: Customer) async throws -> Customer {
        guard let id = customer.id else { throw StoreError.unknownCustomer(source: customer.source, externalID: customer.externalID) }
        return try await transaction { connection in
            guard let found = try await value(Int.self, "SELECT version FROM customer WHERE id = \(id.rawValue) FOR UPDATE", on: connection) else {
                throw StoreError.noSuchCustomer(id)
            }
            guard found == customer.version else { throw StoreError.staleVersion(id, expected: customer.version, found: found) }
            // The row is locked from the version check to the write: nobody can save in between.
            var saved = customer
            saved.version = found + 1
            saved.updatedAt = PostgresTime.stored(Date())
            saved.createdAt = PostgresTime.stored(saved.createdAt)
            try await connection.query(PostgresCustomerRow.update(saved))
            return saved
        }
    }

    public func apply(_ changes: [CustomerChange]) async throws {
        guard !changes.isEmpty else { return }
        try await transaction { connection in
            let now = PostgresTime.stored(Date())
            for change in changes {
                guard var customer = try await Self.customer(change.customer, on: connection, locking: true) else {
                    throw StoreError.noSuchCustomer(change.customer)
                }
                let before = customer
                customer.tags.removeAll { change.removeTags.contains($0) }
                for tag in change.addTags where !customer.tags.contains(tag) { customer.tags.append(tag) }
                for (key, value) in change.attributes { customer.attributes[key] = value }
                guard customer != before else { continue }
                customer.version += 1
                customer.updatedAt = now
                try await connection.query(PostgresCustomerRow.update(customer))
            }
        }
    }

    /// Every customer's purchase facts computed from `purchase`, with the sum of the amounts'
    /// sizes (PurchaseFactsTable's, in PostgreSQL's terms).
    static let recomputedPurchaseFacts = """
        SELECT customer_id, count(*)::integer AS purchases, sum(amount::float8) AS total, sum(abs(amount::float8)) AS size,
               floor(extract(epoch FROM min(time)) / 86400)::integer AS first_day,
               floor(extract(epoch FROM max(time)) / 86400)::integer AS last_day
        FROM purchase GROUP BY customer_id
        """

    public func checkPurchaseFacts(repair: Bool) async throws -> PurchaseFactsCheck {
        let found = try await transaction(isolation: "REPEATABLE READ READ ONLY") { connection in
            let customers = try await value(Int64.self, PostgresQuery(unsafeSQL: "SELECT count(*) FROM (\(Self.recomputedPurchaseFacts)) r"), on: connection) ?? 0
            var differing = 0
            var first: Int64?
            for try await (count, lowest) in try await connection.query(PostgresQuery(unsafeSQL: """
                SELECT count(*)::bigint, min(customer_id) FROM (
                    SELECT r.customer_id FROM (\(Self.recomputedPurchaseFacts)) r LEFT JOIN purchase_facts f ON f.customer_id = r.customer_id
                    WHERE f.customer_id IS NULL OR f.purchases <> r.purchases OR f.first_day <> r.first_day OR f.last_day <> r.last_day
                       OR abs(f.total - r.total) > 1e-9 * greatest(r.size, 1)
                    UNION ALL
                    SELECT f.customer_id FROM purchase_facts f WHERE NOT EXISTS (SELECT 1 FROM purchase p WHERE p.customer_id = f.customer_id)
                ) d
                """)).decode((Int64, Int64?).self) {
                differing = Int(count)
                first = lowest
            }
            return PurchaseFactsCheck(customers: Int(customers), differing: differing, firstDiffering: first.map { CustomerID($0) })
        }
        if repair {
            try await transaction { connection in
                // No import adds purchases meanwhile (see PostgresImportWriter).
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresImportWriter.importLock))")
                try await connection.query("DELETE FROM purchase_facts")
                try await connection.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO purchase_facts (customer_id, purchases, total, first_day, last_day)
                    SELECT customer_id, purchases, total, first_day, last_day FROM (\(Self.recomputedPurchaseFacts)) r
                    """))
            }
        }
        return found
    }

    public func forget(_ id: CustomerID, reason: String) async throws {
        try await transaction { connection in
            // Forgetting rewrites the external id: it waits for an import that has already
            // decided which customers it holds (see PostgresImportWriter).
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresImportWriter.importLock))")
            // And it waits for a campaign part applying care to this customer (the ledger's
            // lock on the customer), so that the cancelling below sees what that part wrote.
            try await connection.query(PostgresCampaignLedger.customerLock(id.rawValue))
            guard let current = try await Self.customer(id, on: connection, locking: true) else {
                throw StoreError.noSuchCustomer(id)
            }
            let now = PostgresTime.stored(Date())
            // Kept: id, source, locale, tier, times and every purchase (anonymous aggregates).
            let erased = Customer(
                id: id, source: current.source, externalID: "forgotten-\(id)", name: PersonName(given: "", family: ""),
                locale: current.locale, tier: current.tier, createdAt: current.createdAt, updatedAt: now,
                version: current.version + 1)
            try await connection.query(PostgresCustomerRow.update(erased))
            try await connection.query("UPDATE customer SET forgotten_at = \(now) WHERE id = \(id.rawValue)")
            // Care not yet carried out is not sent to someone forgotten.
            try await connection.query("UPDATE letter_outbox SET status = 'cancelled' WHERE customer_id = \(id.rawValue) AND status IN ('pending', 'retry')")
            try await connection.query("UPDATE call_task SET status = 'cancelled' WHERE customer_id = \(id.rawValue) AND status = 'open'")
            // What they told us is theirs: the feedback keeps its category, kind, dates and
            // steps (the Pareto of causes), not their words, their contact or staff's notes.
            try await connection.query(
                "UPDATE feedback SET text = \(Feedback.forgottenText), contact = NULL, language = NULL WHERE customer_id = \(id.rawValue)")
            try await connection.query("UPDATE feedback_event SET note = NULL WHERE customer_id = \(id.rawValue)")
            // A hook's message is the plugin's words, which may quote the case.
            try await connection.query("UPDATE feedback_hook_delivery SET message = NULL WHERE customer_id = \(id.rawValue)")
            // No one visits them any more; what visitors noted of them goes.
            try await connection.query("""
                INSERT INTO visit_change (customer_id, visit_id, kind, at, staff_id, day, start, note)
                SELECT customer_id, id, 'cancelled', \(now), staff_id, day, start, 'customer forgotten' FROM visit
                WHERE customer_id = \(id.rawValue) AND status = 'scheduled'
                """)
            try await connection.query(
                "UPDATE visit SET status = 'cancelled', sequence = sequence + 1 WHERE customer_id = \(id.rawValue) AND status = 'scheduled'")
            try await connection.query("UPDATE visit SET notes = NULL, sequence = sequence + 1 WHERE customer_id = \(id.rawValue)")
            try await connection.query("UPDATE visit_change SET note = NULL WHERE customer_id = \(id.rawValue)")
            try await connection.query("""
                UPDATE interaction SET outcome = split_part(outcome, ': ', 1)
                WHERE customer_id = \(id.rawValue) AND kind = 'visit' AND strpos(outcome, ': ') > 0
                  AND (outcome LIKE 'visit done: %' OR outcome LIKE 'customer absent at the visit: %' OR outcome LIKE 'visit cancelled: %')
                """)
            try await connection.query(
                "INSERT INTO audit_entry (time, action, subject, detail) VALUES (\(now), 'forget', \("customer \(id)"), \(reason))")
        }
    }

    public func auditLog() async throws -> [AuditEntry] {
        try await withConnection { connection in
            try await rows("SELECT time, action, subject, detail FROM audit_entry ORDER BY id", on: connection).map { row in
                let (time, action, subject, detail) = try row.decode((Date, String, String, String?).self)
                return AuditEntry(time: time, action: action, subject: subject, detail: detail)
            }
        }
    }

    // MARK: - Staff and interactions

    public func record(_ interaction: Interaction) async throws -> Interaction {
        try await transaction { connection in
            let customer = interaction.customerID.rawValue
            // FOR KEY SHARE: neither can be deleted before this transaction commits.
            guard try await value(Int.self, "SELECT 1 FROM customer WHERE id = \(customer) FOR KEY SHARE", on: connection) != nil else {
                throw StoreError.noSuchCustomer(interaction.customerID)
            }
            if let staffID = interaction.staffID,
               try await value(Int.self, "SELECT 1 FROM staff WHERE id = \(staffID) FOR KEY SHARE", on: connection) == nil {
                throw StoreError.noSuchStaff(staffID)
            }
            var recorded = interaction
            recorded.time = PostgresTime.stored(interaction.time)
            recorded.id = try await value(Int64.self, """
                INSERT INTO interaction (customer_id, kind, time, staff_id, outcome, cost, currency)
                VALUES (\(customer), \(interaction.kind.rawValue), \(recorded.time), \(interaction.staffID), \(interaction.outcome),
                        \(interaction.cost?.amountText)::numeric, \(interaction.cost?.currency))
                RETURNING id
                """, on: connection)
            return recorded
        }
    }

    public func interactions(of id: CustomerID) async throws -> [Interaction] {
        try await withConnection { connection in
            try await rows("""
                SELECT id, customer_id, kind, time, staff_id, outcome, cost::text, currency FROM interaction
                WHERE customer_id = \(id.rawValue) ORDER BY time, id
                """, on: connection
            ).map { row in
                let (id, customer, kindName, time, staffID, outcome, cost, currency) = try row.decode(
                    (Int64, Int64, String, Date, Int64?, String?, String?, String?).self)
                guard let kind = Interaction.Kind(rawValue: kindName) else {
                    throw PostgresFailure(server: location.server, reason: "column 'interaction.kind' holds a value this version cannot read")
                }
                return Interaction(
                    id: id, customerID: CustomerID(customer), kind: kind, time: time, staffID: staffID, outcome: outcome,
                    cost: cost.flatMap { Money(parsing: $0, currency: currency ?? "") })
            }
        }
    }

    /// Bindings of `values`, in order ($1, $2, …).
    static func bindings(_ values: any PostgresDynamicTypeEncodable...) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values { bindings.append(value) }
        return bindings
    }
}
