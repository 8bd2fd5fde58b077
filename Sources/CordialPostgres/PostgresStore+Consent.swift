import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// Consent per contact channel on PostgreSQL: one row per customer and channel answered,
/// every change with an audit entry, all of a call's changes in one transaction. A
/// customer's row is locked while it changes, so two processes changing the same answer
/// write one audit entry each, in turn.
extension PostgresStore {
    public func recordConsent(_ changes: [ConsentChange], source: String, at: Date) async throws -> (changed: Int, unchanged: Int) {
        let now = PostgresTime.stored(at)
        return try await transaction { connection in
            var changed = 0, unchanged = 0
            for change in changes {
                let id = change.customerID.rawValue
                guard try await value(Int64.self, "SELECT id FROM customer WHERE id = \(id) AND forgotten_at IS NULL FOR SHARE", on: connection) != nil else {
                    throw StoreError.noSuchCustomer(change.customerID)
                }
                let stored = try await value(Int16.self, """
                    SELECT granted FROM customer_consent WHERE customer_id = \(id) AND channel = \(change.channel.rawValue) FOR UPDATE
                    """, on: connection)
                let granted: Int16 = change.granted ? 1 : 0
                if stored == granted {
                    unchanged += 1
                    continue
                }
                try await connection.query("""
                    INSERT INTO customer_consent (customer_id, channel, granted, changed_at, source)
                    VALUES (\(id), \(change.channel.rawValue), \(granted), \(now), \(source))
                    ON CONFLICT (customer_id, channel) DO UPDATE SET granted = excluded.granted, changed_at = excluded.changed_at, source = excluded.source
                    """)
                try await connection.query("""
                    INSERT INTO audit_entry (time, action, subject, detail)
                    VALUES (\(now), 'consent', \("customer \(change.customerID)"), \("\(change.channel.rawValue) \(change.granted ? "granted" : "refused") (\(source))"))
                    """)
                changed += 1
            }
            return (changed, unchanged)
        }
    }

    public func consent(of customer: CustomerID) async throws -> [ConsentRecord] {
        try await withConnection { connection in
            try await rows("""
                SELECT customer_id, channel, granted, changed_at, source FROM customer_consent WHERE customer_id = \(customer.rawValue) ORDER BY channel
                """, on: connection).compactMap(Self.consent)
        }
    }

    public func refusedChannels(of customers: [CustomerID]) async throws -> [CustomerID: Set<ContactChannel>] {
        let ids = Array(Set(customers.map(\.rawValue))).sorted()
        guard !ids.isEmpty else { return [:] }
        return try await withConnection { connection in
            var refused: [CustomerID: Set<ContactChannel>] = [:]
            for row in try await rows(
                "SELECT customer_id, channel FROM customer_consent WHERE granted = 0 AND customer_id = ANY(\(ids)::bigint[])", on: connection) {
                let (customer, name) = try row.decode((Int64, String).self)
                guard let channel = ContactChannel(rawValue: name) else { continue }
                refused[CustomerID(customer), default: []].insert(channel)
            }
            return refused
        }
    }

    public func consentRecords(after: CustomerID?, limit: Int) async throws -> [ConsentRecord] {
        try await withConnection { connection in
            try await rows("""
                SELECT customer_id, channel, granted, changed_at, source FROM customer_consent WHERE customer_id IN (
                  SELECT DISTINCT customer_id FROM customer_consent WHERE customer_id > \(after?.rawValue ?? 0) ORDER BY customer_id LIMIT \(limit))
                ORDER BY customer_id, channel
                """, on: connection).compactMap(Self.consent)
        }
    }

    static func consent(_ row: PostgresRow) throws -> ConsentRecord? {
        let (customer, name, granted, changedAt, source) = try row.decode((Int64, String, Int16, Date, String).self)
        guard let channel = ContactChannel(rawValue: name) else { return nil }
        return ConsentRecord(customerID: CustomerID(customer), channel: channel, granted: granted != 0, changedAt: changedAt, source: source)
    }
}
