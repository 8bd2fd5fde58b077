import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// Feedback hooks on PostgreSQL: the queue of steps and the deliveries, each delivery with
/// the changes its hook asked for in one transaction. Two processes delivering one event
/// both insert its key; the second waits on the first's row and then writes nothing.
extension PostgresStore {
    public func queuedFeedbackEvents(limit: Int) async throws -> [FeedbackEvent] {
        try await withConnection { connection in
            try await rows("""
                SELECT \(unescaped: Self.eventColumns.split(separator: ",").map { "e." + $0.trimmingCharacters(in: .whitespaces) }.joined(separator: ", "))
                FROM feedback_hook_queue q JOIN feedback_event e ON e.customer_id = q.customer_id AND e.id = q.event_id
                ORDER BY q.event_id LIMIT \(limit)
                """, on: connection).compactMap(Self.event)
        }
    }

    public func dequeueFeedbackEvents(_ ids: [Int64]) async throws {
        guard !ids.isEmpty else { return }
        _ = try await withConnection { connection in
            try await connection.query("DELETE FROM feedback_hook_queue WHERE event_id = ANY(\(ids)::bigint[])")
        }
    }

    public func recordFeedbackHook(_ delivery: FeedbackHookDelivery, changes: [FeedbackHookChange]) async throws -> Bool {
        let at = PostgresTime.stored(delivery.at)
        return try await transaction { connection in
            let inserted = try await rows("""
                INSERT INTO feedback_hook_delivery (customer_id, plugin, key, hook, feedback_id, at, outcome, message, recovery, recovery_plan_id)
                VALUES (\(delivery.customerID?.rawValue ?? 0), \(delivery.plugin), \(delivery.key), \(delivery.hook), \(delivery.feedbackID), \(at),
                  \(delivery.outcome.rawValue), \(delivery.message), \(delivery.recovery.rawValue), \(delivery.recoveryPlanID))
                ON CONFLICT DO NOTHING RETURNING 1
                """, on: connection)
            guard !inserted.isEmpty else { return false }
            guard delivery.outcome == .done else { return true }
            for change in changes {
                _ = try await self.change(
                    delivery.feedbackID, change.change, by: nil, note: change.note, at: at, expectedVersion: nil, hook: delivery.plugin, on: connection)
            }
            return true
        }
    }

    public func feedbackHookDeliveries(_ query: FeedbackHookQuery) async throws -> [FeedbackHookDelivery] {
        var conditions = ["true"]
        if query.failedOnly { conditions.append("(outcome = 'failed' OR recovery = 'failed')") }
        if query.recoveryPending { conditions.append("recovery = 'pending'") }
        let ids = query.feedbackIDs
        if ids != nil { conditions.append("feedback_id = ANY($1::bigint[])") }
        var binds = PostgresBindings()
        if let ids { binds.append(ids) }
        let sql = """
            SELECT customer_id, plugin, key, hook, feedback_id, at, outcome, message, recovery, recovery_plan_id FROM feedback_hook_delivery
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY id LIMIT \(query.limit)
            """
        return try await withConnection { connection in
            try await rows(PostgresQuery(unsafeSQL: sql, binds: binds), on: connection).map { row in
                let (customer, plugin, key, hook, feedback, at, outcome, message, recovery, plan) =
                    try row.decode((Int64, String, String, String, Int64, Date, String, String?, String, Int64?).self)
                return FeedbackHookDelivery(
                    plugin: plugin, key: key, hook: hook, feedbackID: feedback, customerID: customer == 0 ? nil : CustomerID(customer), at: at,
                    outcome: FeedbackHookDelivery.Outcome(rawValue: outcome) ?? .failed, message: message,
                    recovery: FeedbackHookDelivery.Recovery(rawValue: recovery) ?? .failed, recoveryPlanID: plan)
            }
        }
    }

    public func setFeedbackHookRecovery(_ delivery: FeedbackHookDelivery, recovery: FeedbackHookDelivery.Recovery, planID: Int64?, message: String?) async throws {
        _ = try await withConnection { connection in
            try await connection.query("""
                UPDATE feedback_hook_delivery SET recovery = \(recovery.rawValue), recovery_plan_id = coalesce(\(planID), recovery_plan_id),
                  message = coalesce(\(message), message)
                WHERE customer_id = \(delivery.customerID?.rawValue ?? 0) AND feedback_id = \(delivery.feedbackID) AND plugin = \(delivery.plugin)
                  AND key = \(delivery.key)
                """)
        }
    }
}
