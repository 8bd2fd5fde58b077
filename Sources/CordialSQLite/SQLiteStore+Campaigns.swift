import CordialCore
import CordialStore
import Foundation
import GRDB

/// Campaigns on SQLite. Every write is one `BEGIN IMMEDIATE` transaction (GRDB's writer, with a
/// busy timeout across processes), so a part's checks — keys, budgets, caps, stock, seats —
/// read what is committed and nobody writes between the check and the write.
extension SQLiteStore {
    // MARK: Gift catalogs

    public func importGiftItems(_ items: [GiftItem]) async throws -> (added: Int, updated: Int) {
        try await writer.write { db in
            var added = 0, updated = 0
            let now = CustomerRow.storedText(Date())
            for item in items {
                let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM giftItem WHERE catalog = ? AND code = ?", arguments: [item.catalog, item.code]) ?? false
                try db.execute(sql: """
                    INSERT INTO giftItem (catalog, code, name, cost, currency, stock, updatedAt) VALUES (?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (catalog, code) DO UPDATE SET name = excluded.name, cost = excluded.cost,
                        currency = excluded.currency, stock = excluded.stock, updatedAt = excluded.updatedAt
                    """, arguments: [item.catalog, item.code, item.name, item.cost.amountText, item.cost.currency, item.stock, now])
                if exists { updated += 1 } else { added += 1 }
            }
            return (added, updated)
        }
    }

    public func giftItems() async throws -> [GiftItem] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT catalog, code, name, cost, currency, stock FROM giftItem ORDER BY catalog, code").map { row in
                GiftItem(catalog: row[0], code: row[1], name: row[2], cost: Money(Self.decimal(row[3]), row[4]), stock: row[5])
            }
        }
    }

    // MARK: Plans

    public func savePlan(_ plan: CampaignPlan, actions: [PlannedAction]) async throws -> CampaignPlan {
        try await writer.write { db in
            try db.execute(sql: """
                INSERT INTO campaignPlan (campaign, plugin, pluginVersion, fromDay, toDay, madeAt, fingerprint, limits, summary, approval)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    plan.campaign, plan.plugin, plan.pluginVersion, CalendarDays.text(ofDay: plan.fromDay), CalendarDays.text(ofDay: plan.toDay),
                    CustomerRow.storedText(plan.madeAt), plan.fingerprint, try CampaignJSON.text(plan.limits), try CampaignJSON.text(plan.summary),
                    try plan.approval.map(CampaignJSON.text),
                ])
            let id = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: """
                INSERT INTO campaignPlanAction (customerId, planId, seq, key, occasion, form, occasionDay, actionDay, item, cost, currency,
                    segment, channel, giftCatalog, giftItem, template, role, script, event, heldBack, visit)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for action in actions {
                try insert.execute(arguments: [
                    action.customerID.rawValue, id, action.seq, action.key, action.occasion, action.form.rawValue,
                    CalendarDays.text(ofDay: action.occasionDay), CalendarDays.text(ofDay: action.actionDay), action.item,
                    "\(action.cost)", action.currency, action.segment, action.channel.rawValue, action.giftCatalog, action.giftItem,
                    action.template, action.role, action.script, action.event, action.heldBack, try action.visit.map(CampaignJSON.text),
                ])
            }
            var saved = plan
            saved.id = id
            return saved
        }
    }

    public func campaignPlan(_ id: Int64) async throws -> CampaignPlan? {
        try await writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM campaignPlan WHERE id = ?", arguments: [id]).map(Self.plan)
        }
    }

    public func campaignPlans(campaign: String?) async throws -> [CampaignPlan] {
        try await writer.read { db in
            let rows = try campaign.map { try Row.fetchAll(db, sql: "SELECT * FROM campaignPlan WHERE campaign = ? ORDER BY id DESC", arguments: [$0]) }
                ?? Row.fetchAll(db, sql: "SELECT * FROM campaignPlan ORDER BY id DESC")
            return try rows.map(Self.plan)
        }
    }

    static func plan(_ row: Row) throws -> CampaignPlan {
        CampaignPlan(
            id: row["id"], campaign: row["campaign"], plugin: row["plugin"], pluginVersion: row["pluginVersion"],
            fromDay: CalendarDays.day(of: row["fromDay"]) ?? 0, toDay: CalendarDays.day(of: row["toDay"]) ?? 0,
            madeAt: row["madeAt"], fingerprint: row["fingerprint"],
            limits: try CampaignJSON.value(CampaignLimits.self, row["limits"]),
            summary: try CampaignJSON.value(CampaignPlanSummary.self, row["summary"]),
            approval: try (row["approval"] as String?).map { try CampaignJSON.value(CampaignApproval.self, $0) })
    }

    public func plannedActions(of plan: Int64, seqs: ClosedRange<Int>) async throws -> [PlannedAction] {
        try await writer.read { db in try Self.plannedActions(of: plan, seqs: seqs, in: db) }
    }

    static func plannedActions(of plan: Int64, seqs: ClosedRange<Int>, in db: Database) throws -> [PlannedAction] {
        guard let campaign = try String.fetchOne(db, sql: "SELECT campaign FROM campaignPlan WHERE id = ?", arguments: [plan]) else {
            throw StoreError.noSuchPlan(plan)
        }
        return try Row.fetchAll(db, sql: """
            SELECT * FROM campaignPlanAction WHERE planId = ? AND seq BETWEEN ? AND ? ORDER BY seq
            """, arguments: [plan, seqs.lowerBound, seqs.upperBound]).map { row in
            try PlannedAction(
                seq: row["seq"], customerID: CustomerID(row["customerId"] as Int64), campaign: campaign, occasion: row["occasion"],
                form: CareForm(rawValue: row["form"]) ?? .letter, occasionDay: CalendarDays.day(of: row["occasionDay"]) ?? 0,
                actionDay: CalendarDays.day(of: row["actionDay"]) ?? 0, item: row["item"], cost: decimal(row["cost"]),
                currency: row["currency"], segment: row["segment"], channel: ContactChannel(rawValue: row["channel"]) ?? .email,
                giftCatalog: row["giftCatalog"], giftItem: row["giftItem"], template: row["template"], role: row["role"],
                script: row["script"], event: row["event"], visit: (row["visit"] as String?).map { try CampaignJSON.value(PlannedVisit.self, $0) },
                heldBack: row["heldBack"])
        }
    }

    public func approvePlan(_ id: Int64, approval: CampaignApproval) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE campaignPlan SET approval = ? WHERE id = ?", arguments: [try CampaignJSON.text(approval), id])
            guard db.changesCount == 1 else { throw StoreError.noSuchPlan(id) }
        }
    }

    // MARK: Runs

    public func openCampaignRun(plan: Int64, partSize: Int) async throws -> CampaignRun {
        try await writer.write { db in
            if let open = try Row.fetchOne(db, sql: "SELECT * FROM campaignRun WHERE planId = ? AND status <> 'done'", arguments: [plan]) {
                return try Self.run(open)
            }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM campaignPlan WHERE id = ?", arguments: [plan]) != nil else {
                throw StoreError.noSuchPlan(plan)
            }
            let customers = try Int64.fetchAll(db, sql: "SELECT customerId FROM campaignPlanAction WHERE planId = ? ORDER BY seq", arguments: [plan])
            let parts = CampaignParts.cut(customers: customers, size: partSize)
            try db.execute(
                sql: "INSERT INTO campaignRun (planId, status, parts, partSize, startedAt) VALUES (?, 'running', ?, ?, ?)",
                arguments: [plan, parts.count, partSize, CustomerRow.storedText(Date())])
            let id = db.lastInsertedRowID
            let insert = try db.makeStatement(sql: "INSERT INTO campaignRunPart (runId, part, firstSeq, lastSeq) VALUES (?, ?, ?, ?)")
            for (index, part) in parts.enumerated() {
                try insert.execute(arguments: [id, index, part.first, part.last])
            }
            return try Self.run(try Row.fetchOne(db, sql: "SELECT * FROM campaignRun WHERE id = ?", arguments: [id])!)
        }
    }

    static func run(_ row: Row) throws -> CampaignRun {
        CampaignRun(
            id: row["id"], planID: row["planId"], status: CampaignRun.Status(rawValue: row["status"]) ?? .running, parts: row["parts"],
            partSize: row["partSize"], startedAt: row["startedAt"], finishedAt: row["finishedAt"])
    }

    public func campaignRun(_ id: Int64) async throws -> CampaignRun? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM campaignRun WHERE id = ?", arguments: [id]).map(Self.run) }
    }

    public func campaignRuns(plan: Int64?) async throws -> [CampaignRun] {
        try await writer.read { db in
            let rows = try plan.map { try Row.fetchAll(db, sql: "SELECT * FROM campaignRun WHERE planId = ? ORDER BY id DESC", arguments: [$0]) }
                ?? Row.fetchAll(db, sql: "SELECT * FROM campaignRun ORDER BY id DESC")
            return try rows.map(Self.run)
        }
    }

    public func claimCampaignPart(of run: CampaignRun, worker: String, lease: TimeInterval) async throws -> CampaignRunPart? {
        try await writer.write { db in
            guard try String.fetchOne(db, sql: "SELECT status FROM campaignRun WHERE id = ?", arguments: [run.id]) == "running" else { return nil }
            let now = Date()
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, part, firstSeq, lastSeq FROM campaignRunPart
                WHERE runId = ? AND doneAt IS NULL AND (leaseUntil IS NULL OR leaseUntil < ?) ORDER BY part LIMIT 1
                """, arguments: [run.id, CustomerRow.storedText(now)]) else { return nil }
            try db.execute(
                sql: "UPDATE campaignRunPart SET worker = ?, leaseUntil = ? WHERE id = ?",
                arguments: [worker, CustomerRow.storedText(now + lease), row[0] as Int64])
            return CampaignRunPart(runID: run.id, planID: run.planID, part: row[1], firstSeq: row[2], lastSeq: row[3])
        }
    }

    public func applyCampaignPart(_ part: CampaignRunPart, limits: CampaignLimits, events: [CareEvent], at: Date) async throws -> CampaignApplyOutcome {
        try await writer.write { db in
            guard let partID = try Int64.fetchOne(db, sql: """
                SELECT id FROM campaignRunPart WHERE runId = ? AND part = ? AND doneAt IS NULL
                """, arguments: [part.runID, part.part]) else {
                throw StoreError.campaignPartDone(run: part.runID, part: part.part)
            }
            let actions = part.firstSeq <= part.lastSeq
                ? try Self.plannedActions(of: part.planID, seqs: part.firstSeq...part.lastSeq, in: db) : []
            let ledger = SQLiteCampaignLedger(db: db, at: at)
            let outcome = try ledger.apply(actions, limits: limits, events: events, run: part.runID, plan: part.planID)
            try db.execute(
                sql: "UPDATE campaignRunPart SET doneAt = ?, outcome = ? WHERE id = ?",
                arguments: [CustomerRow.storedText(at), try CampaignJSON.text(outcome), partID])
            let remaining = try Int.fetchOne(db, sql: "SELECT count(*) FROM campaignRunPart WHERE runId = ? AND doneAt IS NULL", arguments: [part.runID]) ?? 0
            if remaining == 0 {
                try db.execute(
                    sql: "UPDATE campaignRun SET status = 'done', finishedAt = ? WHERE id = ?",
                    arguments: [CustomerRow.storedText(at), part.runID])
            }
            return outcome
        }
    }

    public func cancelCampaignRun(_ id: Int64) async throws {
        try await writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM campaignRun WHERE id = ?", arguments: [id]) != nil else { throw StoreError.noSuchRun(id) }
            try db.execute(sql: "UPDATE campaignRun SET status = 'cancelled' WHERE id = ? AND status = 'running'", arguments: [id])
        }
    }

    public func resumeCampaignRun(_ id: Int64) async throws -> CampaignRun {
        try await writer.write { db in
            try db.execute(sql: "UPDATE campaignRun SET status = 'running' WHERE id = ? AND status = 'cancelled'", arguments: [id])
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM campaignRun WHERE id = ?", arguments: [id]) else { throw StoreError.noSuchRun(id) }
            return try Self.run(row)
        }
    }

    public func campaignRunProgress(_ id: Int64) async throws -> CampaignRunProgress {
        try await writer.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM campaignRun WHERE id = ?", arguments: [id]) else { throw StoreError.noSuchRun(id) }
            var outcome = CampaignApplyOutcome(), done = 0
            for text in try String.fetchAll(db, sql: "SELECT outcome FROM campaignRunPart WHERE runId = ? AND doneAt IS NOT NULL", arguments: [id]) {
                outcome.add(try CampaignJSON.value(CampaignApplyOutcome.self, text))
                done += 1
            }
            return CampaignRunProgress(run: try Self.run(row), partsDone: done, outcome: outcome)
        }
    }

    // MARK: The ledger

    public func campaignRunActions(_ id: Int64) async throws -> [CampaignActionRecord] {
        try await writer.read { db in
            let applied = try Row.fetchAll(db, sql: "SELECT seq, customerId, key, form, cost FROM careAction WHERE runId = ?", arguments: [id]).map { row in
                CampaignActionRecord(
                    seq: row[0], customerID: CustomerID(row[1] as Int64), key: row[2], form: CareForm(rawValue: row[3]) ?? .letter,
                    result: .applied, cost: Self.decimal(row[4]))
            }
            let others = try Row.fetchAll(db, sql: """
                SELECT s.seq, s.customerId, a.key, a.form, s.result, s.reason FROM campaignRunSkip s
                JOIN campaignRun r ON r.id = s.runId JOIN campaignPlanAction a ON a.planId = r.planId AND a.seq = s.seq
                WHERE s.runId = ?
                """, arguments: [id]).map { row in
                CampaignActionRecord(
                    seq: row[0], customerID: CustomerID(row[1] as Int64), key: row[2], form: CareForm(rawValue: row[3]) ?? .letter,
                    result: CampaignActionRecord.Result(rawValue: row[4]) ?? .skipped, reason: row[5])
            }
            return (applied + others).sorted { $0.seq < $1.seq }
        }
    }

    public func campaignTallies(campaign: String?) async throws -> CampaignTallies {
        try await writer.read { db in
            let filter = campaign == nil ? "" : " WHERE campaign = ?"
            let arguments: StatementArguments = campaign.map { [$0] } ?? []
            var tallies = CampaignTallies()
            tallies.ledger = try Int.fetchOne(db, sql: "SELECT count(*) FROM careAction" + filter, arguments: arguments) ?? 0
            tallies.ledgerCost = try String.fetchAll(db, sql: "SELECT cost FROM careAction" + filter, arguments: arguments).reduce(0) { $0 + Self.decimal($1) }
            tallies.outbox = try Int.fetchOne(db, sql: "SELECT count(*) FROM letterOutbox" + filter, arguments: arguments) ?? 0
            tallies.calls = try Int.fetchOne(db, sql: "SELECT count(*) FROM callTask" + filter, arguments: arguments) ?? 0
            tallies.seats = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM eventSeat s JOIN careAction a ON a.customerId = s.customerId AND a.key = s.actionKey
                """ + (campaign == nil ? "" : " WHERE a.campaign = ?"), arguments: arguments) ?? 0
            tallies.interactions = try Int.fetchOne(db, sql: """
                SELECT count(*) FROM interaction i JOIN careAction a ON a.customerId = i.customerId AND a.key = i.actionKey
                """ + (campaign == nil ? "" : " WHERE a.campaign = ?"), arguments: arguments) ?? 0
            for row in try Row.fetchAll(db, sql: "SELECT campaign, period, spent FROM careBudget" + filter, arguments: arguments) {
                tallies.budgets["\(row[0] as String)/\(row[1] as String)"] = Self.decimal(row[2])
            }
            for row in try Row.fetchAll(db, sql: "SELECT name, taken FROM careEvent") { tallies.eventSeats[row[0]] = row[1] }
            return tallies
        }
    }

    public func careActions(of customers: [CustomerID]) async throws -> [CareActionEntry] {
        try await writer.read { db in
            var entries: [CareActionEntry] = []
            // In chunks: SQLite limits the number of bound values in one statement.
            let ids = Array(Set(customers.map(\.rawValue))).sorted()
            for start in stride(from: 0, to: ids.count, by: 10_000) {
                let chunk = Array(ids[start..<min(ids.count, start + 10_000)])
                let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                for row in try Row.fetchAll(db, sql: """
                    SELECT customerId, key, campaign, form, actionDay, cost, event FROM careAction WHERE customerId IN (\(marks)) ORDER BY customerId, id
                    """, arguments: StatementArguments(chunk)) {
                    entries.append(CareActionEntry(
                        customerID: CustomerID(row[0] as Int64), key: row[1], campaign: row[2], form: CareForm(rawValue: row[3]) ?? .letter,
                        day: CalendarDays.day(of: row[4] as String) ?? 0, cost: Self.decimal(row[5]), event: row[6]))
                }
            }
            return entries
        }
    }

    static func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? 0 }
}
