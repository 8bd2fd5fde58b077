import CordialCore
import CordialStore
import Foundation
import GRDB

/// Feedback on SQLite: each case a row, each step a `feedbackEvent` row, a change and its
/// step in one transaction (SQLite's single writer serialises changes to a case).
extension SQLiteStore {
    public func addFeedback(_ items: [Feedback], history: [[FeedbackArchiveStep]], by actor: Int64?, at: Date) async throws -> (added: [Feedback], present: Int) {
        try FeedbackColumns.check(items, history: history)
        return try await writer.write { db in
            if let actor, try Bool.fetchOne(db, sql: "SELECT 1 FROM staff WHERE id = ?", arguments: [actor]) == nil { throw StoreError.noSuchStaff(actor) }
            var added: [Feedback] = []
            var present = 0
            // Statements compiled once for the batch: an import adds cases by the hundred thousand.
            let customerAlive = try db.cachedStatement(sql: "SELECT 1 FROM customer WHERE id = ? AND forgottenAt IS NULL")
            let known = try db.cachedStatement(sql: "SELECT 1 FROM feedback WHERE source = ? AND externalID = ?")
            let insert = try db.cachedStatement(sql: """
                INSERT INTO feedback (customerId, source, externalID, channel, kind, category, severity, text, language, csat, nps,
                  contact, ownerId, team, status, receivedAt, updatedAt, version)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)
                """)
            var checked: Set<Int64> = []
            for (index, item) in items.enumerated() {
                let steps = index < history.count ? history[index] : []
                if let customer = item.customerID, !checked.contains(customer.rawValue) {
                    guard try Bool.fetchOne(customerAlive, arguments: [customer.rawValue]) != nil else { throw StoreError.noSuchCustomer(customer) }
                    checked.insert(customer.rawValue)
                }
                let key = FeedbackColumns.customerKey(item)
                if let externalID = item.externalID, try Bool.fetchOne(known, arguments: [item.source, externalID]) != nil {
                    present += 1
                    continue
                }
                try insert.execute(arguments: [
                    key, item.source, item.externalID, item.channel.rawValue, item.kind.rawValue, item.category, item.severity.rawValue,
                    item.text, item.language, item.csat, item.nps, FeedbackColumns.contactText(item.contact), item.ownerID, item.team,
                    item.status.rawValue, item.receivedAt, item.receivedAt,
                ])
                var stored = item
                stored.id = db.lastInsertedRowID
                stored.updatedAt = item.receivedAt
                stored.version = 1
                try Self.insert(FeedbackEvent(feedbackID: stored.id!, at: item.receivedAt, actorID: actor, action: .received, to: item.status),
                                customer: key, into: db, queued: steps.isEmpty)
                var status = item.status
                for step in steps {
                    try Self.insert(
                        FeedbackEvent(feedbackID: stored.id!, at: step.at, actorID: nil, action: .status, from: status, to: step.status, note: "archive"),
                        customer: key, into: db, queued: false)
                    status = step.status
                }
                if let last = steps.last {
                    try db.execute(sql: "UPDATE feedback SET status = ?, updatedAt = ? WHERE id = ?", arguments: [last.status.rawValue, last.at, stored.id])
                    stored.status = last.status
                    stored.updatedAt = last.at
                }
                added.append(stored)
            }
            return (added, present)
        }
    }

    public func feedback(_ id: Int64) async throws -> Feedback? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM feedback WHERE id = ?", arguments: [id]).map(Self.feedback)
        }
    }

    public func feedbackList(_ query: FeedbackQuery) async throws -> [Feedback] {
        try await writer.read { db in
            let (conditions, arguments) = Self.conditions(query, paged: true)
            return try Row.fetchAll(db, sql: "SELECT * FROM feedback WHERE \(conditions) ORDER BY id DESC LIMIT ?",
                                    arguments: arguments + [query.limit]).map(Self.feedback)
        }
    }

    public func countFeedback(_ query: FeedbackQuery) async throws -> Int {
        try await writer.read { db in
            let (conditions, arguments) = Self.conditions(query, paged: false)
            return try Int.fetchOne(db, sql: "SELECT count(*) FROM feedback WHERE \(conditions)", arguments: arguments) ?? 0
        }
    }

    public func changeFeedback(
        _ id: Int64, _ change: FeedbackChange, by actor: Int64?, note: String?, at: Date, expectedVersion: Int?
    ) async throws -> Feedback {
        try await writer.write { db in
            try Self.change(id, change, by: actor, note: note, at: at, expectedVersion: expectedVersion, hook: nil, in: db)
        }
    }

    /// A change and its step, inside the caller's transaction: what ``changeFeedback`` and a
    /// hook's delivery (`hook`: its plugin) both write.
    static func change(
        _ id: Int64, _ change: FeedbackChange, by actor: Int64?, note: String?, at: Date, expectedVersion: Int?, hook: String?, in db: Database
    ) throws -> Feedback {
        guard let current = try Row.fetchOne(db, sql: "SELECT * FROM feedback WHERE id = ?", arguments: [id]).map(Self.feedback) else {
            throw StoreError.noSuchFeedback(id)
        }
        if let expectedVersion, expectedVersion != current.version {
            throw StoreError.staleFeedback(id, expected: expectedVersion, found: current.version)
        }
        if note != nil, current.customerID != nil, try Bool.fetchOne(
            db, sql: "SELECT forgottenAt IS NOT NULL FROM customer WHERE id = ?", arguments: [FeedbackColumns.customerKey(current)]) == true {
            throw StoreError.invalidFeedback(FeedbackColumns.forgottenNote)
        }
        for staff in [actor, { if case .assign(let owner, _) = change { owner } else { nil } }()].compactMap({ $0 }) {
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM staff WHERE id = ?", arguments: [staff]) != nil else { throw StoreError.noSuchStaff(staff) }
        }
        var (changed, event) = try FeedbackRules.apply(change, to: current, by: actor, note: note, at: at)
        event.hook = hook
        try db.execute(sql: """
            UPDATE feedback SET status = ?, ownerId = ?, team = ?, csat = ?, nps = ?, category = ?, severity = ?, updatedAt = ?, version = ? WHERE id = ?
            """, arguments: [
                changed.status.rawValue, changed.ownerID, changed.team, changed.csat, changed.nps, changed.category, changed.severity.rawValue,
                changed.updatedAt, changed.version, id,
            ])
        try Self.insert(event, customer: FeedbackColumns.customerKey(current), into: db)
        return changed
    }

    public func feedbackEvents(of id: Int64) async throws -> [FeedbackEvent] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM feedbackEvent WHERE feedbackId = ? ORDER BY id", arguments: [id]).compactMap(Self.event)
        }
    }

    public func feedbackEvents(ofCases ids: [Int64]) async throws -> [Int64: [FeedbackEvent]] {
        try await writer.read { db in
            var events: [Int64: [FeedbackEvent]] = [:]
            let unique = Array(Set(ids)).sorted()
            // In chunks: SQLite limits the number of bound values in one statement.
            for start in stride(from: 0, to: unique.count, by: 10_000) {
                let chunk = Array(unique[start..<min(unique.count, start + 10_000)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: "SELECT * FROM feedbackEvent WHERE feedbackId IN (\(marks)) ORDER BY id",
                                            arguments: StatementArguments(chunk)) {
                    if let event = Self.event(row) { events[event.feedbackID, default: []].append(event) }
                }
            }
            return events
        }
    }

    static func event(_ row: Row) -> FeedbackEvent? {
        guard let action = FeedbackEvent.Action(rawValue: row["action"]) else { return nil }
        return FeedbackEvent(
            feedbackID: row["feedbackId"], at: row["at"], actorID: row["actorId"], action: action,
            from: (row["fromStatus"] as String?).flatMap(FeedbackStatus.init), to: (row["toStatus"] as String?).flatMap(FeedbackStatus.init),
            note: row["note"], compensation: FeedbackColumns.compensation(form: row["compensationForm"], amount: row["compensationAmount"], currency: row["compensationCurrency"]),
            id: row["id"], hook: row["hook"])
    }

    public func feedbackTallies(_ query: FeedbackQuery, by grouping: FeedbackGrouping) async throws -> [FeedbackTally] {
        try await writer.read { db in
            let (conditions, filters) = Self.conditions(query, paged: false, table: "f")
            var arguments: StatementArguments = []
            var join = ""
            func shifted(_ offset: Int) -> String { "'\(offset >= 0 ? "+" : "")\(offset) seconds'" }
            let keys: [String]
            switch grouping {
            case .category: keys = ["f.category"]
            case .categoryAndWeek(let offset): keys = ["f.category", "date(f.receivedAt, \(shifted(offset)), 'weekday 0', '-6 days')"]
            case .month(let offset): keys = ["strftime('%Y-%m', f.receivedAt, \(shifted(offset)))"]
            case .segmentLabel(let segment):
                join = "LEFT JOIN segmentMember m ON m.customerId = f.customerId AND m.segment = ? AND m.leftAt IS NULL"
                arguments += [segment]
                keys = ["coalesce(m.label, '')"]
            case .teamAndCategory: keys = ["coalesce(f.team, '')", "f.category"]
            }
            arguments += filters
            let rows = try Row.fetchAll(db, sql: """
                SELECT \(keys.enumerated().map { "\($1) AS k\($0)" }.joined(separator: ", ")), count(*), count(f.csat), coalesce(sum(f.csat), 0),
                  coalesce(sum(f.csat >= 4), 0), count(f.nps), coalesce(sum(f.nps >= 9), 0), coalesce(sum(f.nps <= 6), 0)
                FROM feedback f \(join) WHERE \(conditions)
                GROUP BY \(keys.indices.map { "k\($0)" }.joined(separator: ", ")) ORDER BY \(keys.indices.map { "k\($0)" }.joined(separator: ", "))
                """, arguments: arguments)
            return rows.map { row in
                let width = keys.count
                return FeedbackTally(
                    key: (0..<width).map { (row[$0] as String?) ?? "" }, cases: row[width], csatAnswers: row[width + 1], csatTotal: row[width + 2],
                    csatSatisfied: row[width + 3], npsAnswers: row[width + 4], promoters: row[width + 5], detractors: row[width + 6])
            }
        }
    }

    /// Records a step; one no hook made is queued for the hooks in the same transaction, unless
    /// it is not `queued` (an archive's).
    static func insert(_ event: FeedbackEvent, customer: Int64, into db: Database, queued: Bool = true) throws {
        try db.cachedStatement(sql: """
            INSERT INTO feedbackEvent (customerId, feedbackId, at, actorId, action, fromStatus, toStatus, note, compensationForm, compensationAmount,
              compensationCurrency, hook) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """).execute(arguments: [
                customer, event.feedbackID, event.at, event.actorID, event.action.rawValue, event.from?.rawValue, event.to?.rawValue, event.note,
                event.compensation?.form, event.compensation?.amount.amountText, event.compensation?.amount.currency, event.hook,
            ])
        guard event.hook == nil, queued else { return }
        try db.cachedStatement(sql: "INSERT INTO feedbackHookQueue (eventId, customerId, feedbackId) VALUES (?, ?, ?)")
            .execute(arguments: [db.lastInsertedRowID, customer, event.feedbackID])
    }

    static func conditions(_ query: FeedbackQuery, paged: Bool, table: String = "") -> (String, StatementArguments) {
        let t = table.isEmpty ? "" : table + "."
        var conditions = ["1 = 1"]
        var arguments: StatementArguments = []
        if let statuses = query.statuses {
            conditions.append("\(t)status IN (\(statuses.isEmpty ? "NULL" : Array(repeating: "?", count: statuses.count).joined(separator: ",")))")
            arguments += StatementArguments(statuses.map(\.rawValue).sorted())
        }
        if let kind = query.kind {
            conditions.append("\(t)kind = ?")
            arguments += [kind.rawValue]
        }
        if let category = query.category {
            conditions.append("(\(t)category = ? OR substr(\(t)category, 1, ?) = ?)")
            arguments += [category, category.unicodeScalars.count + 1, category + "/"]
        }
        if let customer = query.customer {
            conditions.append("\(t)customerId = ?")
            arguments += [customer.rawValue]
        }
        if let owner = query.ownerID {
            conditions.append("\(t)ownerId = ?")
            arguments += [owner]
        }
        if query.unassigned { conditions.append("\(t)ownerId IS NULL") }
        if let severities = query.severities {
            conditions.append("\(t)severity IN (\(severities.isEmpty ? "NULL" : Array(repeating: "?", count: severities.count).joined(separator: ",")))")
            arguments += StatementArguments(severities.map(\.rawValue).sorted())
        }
        if let team = query.team {
            conditions.append("\(t)team = ?")
            arguments += [team]
        }
        if let from = query.receivedFrom {
            conditions.append("\(t)receivedAt >= ?")
            arguments += [from]
        }
        if let before = query.receivedBefore {
            conditions.append("\(t)receivedAt < ?")
            arguments += [before]
        }
        if paged, let before = query.before {
            conditions.append("\(t)id < ?")
            arguments += [before]
        }
        return (conditions.joined(separator: " AND "), arguments)
    }

    static func feedback(_ row: Row) -> Feedback {
        let customer: Int64 = row["customerId"]
        return Feedback(
            id: row["id"], customerID: customer == 0 ? nil : CustomerID(customer), contact: FeedbackColumns.contact(row["contact"]),
            source: row["source"], externalID: row["externalID"],
            channel: FeedbackChannel(rawValue: row["channel"]) ?? .web, kind: FeedbackKind(rawValue: row["kind"]) ?? .question,
            category: row["category"], severity: FeedbackSeverity(rawValue: row["severity"]) ?? .medium, text: row["text"],
            language: row["language"], csat: row["csat"], nps: row["nps"], ownerID: row["ownerId"], team: row["team"],
            status: FeedbackStatus(rawValue: row["status"]) ?? .received, receivedAt: row["receivedAt"], updatedAt: row["updatedAt"],
            version: row["version"])
    }
}
