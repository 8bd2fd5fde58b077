import CordialCore
import CordialStore
import Foundation
import GRDB

/// Feedback hooks on SQLite: the queue of steps and the deliveries, each delivery with the
/// changes its hook asked for in one transaction.
extension SQLiteStore {
    public func queuedFeedbackEvents(limit: Int) async throws -> [FeedbackEvent] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT e.* FROM feedbackHookQueue q JOIN feedbackEvent e ON e.id = q.eventId ORDER BY q.eventId LIMIT ?
                """, arguments: [limit]).compactMap(Self.event)
        }
    }

    public func dequeueFeedbackEvents(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        try await writer.write { db in
            let delete = try db.cachedStatement(sql: "DELETE FROM feedbackHookQueue WHERE eventId = ?")
            for id in ids { try delete.execute(arguments: [id]) }
        }
    }

    public func recordFeedbackHook(_ delivery: FeedbackHookDelivery, changes: [FeedbackHookChange]) async throws -> Bool {
        try await writer.write { db in
            let customer = delivery.customerID?.rawValue ?? 0
            try db.execute(sql: """
                INSERT INTO feedbackHookDelivery (customerId, plugin, key, hook, feedbackId, at, outcome, message, recovery, recoveryPlanId)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, arguments: [
                    customer, delivery.plugin, delivery.key, delivery.hook, delivery.feedbackID, delivery.at, delivery.outcome.rawValue,
                    delivery.message, delivery.recovery.rawValue, delivery.recoveryPlanID,
                ])
            guard db.changesCount == 1 else { return false }
            guard delivery.outcome == .done else { return true }
            for change in changes {
                _ = try Self.change(
                    delivery.feedbackID, change.change, by: nil, note: change.note, at: delivery.at, expectedVersion: nil, hook: delivery.plugin, in: db)
            }
            return true
        }
    }

    public func feedbackHookDeliveries(_ query: FeedbackHookQuery) async throws -> [FeedbackHookDelivery] {
        try await writer.read { db in
            var conditions = ["1 = 1"]
            var arguments: StatementArguments = []
            if let ids = query.feedbackIDs {
                conditions.append("feedbackId IN (\(ids.isEmpty ? "NULL" : Array(repeating: "?", count: ids.count).joined(separator: ",")))")
                arguments += StatementArguments(ids)
            }
            if query.failedOnly { conditions.append("(outcome = 'failed' OR recovery = 'failed')") }
            if query.recoveryPending { conditions.append("recovery = 'pending'") }
            return try Row.fetchAll(db, sql: """
                SELECT * FROM feedbackHookDelivery WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT ?
                """, arguments: arguments + [query.limit]).map { row in
                    let customer: Int64 = row["customerId"]
                    return FeedbackHookDelivery(
                        plugin: row["plugin"], key: row["key"], hook: row["hook"], feedbackID: row["feedbackId"],
                        customerID: customer == 0 ? nil : CustomerID(customer), at: row["at"],
                        outcome: FeedbackHookDelivery.Outcome(rawValue: row["outcome"]) ?? .failed, message: row["message"],
                        recovery: FeedbackHookDelivery.Recovery(rawValue: row["recovery"]) ?? .failed, recoveryPlanID: row["recoveryPlanId"])
                }
        }
    }

    public func setFeedbackHookRecovery(_ delivery: FeedbackHookDelivery, recovery: FeedbackHookDelivery.Recovery, planID: Int64?, message: String?) async throws {
        try await writer.write { db in
            try db.execute(sql: """
                UPDATE feedbackHookDelivery SET recovery = ?, recoveryPlanId = coalesce(?, recoveryPlanId), message = coalesce(?, message)
                WHERE customerId = ? AND feedbackId = ? AND plugin = ? AND key = ?
                """, arguments: [recovery.rawValue, planID, message, delivery.customerID?.rawValue ?? 0, delivery.feedbackID, delivery.plugin, delivery.key])
        }
    }
}
