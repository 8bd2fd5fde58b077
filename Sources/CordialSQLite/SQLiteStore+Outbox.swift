import CordialCore
import CordialStore
import Foundation
import GRDB

extension SQLiteStore {
    static let outboxColumns = """
        id, customerId, actionKey, campaign, template, channel, status, createdAt, attempts, nextAttemptAt, leaseUntil, sentAt, messageId, lastError
        """

    static func outboxLetter(_ row: Row) -> OutboxLetter {
        OutboxLetter(
            id: row["id"], customerID: CustomerID(row["customerId"] as Int64), actionKey: row["actionKey"], campaign: row["campaign"],
            template: row["template"], channel: ContactChannel(rawValue: row["channel"]) ?? .email,
            status: OutboxStatus(rawValue: row["status"]) ?? .pending, createdAt: row["createdAt"], attempts: row["attempts"],
            nextAttemptAt: row["nextAttemptAt"], leaseUntil: row["leaseUntil"], sentAt: row["sentAt"], messageID: row["messageId"],
            lastError: row["lastError"])
    }

    public func outboxLetters(status: OutboxStatus?, after: Int64?, limit: Int) async throws -> [OutboxLetter] {
        try await writer.read { db in
            var sql = "SELECT \(Self.outboxColumns) FROM letterOutbox WHERE id > ?"
            var arguments: StatementArguments = [after ?? 0]
            if let status {
                sql += " AND status = ?"
                arguments += [status.rawValue]
            }
            sql += " ORDER BY id LIMIT ?"
            arguments += [limit]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map(Self.outboxLetter)
        }
    }

    public func outboxLetter(_ id: Int64) async throws -> OutboxLetter? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.outboxColumns) FROM letterOutbox WHERE id = ?", arguments: [id]).map(Self.outboxLetter)
        }
    }

    public func outboxCounts() async throws -> [OutboxStatus: Int] {
        try await writer.read { db in
            var counts: [OutboxStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT status, count(*) FROM letterOutbox GROUP BY status") {
                if let status = OutboxStatus(rawValue: row[0]) { counts[status] = row[1] }
            }
            return counts
        }
    }

    public func markUncertainLetters(now: Date) async throws -> Int {
        try await writer.write { db in
            let stale = try Row.fetchAll(db, sql: """
                SELECT id, attempts FROM letterOutbox WHERE status = 'sending' AND leaseUntil < ?
                """, arguments: [CustomerRow.storedText(now)])
            for row in stale {
                let id: Int64 = row[0], attempt: Int = row[1]
                try db.execute(sql: """
                    UPDATE letterOutbox SET status = 'uncertain', leaseUntil = NULL,
                      lastError = 'its process stopped while handing it over: it may have been delivered' WHERE id = ?
                    """, arguments: [id])
                try db.execute(sql: """
                    UPDATE letterAttempt SET outcome = 'uncertain', endedAt = ?, detail = 'no outcome recorded before the lease ended'
                    WHERE letterId = ? AND number = ? AND outcome IS NULL
                    """, arguments: [CustomerRow.storedText(now), id, attempt])
            }
            return stale.count
        }
    }

    public func claimLetters(channels: Set<ContactChannel>, limit: Int, now: Date, lease: TimeInterval) async throws -> [OutboxLetter] {
        guard !channels.isEmpty, limit > 0 else { return [] }
        return try await writer.write { db in
            let marks = Array(repeating: "?", count: channels.count).joined(separator: ", ")
            var arguments: StatementArguments = StatementArguments(channels.map(\.rawValue).sorted())
            arguments += [CustomerRow.storedText(now), limit]
            let due = try Row.fetchAll(db, sql: """
                SELECT \(Self.outboxColumns) FROM letterOutbox
                WHERE channel IN (\(marks)) AND (status = 'pending' OR (status = 'retry' AND nextAttemptAt <= ?))
                ORDER BY id LIMIT ?
                """, arguments: arguments).map(Self.outboxLetter)
            var claimed: [OutboxLetter] = []
            for var letter in due {
                letter.status = .sending
                letter.attempts += 1
                letter.leaseUntil = now + lease
                try db.execute(
                    sql: "UPDATE letterOutbox SET status = 'sending', attempts = ?, leaseUntil = ? WHERE id = ?",
                    arguments: [letter.attempts, CustomerRow.storedText(now + lease), letter.id])
                try db.execute(
                    sql: "INSERT INTO letterAttempt (customerId, letterId, number, startedAt) VALUES (?, ?, ?, ?)",
                    arguments: [letter.customerID.rawValue, letter.id, letter.attempts, CustomerRow.storedText(now)])
                claimed.append(letter)
            }
            return claimed
        }
    }

    @discardableResult
    public func finishLetter(_ id: Int64, attempt: Int, outcome: LetterOutcome, at: Date) async throws -> Bool {
        let stored = OutboxOutcomeColumns(outcome)
        return try await writer.write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM letterOutbox WHERE id = ?", arguments: [id]),
                  status == "sending" || status == "uncertain"
            else { return false }
            try db.execute(sql: """
                UPDATE letterOutbox SET status = ?, leaseUntil = NULL, nextAttemptAt = ?, sentAt = COALESCE(?, sentAt),
                  messageId = COALESCE(?, messageId), lastError = ? WHERE id = ?
                """, arguments: [
                    stored.status.rawValue, stored.next.map(CustomerRow.storedText), stored.sent ? CustomerRow.storedText(at) : nil,
                    stored.reference, stored.error, id,
                ])
            try db.execute(
                sql: "UPDATE letterAttempt SET outcome = ?, endedAt = ?, detail = ? WHERE letterId = ? AND number = ?",
                arguments: [stored.attemptOutcome, CustomerRow.storedText(at), stored.detail, id, attempt])
            return true
        }
    }

    public func resolveUncertainLetter(_ id: Int64, sent: Bool, by: String, at: Date) async throws {
        try await writer.write { db in
            guard let status = try String.fetchOne(db, sql: "SELECT status FROM letterOutbox WHERE id = ?", arguments: [id]) else {
                throw StoreError.noSuchLetter(id)
            }
            guard status == OutboxStatus.uncertain.rawValue else { throw StoreError.letterNotUncertain(id, status: status) }
            if sent {
                try db.execute(
                    sql: "UPDATE letterOutbox SET status = 'sent', sentAt = ?, lastError = NULL WHERE id = ?", arguments: [CustomerRow.storedText(at), id])
            } else {
                try db.execute(sql: "UPDATE letterOutbox SET status = 'pending', nextAttemptAt = NULL, lastError = NULL WHERE id = ?", arguments: [id])
            }
            try db.execute(
                sql: "INSERT INTO auditEntry (time, action, subject, detail) VALUES (?, 'letter', ?, ?)",
                arguments: [at, "letter \(id)", sent ? "an uncertain delivery marked delivered by \(by)" : "an uncertain delivery to be sent again, by \(by)"])
        }
    }

    public func letterAttempts(of id: Int64) async throws -> [LetterAttempt] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT letterId, number, startedAt, endedAt, outcome, detail FROM letterAttempt WHERE letterId = ? ORDER BY number
                """, arguments: [id]).map { row in
                LetterAttempt(letter: row[0], number: row[1], startedAt: row[2], endedAt: row[3], outcome: row[4], detail: row[5])
            }
        }
    }

    public func ledgerAction(customer: CustomerID, key: String) async throws -> LedgerAction? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: """
                SELECT customerId, key, campaign, planId, occasion, form, actionDay, giftCatalog, giftItem, event FROM careAction
                WHERE customerId = ? AND key = ?
                """, arguments: [customer.rawValue, key]).flatMap { row in
                guard let form = CareForm(rawValue: row["form"]), let day = CalendarDays.day(of: row["actionDay"] as String) else { return nil }
                return LedgerAction(
                    customerID: CustomerID(row["customerId"] as Int64), key: row["key"], campaign: row["campaign"], planID: row["planId"],
                    occasion: row["occasion"], form: form, actionDay: day, giftCatalog: row["giftCatalog"], giftItem: row["giftItem"], event: row["event"])
            }
        }
    }
}
