import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// The outbox and its delivery ledger on PostgreSQL. Claims take due letters with `FOR UPDATE
/// SKIP LOCKED`, so that several delivering processes never take the same letter; a letter
/// is `sending` (committed) before it is handed to anyone.
extension PostgresStore {
    static let outboxColumns = """
        id, customer_id, action_key, campaign, template, channel, status, created_at, attempts, next_attempt_at, lease_until, sent_at, \
        message_id, last_error
        """

    static func outboxLetter(_ row: PostgresRow) throws -> OutboxLetter {
        let (id, customer, key, campaign, template, channel, status, created, attempts, next, lease, sent, message, error) = try row.decode(
            (Int64, Int64, String, String, String, String, String, Date, Int, Date?, Date?, Date?, String?, String?).self)
        return OutboxLetter(
            id: id, customerID: CustomerID(customer), actionKey: key, campaign: campaign, template: template,
            channel: ContactChannel(rawValue: channel) ?? .email, status: OutboxStatus(rawValue: status) ?? .pending, createdAt: created,
            attempts: attempts, nextAttemptAt: next, leaseUntil: lease, sentAt: sent, messageID: message, lastError: error)
    }

    public func outboxLetters(status: OutboxStatus?, after: Int64?, limit: Int) async throws -> [OutboxLetter] {
        try await withConnection { connection in
            let query: PostgresQuery = if let status {
                "SELECT \(unescaped: Self.outboxColumns) FROM letter_outbox WHERE id > \(after ?? 0) AND status = \(status.rawValue) ORDER BY id LIMIT \(limit)"
            } else {
                "SELECT \(unescaped: Self.outboxColumns) FROM letter_outbox WHERE id > \(after ?? 0) ORDER BY id LIMIT \(limit)"
            }
            return try await rows(query, on: connection).map(Self.outboxLetter)
        }
    }

    public func outboxLetter(_ id: Int64) async throws -> OutboxLetter? {
        try await withConnection { connection in
            try await rows("SELECT \(unescaped: Self.outboxColumns) FROM letter_outbox WHERE id = \(id)", on: connection).first.map(Self.outboxLetter)
        }
    }

    public func outboxCounts() async throws -> [OutboxStatus: Int] {
        try await withConnection { connection in
            var counts: [OutboxStatus: Int] = [:]
            for row in try await rows("SELECT status, count(*)::bigint FROM letter_outbox GROUP BY status", on: connection) {
                let (name, count) = try row.decode((String, Int).self)
                if let status = OutboxStatus(rawValue: name) { counts[status] = count }
            }
            return counts
        }
    }

    public func markUncertainLetters(now: Date) async throws -> Int {
        let at = PostgresTime.stored(now)
        return try await transaction { connection in
            let stale = try await rows("""
                UPDATE letter_outbox SET status = 'uncertain', lease_until = NULL,
                  last_error = 'its process stopped while handing it over: it may have been delivered'
                WHERE status = 'sending' AND lease_until < \(at) RETURNING customer_id, id, attempts
                """, on: connection)
            for row in stale {
                let (customer, id, attempt) = try row.decode((Int64, Int64, Int).self)
                try await connection.query("""
                    UPDATE letter_attempt SET outcome = 'uncertain', ended_at = \(at), detail = 'no outcome recorded before the lease ended'
                    WHERE customer_id = \(customer) AND letter_id = \(id) AND number = \(attempt) AND outcome IS NULL
                    """)
            }
            return stale.count
        }
    }

    public func claimLetters(channels: Set<ContactChannel>, limit: Int, now: Date, lease: TimeInterval) async throws -> [OutboxLetter] {
        guard !channels.isEmpty, limit > 0 else { return [] }
        let at = PostgresTime.stored(now), until = PostgresTime.stored(now + lease)
        let names = channels.map(\.rawValue).sorted()
        return try await transaction { connection in
            let claimed = try await rows("""
                UPDATE letter_outbox SET status = 'sending', attempts = attempts + 1, lease_until = \(until)
                WHERE (customer_id, id) IN (
                  SELECT customer_id, id FROM letter_outbox
                  WHERE channel = ANY(\(names)::text[]) AND (status = 'pending' OR (status = 'retry' AND next_attempt_at <= \(at)))
                  ORDER BY id LIMIT \(limit) FOR UPDATE SKIP LOCKED)
                RETURNING \(unescaped: Self.outboxColumns)
                """, on: connection).map(Self.outboxLetter).sorted { $0.id < $1.id }
            for letter in claimed {
                try await connection.query("""
                    INSERT INTO letter_attempt (customer_id, letter_id, number, started_at)
                    VALUES (\(letter.customerID.rawValue), \(letter.id), \(letter.attempts), \(at))
                    """)
            }
            return claimed
        }
    }

    @discardableResult
    public func finishLetter(_ id: Int64, attempt: Int, outcome: LetterOutcome, at: Date) async throws -> Bool {
        let stored = OutboxOutcomeColumns(outcome)
        let time = PostgresTime.stored(at)
        return try await transaction { connection in
            let finished = try await rows("""
                UPDATE letter_outbox SET status = \(stored.status.rawValue), lease_until = NULL, next_attempt_at = \(stored.next.map(PostgresTime.stored)),
                  sent_at = CASE WHEN \(stored.sent) THEN \(time) ELSE sent_at END, message_id = COALESCE(\(stored.reference), message_id),
                  last_error = \(stored.error)
                WHERE id = \(id) AND status IN ('sending', 'uncertain') RETURNING customer_id
                """, on: connection)
            guard let row = finished.first else { return false }
            let customer = try row.decode(Int64.self)
            try await connection.query("""
                UPDATE letter_attempt SET outcome = \(stored.attemptOutcome), ended_at = \(time), detail = \(stored.detail)
                WHERE customer_id = \(customer) AND letter_id = \(id) AND number = \(attempt)
                """)
            return true
        }
    }

    public func resolveUncertainLetter(_ id: Int64, sent: Bool, by: String, at: Date) async throws {
        let time = PostgresTime.stored(at)
        try await transaction { connection in
            guard let status = try await value(String.self, "SELECT status FROM letter_outbox WHERE id = \(id) FOR UPDATE", on: connection) else {
                throw StoreError.noSuchLetter(id)
            }
            guard status == OutboxStatus.uncertain.rawValue else { throw StoreError.letterNotUncertain(id, status: status) }
            if sent {
                try await connection.query("UPDATE letter_outbox SET status = 'sent', sent_at = \(time), last_error = NULL WHERE id = \(id)")
            } else {
                try await connection.query("UPDATE letter_outbox SET status = 'pending', next_attempt_at = NULL, last_error = NULL WHERE id = \(id)")
            }
            let detail = sent ? "an uncertain delivery marked delivered by \(by)" : "an uncertain delivery to be sent again, by \(by)"
            try await connection.query("""
                INSERT INTO audit_entry (time, action, subject, detail) VALUES (\(time), 'letter', \("letter \(id)"), \(detail))
                """)
        }
    }

    public func letterAttempts(of id: Int64) async throws -> [LetterAttempt] {
        try await withConnection { connection in
            try await rows("""
                SELECT letter_id, number, started_at, ended_at, outcome, detail FROM letter_attempt WHERE letter_id = \(id) ORDER BY number
                """, on: connection).map { row in
                let (letter, number, started, ended, outcome, detail) = try row.decode((Int64, Int, Date, Date?, String?, String?).self)
                return LetterAttempt(letter: letter, number: number, startedAt: started, endedAt: ended, outcome: outcome, detail: detail)
            }
        }
    }

    public func ledgerAction(customer: CustomerID, key: String) async throws -> LedgerAction? {
        try await withConnection { connection in
            guard let row = try await rows("""
                SELECT customer_id, key, campaign, plan_id, occasion, form, action_day, gift_catalog, gift_item, event FROM care_action
                WHERE customer_id = \(customer.rawValue) AND key = \(key)
                """, on: connection).first else { return nil }
            let (id, key, campaign, plan, occasion, form, day, catalog, item, event) = try row.decode(
                (Int64, String, String, Int64, String, String, String, String?, String?, String?).self)
            guard let form = CareForm(rawValue: form), let actionDay = CalendarDays.day(of: day) else { return nil }
            return LedgerAction(
                customerID: CustomerID(id), key: key, campaign: campaign, planID: plan, occasion: occasion, form: form, actionDay: actionDay,
                giftCatalog: catalog, giftItem: item, event: event)
        }
    }
}
