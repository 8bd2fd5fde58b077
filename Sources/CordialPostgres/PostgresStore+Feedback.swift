import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// Feedback on PostgreSQL: each case a row filed under its customer (anonymous ones under 0),
/// each step a `feedback_event` row, a change and its step in one transaction with the
/// case's row locked, so that two members of staff changing one case take turns and the
/// second sees the first's status.
extension PostgresStore {
    static let feedbackColumns = """
        customer_id, id, source, external_id, channel, kind, category, severity, text, language, csat, nps, contact, owner_id, team,
        status, received_at, updated_at, version
        """

    public func addFeedback(_ items: [Feedback], history: [[FeedbackArchiveStep]], by actor: Int64?, at: Date) async throws -> (added: [Feedback], present: Int) {
        try FeedbackColumns.check(items, history: history)
        return try await transaction { connection in
            if let actor, try await value(Int64.self, "SELECT id FROM staff WHERE id = \(actor)", on: connection) == nil { throw StoreError.noSuchStaff(actor) }
            var added: [Feedback] = []
            var present = 0
            for (index, item) in items.enumerated() {
                let steps = index < history.count ? history[index] : []
                if let customer = item.customerID {
                    guard try await value(Int64.self, "SELECT id FROM customer WHERE id = \(customer.rawValue) AND forgotten_at IS NULL FOR SHARE",
                                          on: connection) != nil else {
                        throw StoreError.noSuchCustomer(customer)
                    }
                }
                let key = FeedbackColumns.customerKey(item)
                let received = PostgresTime.stored(item.receivedAt)
                let csat = item.csat.map(Int16.init), nps = item.nps.map(Int16.init)
                // ON CONFLICT: an import read twice, or two processes importing one file, adds each case once.
                let id = try await value(Int64.self, """
                    INSERT INTO feedback (customer_id, source, external_id, channel, kind, category, severity, text, language, csat, nps,
                      contact, owner_id, team, status, received_at, updated_at, version)
                    VALUES (\(key), \(item.source), \(item.externalID), \(item.channel.rawValue), \(item.kind.rawValue), \(item.category),
                      \(item.severity.rawValue), \(item.text), \(item.language), \(csat), \(nps), \(FeedbackColumns.contactText(item.contact)),
                      \(item.ownerID), \(item.team), \(item.status.rawValue), \(received), \(received), 1)
                    ON CONFLICT (source, external_id) DO NOTHING
                    RETURNING id
                    """, on: connection)
                guard let id else {
                    present += 1
                    continue
                }
                var stored = item
                stored.id = id
                stored.receivedAt = received
                stored.updatedAt = received
                stored.version = 1
                try await Self.insert(
                    FeedbackEvent(feedbackID: id, at: received, actorID: actor, action: .received, to: item.status), customer: key, on: connection,
                    queued: steps.isEmpty)
                var status = item.status
                for step in steps {
                    try await Self.insert(
                        FeedbackEvent(feedbackID: id, at: step.at, actorID: nil, action: .status, from: status, to: step.status, note: "archive"),
                        customer: key, on: connection, queued: false)
                    status = step.status
                }
                if let last = steps.last {
                    let time = PostgresTime.stored(last.at)
                    try await connection.query("""
                        UPDATE feedback SET status = \(last.status.rawValue), updated_at = \(time) WHERE customer_id = \(key) AND id = \(id)
                        """)
                    stored.status = last.status
                    stored.updatedAt = time
                }
                added.append(stored)
            }
            return (added, present)
        }
    }

    public func feedback(_ id: Int64) async throws -> Feedback? {
        try await withConnection { connection in
            try await rows(PostgresQuery(unsafeSQL: "SELECT \(Self.feedbackColumns) FROM feedback WHERE id = $1", binds: Self.bindings(id)),
                           on: connection).first.map(Self.feedback)
        }
    }

    public func feedbackList(_ query: FeedbackQuery) async throws -> [Feedback] {
        try await withConnection { connection in
            var (conditions, bindings) = Self.conditions(query, paged: true)
            bindings.append(query.limit)
            return try await rows(PostgresQuery(unsafeSQL: """
                SELECT \(Self.feedbackColumns) FROM feedback WHERE \(conditions) ORDER BY id DESC LIMIT $\(bindings.count)
                """, binds: bindings), on: connection).map(Self.feedback)
        }
    }

    public func countFeedback(_ query: FeedbackQuery) async throws -> Int {
        try await withConnection { connection in
            let (conditions, bindings) = Self.conditions(query, paged: false)
            return Int(try await value(Int64.self, PostgresQuery(unsafeSQL: "SELECT count(*) FROM feedback WHERE \(conditions)", binds: bindings),
                                       on: connection) ?? 0)
        }
    }

    public func changeFeedback(
        _ id: Int64, _ change: FeedbackChange, by actor: Int64?, note: String?, at: Date, expectedVersion: Int?
    ) async throws -> Feedback {
        try await transaction { connection in
            try await self.change(id, change, by: actor, note: note, at: at, expectedVersion: expectedVersion, hook: nil, on: connection)
        }
    }

    /// A change and its step, inside the caller's transaction (the case's row locked): what
    /// ``changeFeedback`` and a hook's delivery (`hook`: its plugin) both write.
    func change(
        _ id: Int64, _ change: FeedbackChange, by actor: Int64?, note: String?, at: Date, expectedVersion: Int?, hook: String?,
        on connection: PostgresSession
    ) async throws -> Feedback {
        let now = PostgresTime.stored(at)
        guard let current = try await rows(PostgresQuery(
            unsafeSQL: "SELECT \(Self.feedbackColumns) FROM feedback WHERE id = $1 FOR UPDATE", binds: Self.bindings(id)), on: connection)
            .first.map(Self.feedback)
        else { throw StoreError.noSuchFeedback(id) }
        if let expectedVersion, expectedVersion != current.version {
            throw StoreError.staleFeedback(id, expected: expectedVersion, found: current.version)
        }
        if note != nil, current.customerID != nil, try await value(
            Bool.self, "SELECT forgotten_at IS NOT NULL FROM customer WHERE id = \(FeedbackColumns.customerKey(current))", on: connection) == true {
            throw StoreError.invalidFeedback(FeedbackColumns.forgottenNote)
        }
        let owner: Int64? = if case .assign(let owner, _) = change { owner } else { nil }
        for staff in [actor, owner].compactMap({ $0 }) {
            guard try await value(Int64.self, "SELECT id FROM staff WHERE id = \(staff)", on: connection) != nil else { throw StoreError.noSuchStaff(staff) }
        }
        var (changed, event) = try FeedbackRules.apply(change, to: current, by: actor, note: note, at: now)
        event.hook = hook
        let key = FeedbackColumns.customerKey(current)
        let csat = changed.csat.map(Int16.init), nps = changed.nps.map(Int16.init)
        try await connection.query("""
            UPDATE feedback SET status = \(changed.status.rawValue), owner_id = \(changed.ownerID), team = \(changed.team), csat = \(csat),
              nps = \(nps), category = \(changed.category), severity = \(changed.severity.rawValue), updated_at = \(now), version = \(changed.version)
            WHERE customer_id = \(key) AND id = \(id)
            """)
        try await Self.insert(event, customer: key, on: connection)
        return changed
    }

    public func feedbackEvents(of id: Int64) async throws -> [FeedbackEvent] {
        try await withConnection { connection in
            try await rows("""
                SELECT \(unescaped: Self.eventColumns) FROM feedback_event WHERE feedback_id = \(id) ORDER BY id
                """, on: connection).compactMap(Self.event)
        }
    }

    public func feedbackEvents(ofCases ids: [Int64]) async throws -> [Int64: [FeedbackEvent]] {
        let unique = Array(Set(ids)).sorted()
        guard !unique.isEmpty else { return [:] }
        return try await withConnection { connection in
            var events: [Int64: [FeedbackEvent]] = [:]
            for start in stride(from: 0, to: unique.count, by: 50_000) {
                let chunk = Array(unique[start..<min(unique.count, start + 50_000)])
                for row in try await rows("""
                    SELECT \(unescaped: Self.eventColumns) FROM feedback_event WHERE feedback_id = ANY(\(chunk)::bigint[]) ORDER BY id
                    """, on: connection) {
                    if let event = try Self.event(row) { events[event.feedbackID, default: []].append(event) }
                }
            }
            return events
        }
    }

    /// The columns of an event as ``event(_:)`` reads them (the amount as its exact text).
    static let eventColumns =
        "feedback_id, at, actor_id, action, from_status, to_status, note, compensation_form, compensation_amount::text, compensation_currency, id, hook"

    static func event(_ row: PostgresRow) throws -> FeedbackEvent? {
        let (feedback, at, actor, action, from, to, note, form, amount, currency, id, hook) =
            try row.decode((Int64, Date, Int64?, String, String?, String?, String?, String?, String?, String?, Int64, String?).self)
        guard let action = FeedbackEvent.Action(rawValue: action) else { return nil }
        return FeedbackEvent(
            feedbackID: feedback, at: at, actorID: actor, action: action, from: from.flatMap(FeedbackStatus.init), to: to.flatMap(FeedbackStatus.init),
            note: note, compensation: FeedbackColumns.compensation(form: form, amount: amount, currency: currency), id: id, hook: hook)
    }

    public func feedbackTallies(_ query: FeedbackQuery, by grouping: FeedbackGrouping) async throws -> [FeedbackTally] {
        try await withConnection { connection in
            var start = PostgresBindings()
            var join = ""
            func local(_ offset: Int) -> String { "(f.received_at AT TIME ZONE 'UTC' + interval '\(offset) seconds')" }
            let keys: [String]
            switch grouping {
            case .category: keys = ["f.category"]
            case .categoryAndWeek(let offset): keys = ["f.category", "to_char(date_trunc('week', \(local(offset))), 'YYYY-MM-DD')"]
            case .month(let offset): keys = ["to_char(\(local(offset)), 'YYYY-MM')"]
            case .segmentLabel(let segment):
                start.append(segment)
                join = "LEFT JOIN segment_member m ON m.customer_id = f.customer_id AND m.segment = $1 AND m.left_at IS NULL"
                keys = ["coalesce(m.label, '')"]
            case .teamAndCategory: keys = ["coalesce(f.team, '')", "f.category"]
            }
            let (conditions, bindings) = Self.conditions(query, paged: false, table: "f", bindings: start)
            let rows = try await rows(PostgresQuery(unsafeSQL: """
                SELECT \(keys.enumerated().map { "\($1) AS k\($0)" }.joined(separator: ", ")), count(*), count(f.csat), coalesce(sum(f.csat), 0),
                  count(*) FILTER (WHERE f.csat >= 4), count(f.nps), count(*) FILTER (WHERE f.nps >= 9), count(*) FILTER (WHERE f.nps <= 6)
                FROM feedback f \(join) WHERE \(conditions)
                GROUP BY \(keys.indices.map { "k\($0)" }.joined(separator: ", ")) ORDER BY \(keys.indices.map { "k\($0)" }.joined(separator: ", "))
                """, binds: bindings), on: connection)
            return try rows.map { row in
                let columns = row.makeRandomAccess()
                let width = keys.count
                let key = try (0..<width).map { try columns[$0].decode(String?.self) ?? "" }
                let counts = try (width..<(width + 7)).map { try columns[$0].decode(Int64.self) }
                return FeedbackTally(
                    key: key, cases: Int(counts[0]), csatAnswers: Int(counts[1]), csatTotal: Int(counts[2]), csatSatisfied: Int(counts[3]),
                    npsAnswers: Int(counts[4]), promoters: Int(counts[5]), detractors: Int(counts[6]))
            }
        }
    }

    /// Records a step; one no hook made is queued for the hooks in the same statement, unless
    /// it is not `queued` (an archive's).
    static func insert(_ event: FeedbackEvent, customer: Int64, on connection: PostgresSession, queued: Bool = true) async throws {
        try await connection.query("""
            WITH step AS (
              INSERT INTO feedback_event (customer_id, feedback_id, at, actor_id, action, from_status, to_status, note, compensation_form,
                compensation_amount, compensation_currency, hook)
              VALUES (\(customer), \(event.feedbackID), \(PostgresTime.stored(event.at)), \(event.actorID), \(event.action.rawValue),
                \(event.from?.rawValue), \(event.to?.rawValue), \(event.note), \(event.compensation?.form),
                \(event.compensation?.amount.amountText)::numeric, \(event.compensation?.amount.currency), \(event.hook))
              RETURNING customer_id, id, feedback_id, hook)
            INSERT INTO feedback_hook_queue (customer_id, event_id, feedback_id) SELECT customer_id, id, feedback_id FROM step WHERE hook IS NULL AND \(queued)
            """)
    }

    static func conditions(_ query: FeedbackQuery, paged: Bool, table: String = "", bindings start: PostgresBindings = PostgresBindings()) -> (String, PostgresBindings) {
        let t = table.isEmpty ? "" : table + "."
        var conditions = ["true"]
        var bindings = start
        if let statuses = query.statuses {
            bindings.append(statuses.map(\.rawValue).sorted())
            conditions.append("\(t)status = ANY($\(bindings.count)::text[])")
        }
        if let kind = query.kind {
            bindings.append(kind.rawValue)
            conditions.append("\(t)kind = $\(bindings.count)")
        }
        if let category = query.category {
            bindings.append(category)
            let exact = bindings.count
            bindings.append(category + "/")
            conditions.append("(\(t)category = $\(exact) OR starts_with(\(t)category, $\(bindings.count)))")
        }
        if let customer = query.customer {
            bindings.append(customer.rawValue)
            conditions.append("\(t)customer_id = $\(bindings.count)")
        }
        if let owner = query.ownerID {
            bindings.append(owner)
            conditions.append("\(t)owner_id = $\(bindings.count)")
        }
        if query.unassigned { conditions.append("\(t)owner_id IS NULL") }
        if let severities = query.severities {
            bindings.append(severities.map(\.rawValue).sorted())
            conditions.append("\(t)severity = ANY($\(bindings.count)::text[])")
        }
        if let team = query.team {
            bindings.append(team)
            conditions.append("\(t)team = $\(bindings.count)")
        }
        if let from = query.receivedFrom {
            bindings.append(PostgresTime.stored(from))
            conditions.append("\(t)received_at >= $\(bindings.count)")
        }
        if let before = query.receivedBefore {
            bindings.append(PostgresTime.stored(before))
            conditions.append("\(t)received_at < $\(bindings.count)")
        }
        if paged, let before = query.before {
            bindings.append(before)
            conditions.append("\(t)id < $\(bindings.count)")
        }
        return (conditions.joined(separator: " AND "), bindings)
    }

    /// A case from the columns of ``feedbackColumns``, in their order.
    static func feedback(_ row: PostgresRow) throws -> Feedback {
        let (customer, id, source, externalID, channel, kind, category, severity, text, language) =
            try row.decode((Int64, Int64, String, String?, String, String, String, String, String, String?).self)
        let columns = row.makeRandomAccess()
        let (csat, nps) = (try columns[10].decode(Int16?.self), try columns[11].decode(Int16?.self))
        let (contact, owner, team) = (try columns[12].decode(String?.self), try columns[13].decode(Int64?.self), try columns[14].decode(String?.self))
        let (status, receivedAt, updatedAt) = (try columns[15].decode(String.self), try columns[16].decode(Date.self), try columns[17].decode(Date.self))
        let version = try columns[18].decode(Int32.self)
        return Feedback(
            id: id, customerID: customer == 0 ? nil : CustomerID(customer), contact: FeedbackColumns.contact(contact), source: source,
            externalID: externalID, channel: FeedbackChannel(rawValue: channel) ?? .web, kind: FeedbackKind(rawValue: kind) ?? .question,
            category: category, severity: FeedbackSeverity(rawValue: severity) ?? .medium, text: text, language: language,
            csat: csat.map(Int.init), nps: nps.map(Int.init), ownerID: owner, team: team, status: FeedbackStatus(rawValue: status) ?? .received,
            receivedAt: receivedAt, updatedAt: updatedAt, version: Int(version))
    }
}

