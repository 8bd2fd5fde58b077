import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// Campaigns on PostgreSQL: processes on any number of machines share runs. Parts are
/// claimed with `FOR UPDATE SKIP LOCKED`; applying a part locks, in one order for every
/// transaction (so two never wait on each other in a circle), the part's row, its customers
/// (advisory locks, by id), the campaign's budget rows, and the gift items and events it
/// needs, then checks and writes against what is committed.
extension PostgresStore {
    // MARK: Gift catalogs

    public func importGiftItems(_ items: [GiftItem]) async throws -> (added: Int, updated: Int) {
        try await transaction { connection in
            var added = 0, updated = 0
            let now = PostgresTime.stored(Date())
            // First, before any row: applies lock gift items by id, an import would lock them in
            // the file's order; the table lock waits for the applies holding items and keeps
            // new ones out until the import commits, so the two never wait on each other.
            try await connection.query("LOCK TABLE gift_item IN EXCLUSIVE MODE")
            for item in items {
                let inserted = try await value(Bool.self, """
                    INSERT INTO gift_item (catalog, code, name, cost, currency, stock, updated_at)
                    VALUES (\(item.catalog), \(item.code), \(item.name), \(item.cost.amountText)::numeric, \(item.cost.currency), \(item.stock), \(now))
                    ON CONFLICT (catalog, code) DO UPDATE SET name = excluded.name, cost = excluded.cost, currency = excluded.currency,
                        stock = excluded.stock, updated_at = excluded.updated_at
                    RETURNING (xmax = 0)
                    """, on: connection) ?? false
                if inserted { added += 1 } else { updated += 1 }
            }
            return (added, updated)
        }
    }

    public func giftItems() async throws -> [GiftItem] {
        try await withConnection { connection in
            try await rows("SELECT catalog, code, name, cost::text, currency, stock FROM gift_item ORDER BY catalog, code", on: connection).map { row in
                let (catalog, code, name, cost, currency, stock) = try row.decode((String, String, String, String, String, Int).self)
                return GiftItem(catalog: catalog, code: code, name: name, cost: Money(Self.decimal(cost), currency), stock: stock)
            }
        }
    }

    // MARK: Plans

    public func savePlan(_ plan: CampaignPlan, actions: [PlannedAction]) async throws -> CampaignPlan {
        try await transaction { connection in
            let limits = try CampaignJSON.text(plan.limits), summary = try CampaignJSON.text(plan.summary)
            let approval = try plan.approval.map(CampaignJSON.text)
            guard let id = try await value(Int64.self, """
                INSERT INTO campaign_plan (campaign, plugin, plugin_version, from_day, to_day, made_at, fingerprint, limits, summary, approval)
                VALUES (\(plan.campaign), \(plan.plugin), \(plan.pluginVersion), \(CalendarDays.text(ofDay: plan.fromDay)),
                    \(CalendarDays.text(ofDay: plan.toDay)), \(PostgresTime.stored(plan.madeAt)), \(plan.fingerprint), \(limits), \(summary), \(approval))
                RETURNING id
                """, on: connection) else { throw PostgresFailure(server: location.server, reason: "a plan was not recorded") }
            var rows = CopyRows()
            for action in actions {
                rows.integer(action.customerID.rawValue)
                rows.integer(id)
                rows.integer(Int64(action.seq))
                rows.text(action.key)
                rows.text(action.occasion)
                rows.text(action.form.rawValue)
                rows.text(CalendarDays.text(ofDay: action.occasionDay))
                rows.text(CalendarDays.text(ofDay: action.actionDay))
                rows.integer(Int64(action.item))
                rows.text("\(action.cost)")
                rows.text(action.currency)
                rows.text(action.segment)
                rows.text(action.channel.rawValue)
                rows.text(action.giftCatalog)
                rows.text(action.giftItem)
                rows.text(action.template)
                rows.text(action.role)
                rows.text(action.script)
                rows.text(action.event)
                rows.text(action.heldBack)
                rows.text(try action.visit.map(CampaignJSON.text))
                rows.endRow()
            }
            if rows.count > 0 {
                try await connection.copy(rows.buffer, into: "campaign_plan_action", columns: [
                    "customer_id", "plan_id", "seq", "key", "occasion", "form", "occasion_day", "action_day", "item", "cost", "currency",
                    "segment", "channel", "gift_catalog", "gift_item", "template", "role", "script", "event", "held_back", "visit",
                ])
            }
            var saved = plan
            saved.id = id
            return saved
        }
    }

    private static let planColumns = "id, campaign, plugin, plugin_version, from_day, to_day, made_at, fingerprint, limits, summary, approval"

    private static func plan(_ row: PostgresRow) throws -> CampaignPlan {
        let (id, campaign, plugin, version, from, to, madeAt, fingerprint, limits, summary, approval) = try row.decode(
            (Int64, String, String, String, String, String, Date, String, String, String, String?).self)
        return CampaignPlan(
            id: id, campaign: campaign, plugin: plugin, pluginVersion: version, fromDay: CalendarDays.day(of: from) ?? 0,
            toDay: CalendarDays.day(of: to) ?? 0, madeAt: madeAt, fingerprint: fingerprint,
            limits: try CampaignJSON.value(CampaignLimits.self, limits), summary: try CampaignJSON.value(CampaignPlanSummary.self, summary),
            approval: try approval.map { try CampaignJSON.value(CampaignApproval.self, $0) })
    }

    public func campaignPlan(_ id: Int64) async throws -> CampaignPlan? {
        try await withConnection { connection in
            try await rows("SELECT \(unescaped: Self.planColumns) FROM campaign_plan WHERE id = \(id)", on: connection).first.map(Self.plan)
        }
    }

    public func campaignPlans(campaign: String?) async throws -> [CampaignPlan] {
        try await withConnection { connection in
            let query: PostgresQuery = campaign.map { "SELECT \(unescaped: Self.planColumns) FROM campaign_plan WHERE campaign = \($0) ORDER BY id DESC" }
                ?? "SELECT \(unescaped: Self.planColumns) FROM campaign_plan ORDER BY id DESC"
            return try await rows(query, on: connection).map(Self.plan)
        }
    }

    public func plannedActions(of plan: Int64, seqs: ClosedRange<Int>) async throws -> [PlannedAction] {
        try await withConnection { connection in try await plannedActions(of: plan, seqs: seqs, on: connection) }
    }

    func plannedActions(of plan: Int64, seqs: ClosedRange<Int>, on connection: PostgresSession) async throws -> [PlannedAction] {
        guard let campaign = try await value(String.self, "SELECT campaign FROM campaign_plan WHERE id = \(plan)", on: connection) else {
            throw StoreError.noSuchPlan(plan)
        }
        return try await rows("""
            SELECT seq, customer_id, occasion, form, occasion_day, action_day, item, cost::text, currency, segment, channel,
                gift_catalog, gift_item, template, role, script, event, held_back, visit
            FROM campaign_plan_action WHERE plan_id = \(plan) AND seq BETWEEN \(seqs.lowerBound) AND \(seqs.upperBound) ORDER BY seq
            """, on: connection).map { row in
            let columns = row.makeRandomAccess()
            func text(_ index: Int) throws -> String? { try columns[index].decode(String?.self) }
            return PlannedAction(
                seq: try columns[0].decode(Int.self), customerID: CustomerID(try columns[1].decode(Int64.self)), campaign: campaign,
                occasion: try columns[2].decode(String.self), form: CareForm(rawValue: try columns[3].decode(String.self)) ?? .letter,
                occasionDay: CalendarDays.day(of: try columns[4].decode(String.self)) ?? 0,
                actionDay: CalendarDays.day(of: try columns[5].decode(String.self)) ?? 0, item: try columns[6].decode(Int.self),
                cost: Self.decimal(try columns[7].decode(String.self)), currency: try columns[8].decode(String.self),
                segment: try columns[9].decode(String.self), channel: ContactChannel(rawValue: try columns[10].decode(String.self)) ?? .email,
                giftCatalog: try text(11), giftItem: try text(12), template: try text(13), role: try text(14), script: try text(15),
                event: try text(16), visit: try text(18).map { try CampaignJSON.value(PlannedVisit.self, $0) }, heldBack: try text(17))
        }
    }

    public func approvePlan(_ id: Int64, approval: CampaignApproval) async throws {
        let text = try CampaignJSON.text(approval)
        try await withConnection { connection in
            guard try await value(Int64.self, "UPDATE campaign_plan SET approval = \(text) WHERE id = \(id) RETURNING id", on: connection) != nil else {
                throw StoreError.noSuchPlan(id)
            }
        }
    }

    // MARK: Runs

    private static let runColumns = "id, plan_id, status, parts, part_size, started_at, finished_at"

    private static func run(_ row: PostgresRow) throws -> CampaignRun {
        let (id, plan, status, parts, partSize, startedAt, finishedAt) = try row.decode((Int64, Int64, String, Int, Int, Date, Date?).self)
        return CampaignRun(
            id: id, planID: plan, status: CampaignRun.Status(rawValue: status) ?? .running, parts: parts, partSize: partSize,
            startedAt: startedAt, finishedAt: finishedAt)
    }

    public func openCampaignRun(plan: Int64, partSize: Int) async throws -> CampaignRun {
        try await transaction { connection in
            // Processes opening a run of the same plan at once take turns, so they get one run.
            try await connection.query("SELECT pg_advisory_xact_lock(73062015, \(Int32(truncatingIfNeeded: plan)))")
            if let open = try await rows("SELECT \(unescaped: Self.runColumns) FROM campaign_run WHERE plan_id = \(plan) AND status <> 'done'", on: connection).first {
                return try Self.run(open)
            }
            guard try await value(Int64.self, "SELECT id FROM campaign_plan WHERE id = \(plan)", on: connection) != nil else {
                throw StoreError.noSuchPlan(plan)
            }
            let customers = try await rows(
                "SELECT customer_id FROM campaign_plan_action WHERE plan_id = \(plan) ORDER BY seq", on: connection
            ).map { try $0.decode(Int64.self) }
            let parts = CampaignParts.cut(customers: customers, size: partSize)
            guard let id = try await value(Int64.self, """
                INSERT INTO campaign_run (plan_id, status, parts, part_size, started_at)
                VALUES (\(plan), 'running', \(parts.count), \(partSize), \(PostgresTime.stored(Date()))) RETURNING id
                """, on: connection) else { throw PostgresFailure(server: location.server, reason: "a run was not recorded") }
            let firsts = parts.map { Int64($0.first) }, lasts = parts.map { Int64($0.last) }
            try await connection.query("""
                INSERT INTO campaign_run_part (run_id, part, first_seq, last_seq)
                SELECT \(id), ordinality - 1, first_seq, last_seq FROM unnest(\(firsts)::bigint[], \(lasts)::bigint[]) WITH ORDINALITY AS p(first_seq, last_seq, ordinality)
                """)
            return try Self.run(try await rows("SELECT \(unescaped: Self.runColumns) FROM campaign_run WHERE id = \(id)", on: connection)[0])
        }
    }

    public func campaignRun(_ id: Int64) async throws -> CampaignRun? {
        try await withConnection { connection in
            try await rows("SELECT \(unescaped: Self.runColumns) FROM campaign_run WHERE id = \(id)", on: connection).first.map(Self.run)
        }
    }

    public func campaignRuns(plan: Int64?) async throws -> [CampaignRun] {
        try await withConnection { connection in
            let query: PostgresQuery = plan.map { "SELECT \(unescaped: Self.runColumns) FROM campaign_run WHERE plan_id = \($0) ORDER BY id DESC" }
                ?? "SELECT \(unescaped: Self.runColumns) FROM campaign_run ORDER BY id DESC"
            return try await rows(query, on: connection).map(Self.run)
        }
    }

    public func claimCampaignPart(of run: CampaignRun, worker: String, lease: TimeInterval) async throws -> CampaignRunPart? {
        try await withConnection { connection in
            for row in try await rows("""
                UPDATE campaign_run_part SET worker = \(worker), lease_until = clock_timestamp() + make_interval(secs => \(lease))
                WHERE id = (
                    SELECT p.id FROM campaign_run_part p JOIN campaign_run r ON r.id = p.run_id
                    WHERE p.run_id = \(run.id) AND r.status = 'running' AND p.done_at IS NULL
                        AND (p.lease_until IS NULL OR p.lease_until < clock_timestamp())
                    ORDER BY p.part LIMIT 1 FOR UPDATE OF p SKIP LOCKED)
                RETURNING part, first_seq, last_seq
                """, on: connection) {
                let (part, first, last) = try row.decode((Int, Int, Int).self)
                return CampaignRunPart(runID: run.id, planID: run.planID, part: part, firstSeq: first, lastSeq: last)
            }
            // Nothing to claim: a run whose parts are all done is closed (a run left open by a
            // version that raced on its last two parts recovers here).
            try await Self.closeRunIfDone(run.id, at: PostgresTime.stored(Date()), on: connection)
            return nil
        }
    }

    /// Marks run `id` done when every part is done (and it is not yet).
    static func closeRunIfDone(_ id: Int64, at: Date, on connection: PostgresSession) async throws {
        try await connection.query("""
            UPDATE campaign_run SET status = 'done', finished_at = \(at)
            WHERE id = \(id) AND status <> 'done' AND NOT EXISTS (SELECT 1 FROM campaign_run_part WHERE run_id = \(id) AND done_at IS NULL)
            """)
    }

    public func applyCampaignPart(_ part: CampaignRunPart, limits: CampaignLimits, events: [CareEvent], at: Date) async throws -> CampaignApplyOutcome {
        try await transaction { connection in
            // The part's row lock: a second worker applying it waits here, then finds it done.
            guard let partID = try await value(Int64.self, """
                SELECT id FROM campaign_run_part WHERE run_id = \(part.runID) AND part = \(part.part) AND done_at IS NULL FOR UPDATE
                """, on: connection) else { throw StoreError.campaignPartDone(run: part.runID, part: part.part) }
            let actions = part.firstSeq <= part.lastSeq
                ? try await plannedActions(of: part.planID, seqs: part.firstSeq...part.lastSeq, on: connection) : []
            let ledger = PostgresCampaignLedger(store: self, connection: connection, at: PostgresTime.stored(at))
            let outcome = try await ledger.apply(actions, limits: limits, events: events, run: part.runID, plan: part.planID)
            try await connection.query("""
                UPDATE campaign_run_part SET done_at = \(PostgresTime.stored(at)), outcome = \(try CampaignJSON.text(outcome)) WHERE id = \(partID)
                """)
            // The run's row, locked after the part is marked: the transactions finishing the
            // last parts take turns here, and the one that comes second sees the other's part
            // done (its next statement reads what is committed then) and closes the run.
            try await connection.query("SELECT id FROM campaign_run WHERE id = \(part.runID) FOR UPDATE")
            try await Self.closeRunIfDone(part.runID, at: PostgresTime.stored(at), on: connection)
            return outcome
        }
    }

    public func cancelCampaignRun(_ id: Int64) async throws {
        try await withConnection { connection in
            guard try await value(Int64.self, "SELECT id FROM campaign_run WHERE id = \(id)", on: connection) != nil else { throw StoreError.noSuchRun(id) }
            try await connection.query("UPDATE campaign_run SET status = 'cancelled' WHERE id = \(id) AND status = 'running'")
        }
    }

    public func resumeCampaignRun(_ id: Int64) async throws -> CampaignRun {
        try await withConnection { connection in
            try await connection.query("UPDATE campaign_run SET status = 'running' WHERE id = \(id) AND status = 'cancelled'")
            guard let row = try await rows("SELECT \(unescaped: Self.runColumns) FROM campaign_run WHERE id = \(id)", on: connection).first else {
                throw StoreError.noSuchRun(id)
            }
            return try Self.run(row)
        }
    }

    public func campaignRunProgress(_ id: Int64) async throws -> CampaignRunProgress {
        try await withConnection { connection in
            guard let row = try await rows("SELECT \(unescaped: Self.runColumns) FROM campaign_run WHERE id = \(id)", on: connection).first else {
                throw StoreError.noSuchRun(id)
            }
            var outcome = CampaignApplyOutcome(), done = 0
            for part in try await rows("SELECT outcome FROM campaign_run_part WHERE run_id = \(id) AND done_at IS NOT NULL", on: connection) {
                outcome.add(try CampaignJSON.value(CampaignApplyOutcome.self, try part.decode(String.self)))
                done += 1
            }
            return CampaignRunProgress(run: try Self.run(row), partsDone: done, outcome: outcome)
        }
    }

    // MARK: The ledger

    public func campaignRunActions(_ id: Int64) async throws -> [CampaignActionRecord] {
        try await withConnection { connection in
            var records: [CampaignActionRecord] = []
            for row in try await rows("SELECT seq, customer_id, key, form, cost::text FROM care_action WHERE run_id = \(id)", on: connection) {
                let (seq, customer, key, form, cost) = try row.decode((Int, Int64, String, String, String).self)
                records.append(CampaignActionRecord(
                    seq: seq, customerID: CustomerID(customer), key: key, form: CareForm(rawValue: form) ?? .letter, result: .applied,
                    cost: Self.decimal(cost)))
            }
            for row in try await rows("""
                SELECT s.seq, s.customer_id, a.key, a.form, s.result, s.reason FROM campaign_run_skip s
                JOIN campaign_run r ON r.id = s.run_id JOIN campaign_plan_action a ON a.plan_id = r.plan_id AND a.seq = s.seq
                WHERE s.run_id = \(id)
                """, on: connection) {
                let (seq, customer, key, form, result, reason) = try row.decode((Int, Int64, String, String, String, String?).self)
                records.append(CampaignActionRecord(
                    seq: seq, customerID: CustomerID(customer), key: key, form: CareForm(rawValue: form) ?? .letter,
                    result: CampaignActionRecord.Result(rawValue: result) ?? .skipped, reason: reason))
            }
            return records.sorted { $0.seq < $1.seq }
        }
    }

    public func campaignTallies(campaign: String?) async throws -> CampaignTallies {
        try await withConnection { connection in
            let name = campaign ?? ""
            let all = campaign == nil
            var tallies = CampaignTallies()
            let (ledger, cost) = try await rows(
                "SELECT count(*)::integer, coalesce(sum(cost), 0)::text FROM care_action WHERE \(all) OR campaign = \(name)", on: connection
            )[0].decode((Int, String).self)
            tallies.ledger = ledger
            tallies.ledgerCost = Self.decimal(cost)
            tallies.outbox = try await value(Int.self, "SELECT count(*)::integer FROM letter_outbox WHERE \(all) OR campaign = \(name)", on: connection) ?? 0
            tallies.calls = try await value(Int.self, "SELECT count(*)::integer FROM call_task WHERE \(all) OR campaign = \(name)", on: connection) ?? 0
            tallies.seats = try await value(Int.self, """
                SELECT count(*)::integer FROM event_seat s JOIN care_action a ON a.customer_id = s.customer_id AND a.key = s.action_key
                WHERE \(all) OR a.campaign = \(name)
                """, on: connection) ?? 0
            tallies.interactions = try await value(Int.self, """
                SELECT count(*)::integer FROM interaction i JOIN care_action a ON a.customer_id = i.customer_id AND a.key = i.action_key
                WHERE \(all) OR a.campaign = \(name)
                """, on: connection) ?? 0
            for row in try await rows("SELECT campaign, period, spent::text FROM care_budget WHERE \(all) OR campaign = \(name)", on: connection) {
                let (campaign, period, spent) = try row.decode((String, String, String).self)
                tallies.budgets["\(campaign)/\(period)"] = Self.decimal(spent)
            }
            for row in try await rows("SELECT name, taken FROM care_event", on: connection) {
                let (event, taken) = try row.decode((String, Int).self)
                tallies.eventSeats[event] = taken
            }
            return tallies
        }
    }

    static func decimal(_ text: String) -> Decimal { Decimal(string: text, locale: Locale(identifier: "en_US_POSIX")) ?? 0 }

    public func careActions(of customers: [CustomerID]) async throws -> [CareActionEntry] {
        let ids = Array(Set(customers.map(\.rawValue))).sorted()
        guard !ids.isEmpty else { return [] }
        return try await withConnection { connection in
            try await rows("""
                SELECT customer_id, key, campaign, form, action_day, cost::text, event FROM care_action
                WHERE customer_id = ANY(\(ids)::bigint[]) ORDER BY customer_id, id
                """, on: connection).map { row in
                let (customer, key, campaign, form, day, cost, event) = try row.decode((Int64, String, String, String, String, String, String?).self)
                return CareActionEntry(
                    customerID: CustomerID(customer), key: key, campaign: campaign, form: CareForm(rawValue: form) ?? .letter,
                    day: CalendarDays.day(of: day) ?? 0, cost: Self.decimal(cost), event: event)
            }
        }
    }
}
