import CordialCore
import CordialStore
import Foundation
import GRDB

/// Consent per contact channel on SQLite: one row per customer and channel answered, every
/// change with an audit entry, all of a call's changes in one transaction.
extension SQLiteStore {
    public func recordConsent(_ changes: [ConsentChange], source: String, at: Date) async throws -> (changed: Int, unchanged: Int) {
        try await writer.write { db in
            var changed = 0, unchanged = 0
            for change in changes {
                let id = change.customerID.rawValue
                guard try Bool.fetchOne(db, sql: "SELECT 1 FROM customer WHERE id = ? AND forgottenAt IS NULL", arguments: [id]) != nil else {
                    throw StoreError.noSuchCustomer(change.customerID)
                }
                let stored = try Bool.fetchOne(
                    db, sql: "SELECT granted FROM customerConsent WHERE customerId = ? AND channel = ?", arguments: [id, change.channel.rawValue])
                if stored == change.granted {
                    unchanged += 1
                    continue
                }
                try db.execute(sql: """
                    INSERT INTO customerConsent (customerId, channel, granted, changedAt, source) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT (customerId, channel) DO UPDATE SET granted = excluded.granted, changedAt = excluded.changedAt, source = excluded.source
                    """, arguments: [id, change.channel.rawValue, change.granted ? 1 : 0, CustomerRow.storedText(at), source])
                try db.execute(
                    sql: "INSERT INTO auditEntry (time, action, subject, detail) VALUES (?, 'consent', ?, ?)",
                    arguments: [at, "customer \(change.customerID)", "\(change.channel.rawValue) \(change.granted ? "granted" : "refused") (\(source))"])
                changed += 1
            }
            return (changed, unchanged)
        }
    }

    public func consent(of customer: CustomerID) async throws -> [ConsentRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM customerConsent WHERE customerId = ? ORDER BY channel", arguments: [customer.rawValue]).compactMap(Self.consent)
        }
    }

    public func refusedChannels(of customers: [CustomerID]) async throws -> [CustomerID: Set<ContactChannel>] {
        try await writer.read { db in
            var refused: [CustomerID: Set<ContactChannel>] = [:]
            let ids = Array(Set(customers.map(\.rawValue))).sorted()
            // In chunks: SQLite limits the number of bound values in one statement.
            for start in stride(from: 0, to: ids.count, by: 10_000) {
                let chunk = Array(ids[start..<min(ids.count, start + 10_000)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: """
                    SELECT customerId, channel FROM customerConsent WHERE granted = 0 AND customerId IN (\(marks))
                    """, arguments: StatementArguments(chunk)) {
                    guard let channel = ContactChannel(rawValue: row[1]) else { continue }
                    refused[CustomerID(row[0] as Int64), default: []].insert(channel)
                }
            }
            return refused
        }
    }

    public func consentRecords(after: CustomerID?, limit: Int) async throws -> [ConsentRecord] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM customerConsent WHERE customerId IN (
                  SELECT DISTINCT customerId FROM customerConsent WHERE customerId > ? ORDER BY customerId LIMIT ?)
                ORDER BY customerId, channel
                """, arguments: [after?.rawValue ?? 0, limit]).compactMap(Self.consent)
        }
    }

    static func consent(_ row: Row) -> ConsentRecord? {
        guard let channel = ContactChannel(rawValue: row["channel"]) else { return nil }
        return ConsentRecord(
            customerID: CustomerID(row["customerId"] as Int64), channel: channel, granted: (row["granted"] as Int64) != 0,
            changedAt: row["changedAt"], source: row["source"])
    }
}
