import CordialPostgres
import Foundation
import Logging
import PostgresNIO
import Testing

/// The schema stays shardable by customer (docs/scaling.md): a Postgres-compatible
/// distributed engine (Citus) distributes the customer-scoped tables by customer id and
/// copies the small shared ones to every node. These rules are what that needs; a new table
/// or index that breaks them fails here, and must be placed on purpose.
@Suite(.enabled(if: PostgresTestServer.url != "skip")) struct PostgresShardingRulesTests {
    /// The shared tables, copied to every node (Citus reference tables): small, and never
    /// about one customer.
    static let referenceTables: Set<String> = [
        "staff", "audit_entry", "segment_run", "value_fit", "cordial_migration", "segment_job", "segment_job_part", "segment_job_result",
        "gift_item", "care_event", "campaign_plan", "campaign_run", "campaign_run_part", "care_budget",
    ]

    /// Unique keys of customer-scoped tables without the customer id, which a distributed
    /// engine cannot enforce across shards; each needs a lookup table distributed by its own
    /// key when the store is sharded (docs/scaling.md, "Keys that are not the customer's").
    static let knownGlobalKeys: Set<String> = [
        "customer_source_external_id_key", "purchase_source_external_id_key", "feedback_source_external_id_key",
    ]

    /// The distribution column of a customer-scoped table.
    static func distributionColumn(of table: String) -> String { table == "customer" ? "id" : "customer_id" }

    struct Index: Hashable { var table: String, name: String, columns: [String], primary: Bool }
    struct ForeignKey: Hashable { var table: String, columns: [String], referenced: String, referencedColumns: [String] }

    @Test func everyTableIsShardableByCustomerOrShared() async throws {
        let location = try PostgresTestServer.freshLocation()
        let store = try await PostgresStore.connect(location)
        try await store.migrate()
        let (scoped, violations) = try await Self.check(location)
        #expect(scoped.isSuperset(of: ["customer", "purchase", "interaction", "segment_member", "customer_value"]))
        #expect(violations == [])
    }

    /// The rules catch each way of breaking them.
    @Test func theRulesCatchATableThatBreaksThem() async throws {
        let location = try PostgresTestServer.freshLocation()
        let store = try await PostgresStore.connect(location)
        try await store.migrate()
        for statement in [
            "CREATE TABLE gift (id bigint PRIMARY KEY, customer_id bigint NOT NULL REFERENCES customer)",
            "CREATE TABLE campaign (id bigint PRIMARY KEY, name text)",
            "CREATE TABLE letter (customer_id bigint NOT NULL, id bigint, code text, PRIMARY KEY (customer_id, id), UNIQUE (code))",
            "CREATE TABLE segment_note (id bigint PRIMARY KEY, member_customer bigint, member_id bigint, "
                + "FOREIGN KEY (member_customer, member_id) REFERENCES segment_member (customer_id, id))",
        ] {
            try await PostgresStoreTests.execute(statement, in: location)
        }
        let (_, violations) = try await Self.check(location)
        #expect(Set(violations) == [
            "primary key of gift does not start with customer_id: [\"id\"]",
            "table campaign has no customer_id: shard it by customer or list it as shared",
            "unique letter_code_key on letter lacks customer_id: [\"code\"]",
            "table segment_note has no customer_id: shard it by customer or list it as shared",
            "shared table segment_note refers to customer-scoped segment_member",
        ])
    }

    /// The customer-scoped tables of the schema at `location`, and every rule it breaks.
    static func check(_ location: PostgresLocation) async throws -> (scoped: Set<String>, violations: [String]) {
        let schema = try #require(location.schema)
        let tables = try await strings("""
            SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = '\(schema)' AND c.relkind = 'r' ORDER BY 1
            """, in: location)
        let columns = try await pairs("""
            SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = '\(schema)'
            """, in: location)
        // Customer-scoped: the customer table, and every table with a customer id.
        let scoped = Set(tables.filter { table in table == "customer" || columns.contains { $0 == (table, "customer_id") } })
        var violations: [String] = []
        for table in tables where !scoped.contains(table) && !referenceTables.contains(table) {
            violations.append("table \(table) has no customer_id: shard it by customer or list it as shared")
        }
        for table in referenceTables where scoped.contains(table) {
            violations.append("shared table \(table) holds customer_id")
        }
        for index in try await uniqueIndexes(in: location) where scoped.contains(index.table) {
            let column = distributionColumn(of: index.table)
            if index.primary, index.columns.first != column {
                violations.append("primary key of \(index.table) does not start with \(column): \(index.columns)")
            } else if !index.primary, !index.columns.contains(column), !knownGlobalKeys.contains(index.name) {
                violations.append("unique \(index.name) on \(index.table) lacks \(column): \(index.columns)")
            }
        }
        for key in try await foreignKeys(in: location) {
            switch (scoped.contains(key.table), scoped.contains(key.referenced)) {
            case (false, true):
                violations.append("shared table \(key.table) refers to customer-scoped \(key.referenced)")
            case (true, true)
                where key.columns != [distributionColumn(of: key.table)] || key.referencedColumns != [distributionColumn(of: key.referenced)]:
                // Between customer-scoped tables only by the customer: one customer's rows
                // live on one node.
                violations.append("\(key.table)\(key.columns) → \(key.referenced)\(key.referencedColumns) crosses customers")
            default: break  // to a shared table, or between shared tables: allowed
            }
        }
        return (scoped, violations)
    }

    // MARK: - Reading the catalog

    static func uniqueIndexes(in location: PostgresLocation) async throws -> [Index] {
        let schema = location.schema ?? "public"
        return try await rows("""
            SELECT t.relname, i.relname, x.indisprimary,
                   array_to_string(array(SELECT a.attname FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                                         JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.n), ',')
            FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = '\(schema)' AND x.indisunique
            """, in: location) { row in
            let (table, name, primary, columns) = try row.decode((String, String, Bool, String).self)
            return Index(table: table, name: name, columns: columns.split(separator: ",").map(String.init), primary: primary)
        }
    }

    static func foreignKeys(in location: PostgresLocation) async throws -> [ForeignKey] {
        let schema = location.schema ?? "public"
        return try await rows("""
            SELECT t.relname, r.relname,
                   array_to_string(array(SELECT a.attname FROM unnest(k.conkey) WITH ORDINALITY c(attnum, n)
                                         JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = c.attnum ORDER BY c.n), ','),
                   array_to_string(array(SELECT a.attname FROM unnest(k.confkey) WITH ORDINALITY c(attnum, n)
                                         JOIN pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = c.attnum ORDER BY c.n), ',')
            FROM pg_constraint k JOIN pg_class t ON t.oid = k.conrelid JOIN pg_class r ON r.oid = k.confrelid
            JOIN pg_namespace n ON n.oid = t.relnamespace
            WHERE n.nspname = '\(schema)' AND k.contype = 'f'
            """, in: location) { row in
            let (table, referenced, columns, referencedColumns) = try row.decode((String, String, String, String).self)
            return ForeignKey(
                table: table, columns: columns.split(separator: ",").map(String.init), referenced: referenced,
                referencedColumns: referencedColumns.split(separator: ",").map(String.init))
        }
    }

    static func strings(_ sql: String, in location: PostgresLocation) async throws -> [String] {
        try await rows(sql, in: location) { try $0.decode(String.self) }
    }

    static func pairs(_ sql: String, in location: PostgresLocation) async throws -> [(String, String)] {
        try await rows(sql, in: location) { try $0.decode((String, String).self) }
    }

    static func rows<Row: Sendable>(
        _ sql: String, in location: PostgresLocation, _ decode: @Sendable (PostgresRow) throws -> Row
    ) async throws -> [Row] {
        try await PostgresTestServer.rows(sql, in: location, decode)
    }
}
