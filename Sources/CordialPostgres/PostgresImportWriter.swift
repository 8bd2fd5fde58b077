import CordialCore
import CordialStore
import Foundation
import Logging
import PostgresNIO

/// Writes the batches of one import inside its transaction. Customers the store does not
/// hold yet are copied straight into `customer` with `COPY`; customers it holds go through
/// a temporary table and one `UPDATE` that leaves unchanged ones untouched. Purchases go
/// through a temporary table and are added unless present. The temporary tables go with
/// the transaction.
///
/// Checking which customers exist and then copying or updating them is safe because the
/// writers that add customers or change their key — imports and `forget` — take
/// ``importLock`` first: they run one after the other.
struct PostgresImportWriter {
    /// `pg_advisory_xact_lock` key held by every import transaction.
    static let importLock = 73062015

    private let connection: PostgresSession

    /// The columns of a ``PreparedImportBatch`` customer row.
    static let customerColumns = PostgresCustomerRow.textColumns + ["created_at", "updated_at"]

    init(_ connection: PostgresSession) async throws {
        self.connection = connection
        try await connection.query("SELECT pg_advisory_xact_lock(\(Self.importLock))")
        let texts = PostgresCustomerRow.textColumns.map { "\($0) text" }.joined(separator: ", ")
        try await connection.query(PostgresQuery(unsafeSQL: """
            CREATE TEMPORARY TABLE import_customer (\(texts), created_at timestamptz, updated_at timestamptz) ON COMMIT DROP
            """))
        try await connection.query("""
            CREATE TEMPORARY TABLE import_purchase (
                ord integer, customer_source text, customer_external_id text, source text, external_id text,
                time timestamptz, amount numeric, currency text, quantity integer, channel text, product text, category text,
                origin text
            ) ON COMMIT DROP
            """)
    }

    /// Customers held already, updated where their content differs; a returned row is a
    /// changed customer. (json has no equality: compared as its canonical text.)
    private static let updateSQL: String = {
        let content = PostgresCustomerRow.contentColumns
        let assignments = content.map { PostgresCustomerRow.jsonColumns.contains($0) ? "\($0) = i.\($0)::json" : "\($0) = i.\($0)" }
        return """
            UPDATE customer AS c SET \(assignments.joined(separator: ", ")), updated_at = i.updated_at, version = c.version + 1
            FROM import_customer i
            WHERE c.source = i.source AND c.external_id = i.external_id
            AND (\(content.map { PostgresCustomerRow.selected($0, table: "c") }.joined(separator: ", ")))
                IS DISTINCT FROM (\(content.map { "i.\($0)" }.joined(separator: ", ")))
            RETURNING 1
            """
    }()

    mutating func write(_ batch: PreparedImportBatch, summary: inout ImportSummary) async throws {
        for round in batch.rounds {
            let held = try await heldRows(of: round)
            let new = (0..<round.count).filter { !held.contains($0) }
            if !new.isEmpty {
                try await connection.copy(round.rows(at: new), into: "customer", columns: Self.customerColumns)
                summary.customersCreated += new.count
            }
            guard !held.isEmpty else { continue }
            switch batch.customerMode {
            case .createMissing:
                summary.customersUnchanged += held.count
            case .upsert:
                try await connection.copy(round.rows(at: held.sorted()), into: "import_customer", columns: Self.customerColumns)
                let changed = try await connection.query(PostgresQuery(unsafeSQL: Self.updateSQL)).collect().count
                summary.customersUpdated += changed
                summary.customersUnchanged += held.count - changed
                try await connection.query("TRUNCATE import_customer")
            }
        }
        guard batch.purchaseCount > 0 else { return }

        try await connection.copy(batch.purchaseRows.buffer, into: "import_purchase", columns: [
            "ord", "customer_source", "customer_external_id", "source", "external_id", "time", "amount", "currency", "quantity",
            "channel", "product", "category", "origin",
        ])
        // The first purchase (in file order) whose customer is neither in the store nor in the import.
        for try await (source, externalID, origin) in try await connection.query("""
            SELECT p.customer_source, p.customer_external_id, p.origin FROM import_purchase p
            WHERE NOT EXISTS (SELECT 1 FROM customer c WHERE c.source = p.customer_source AND c.external_id = p.customer_external_id)
            ORDER BY p.ord LIMIT 1
            """).decode((String, String, String?).self) {
            throw StoreError.unknownCustomer(source: source, externalID: externalID, origin: origin)
        }
        var added = 0
        // What the added purchases bring to their customers' facts is added in the same statement.
        for try await count in try await connection.query("""
            WITH added AS (
                INSERT INTO purchase (customer_id, source, external_id, time, amount, currency, quantity, channel, product, category)
                SELECT c.id, p.source, p.external_id, p.time, p.amount, p.currency, p.quantity, p.channel, p.product, p.category
                FROM import_purchase p JOIN customer c ON c.source = p.customer_source AND c.external_id = p.customer_external_id
                ORDER BY p.ord
                ON CONFLICT (source, external_id) DO NOTHING
                RETURNING customer_id, time, amount
            ), facts AS (
                INSERT INTO purchase_facts (customer_id, purchases, total, first_day, last_day)
                SELECT customer_id, count(*), sum(amount::float8),
                       floor(extract(epoch FROM min(time)) / 86400)::integer, floor(extract(epoch FROM max(time)) / 86400)::integer
                FROM added GROUP BY customer_id ORDER BY customer_id
                ON CONFLICT (customer_id) DO UPDATE SET
                    purchases = purchase_facts.purchases + excluded.purchases, total = purchase_facts.total + excluded.total,
                    first_day = least(purchase_facts.first_day, excluded.first_day),
                    last_day = greatest(purchase_facts.last_day, excluded.last_day)
            )
            SELECT count(*)::integer FROM added
            """).decode(Int.self) {
            added = count
        }
        summary.purchasesAdded += added
        summary.purchasesAlreadyPresent += batch.purchaseCount - added
        try await connection.query("TRUNCATE import_purchase")
    }

    /// The positions in `round` of the customers the store holds already.
    private func heldRows(of round: PreparedImportBatch.Round) async throws -> Set<Int> {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(round.sources)
        bindings.append(round.externalIDs)
        var held = Set<Int>()
        for try await position in try await connection.query(PostgresQuery(unsafeSQL: """
            SELECT (k.n - 1)::bigint FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS k(source, external_id, n)
            JOIN customer c ON c.source = k.source AND c.external_id = k.external_id
            """, binds: bindings)).decode(Int.self) {
            held.insert(position)
        }
        return held
    }
}
