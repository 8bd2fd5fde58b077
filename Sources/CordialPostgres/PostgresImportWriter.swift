import CordialCore
import CordialStore
import Foundation
import Logging
import PostgresNIO

/// Writes the batches of one import inside its transaction: each batch is streamed with
/// `COPY` into temporary tables, then merged with one statement per table (an upsert that
/// leaves unchanged customers untouched; purchases added unless present). The temporary
/// tables go with the transaction.
struct PostgresImportWriter {
    private let connection: PostgresSession
    /// One time stamps every customer an import creates or changes, formatted once.
    private let stamp: String

    init(_ connection: PostgresSession) async throws {
        self.connection = connection
        stamp = PostgresTime.text(Date())
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

    /// `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE changed RETURNING version`: a row
    /// not returned is unchanged, version 1 is created, anything else updated.
    private static let upsertSQL: String = {
        let columns = PostgresCustomerRow.columns
        let selected = PostgresCustomerRow.textColumns.map { PostgresCustomerRow.jsonColumns.contains($0) ? "\($0)::json" : $0 }
            + ["created_at", "updated_at", "1"]
        let content = PostgresCustomerRow.contentColumns
        // json has no equality: compared as its (canonical) text.
        func compared(_ table: String) -> String {
            content.map { PostgresCustomerRow.selected($0, table: table) }.joined(separator: ", ")
        }
        return """
            INSERT INTO customer AS c (\(columns.joined(separator: ", ")))
            SELECT \(selected.joined(separator: ", ")) FROM import_customer
            ON CONFLICT (source, external_id) DO UPDATE SET
            \(content.map { "\($0) = excluded.\($0)" }.joined(separator: ", ")), updated_at = excluded.updated_at, version = c.version + 1
            WHERE (\(compared("c"))) IS DISTINCT FROM (\(compared("excluded")))
            RETURNING version
            """
    }()

    private static let createMissingSQL: String = {
        let selected = PostgresCustomerRow.textColumns.map { PostgresCustomerRow.jsonColumns.contains($0) ? "\($0)::json" : $0 }
            + ["created_at", "updated_at", "1"]
        return """
            INSERT INTO customer (\(PostgresCustomerRow.columns.joined(separator: ", ")))
            SELECT \(selected.joined(separator: ", ")) FROM import_customer
            ON CONFLICT (source, external_id) DO NOTHING RETURNING 1
            """
    }()

    mutating func write(_ batch: ImportBatch, summary: inout ImportSummary) async throws {
        // One statement cannot change a row twice: a customer given twice in a batch is
        // written in rounds, each occurrence after the first in a round of its own.
        for round in Self.rounds(of: batch.customers) {
            var rows = CopyRows()
            for customer in round {
                for text in StoredCustomerText.texts(of: customer) { rows.text(text) }
                rows.raw(stamp)
                rows.raw(stamp)
                rows.endRow()
            }
            try await copy(rows, into: "import_customer", columns: PostgresCustomerRow.textColumns + ["created_at", "updated_at"])
            switch batch.customerMode {
            case .upsert:
                var created = 0, changed = 0
                for try await version in try await connection.query(PostgresQuery(unsafeSQL: Self.upsertSQL)).decode(Int.self) {
                    changed += 1
                    if version == 1 { created += 1 }
                }
                summary.customersCreated += created
                summary.customersUpdated += changed - created
                summary.customersUnchanged += round.count - changed
            case .createMissing:
                let created = try await connection.query(PostgresQuery(unsafeSQL: Self.createMissingSQL)).collect().count
                summary.customersCreated += created
                summary.customersUnchanged += round.count - created
            }
            try await connection.query("TRUNCATE import_customer")
        }
        guard !batch.purchases.isEmpty else { return }

        var rows = CopyRows()
        for (order, imported) in batch.purchases.enumerated() {
            let purchase = imported.purchase
            rows.integer(Int64(order))
            rows.text(imported.customerSource)
            rows.text(imported.customerExternalID)
            rows.text(purchase.source)
            rows.text(purchase.externalID)
            rows.time(purchase.time)
            rows.raw(purchase.amount.amountText)
            rows.text(purchase.amount.currency)
            rows.integer(Int64(purchase.quantity))
            rows.text(purchase.channel)
            rows.text(purchase.product)
            rows.text(purchase.category)
            rows.text(imported.origin)
            rows.endRow()
        }
        try await copy(rows, into: "import_purchase", columns: [
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
        for try await count in try await connection.query("""
            WITH added AS (
                INSERT INTO purchase (customer_id, source, external_id, time, amount, currency, quantity, channel, product, category)
                SELECT c.id, p.source, p.external_id, p.time, p.amount, p.currency, p.quantity, p.channel, p.product, p.category
                FROM import_purchase p JOIN customer c ON c.source = p.customer_source AND c.external_id = p.customer_external_id
                ORDER BY p.ord
                ON CONFLICT (source, external_id) DO NOTHING
                RETURNING 1
            )
            SELECT count(*)::integer FROM added
            """).decode(Int.self) {
            added = count
        }
        summary.purchasesAdded += added
        summary.purchasesAlreadyPresent += batch.purchases.count - added
        try await connection.query("TRUNCATE import_purchase")
    }

    private func copy(_ rows: CopyRows, into table: String, columns: [String]) async throws {
        guard rows.count > 0 else { return }
        try await connection.copy(rows.buffer, into: table, columns: columns)
    }

    /// The customers in rounds in which no (source, external id) appears twice, each
    /// customer's occurrences in order: usually one round, the batch itself.
    static func rounds(of customers: [Customer]) -> [[Customer]] {
        struct Key: Hashable {
            var source: String
            var externalID: String
        }
        var seen: [Key: Int] = [:]
        var rounds: [[Customer]] = [[]]
        rounds[0].reserveCapacity(customers.count)
        for customer in customers {
            let key = Key(source: customer.source, externalID: customer.externalID)
            let round = seen[key, default: 0]
            seen[key] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(customer)
        }
        return rounds.filter { !$0.isEmpty }
    }
}
