import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// Applies a part's actions inside its transaction on PostgreSQL, where other processes
/// apply other parts (of this run or of other campaigns) at the same time.
///
/// Before reading, it locks what its decisions depend on, always in the same order — the
/// part's customers (advisory locks, by id), the events it invites to (by name), the
/// campaign's budget rows, the gift items (by id), the events again (by name) — so two
/// transactions never wait on each other in a circle, and every
/// read after the locks (READ COMMITTED: each statement sees what is committed) is what the
/// writes are checked against. The ledger's unique key is the last guard.
struct PostgresCampaignLedger {
    /// Advisory lock class of a customer's care actions ("CARE" in ASCII).
    static let customerLockClass: Int32 = 1_129_464_389

    /// The lock on one customer's care (what a part takes for each of its customers).
    static func customerLock(_ id: Int64) -> PostgresQuery {
        "SELECT pg_advisory_xact_lock((\(customerLockClass) + (\(id) >> 31))::integer, (\(id) & 2147483647)::integer)"
    }

    let store: PostgresStore
    let connection: PostgresSession
    let at: Date

    func apply(_ actions: [PlannedAction], limits: CampaignLimits, events: [CareEvent], run: Int64, plan: Int64) async throws -> CampaignApplyOutcome {
        guard let campaign = actions.first?.campaign else { return CampaignApplyOutcome() }
        let ids = Set(actions.map(\.customerID.rawValue)).sorted()
        // One lock per customer, in id order; the key pair (class + the id's high bits, its low
        // 31 bits) is distinct for every id. OFFSET 0 keeps the planner from reordering them.
        try await connection.query("""
            SELECT count(pg_advisory_xact_lock((\(Self.customerLockClass) + (id >> 31))::integer, (id & 2147483647)::integer))
            FROM (SELECT id FROM unnest(\(ids)::bigint[]) AS id ORDER BY id OFFSET 0) AS locked
            """)
        // The events this part invites to, as declared now, after the customers and in name
        // order (as they are locked below): a part without invitations locks no event.
        let invited = Set(actions.compactMap { $0.form == .invitation ? $0.event : nil })
        try await declare(events.filter { invited.contains($0.name) })
        var rules = try await loadRules(campaign: campaign, limits: limits, actions: actions, customers: ids)
        let decisions = rules.decide(actions)
        try await write(actions, decisions, campaign: campaign, run: run, plan: plan)
        try await update(rules, campaign: campaign)
        return CampaignLedgerRules.outcome(of: actions, decisions)
    }

    /// The events the part invites to, as the policies declare them now (in name order); seats
    /// taken stay.
    private func declare(_ events: [CareEvent]) async throws {
        for event in events.sorted(by: { $0.name < $1.name }) {
            try await connection.query("""
                INSERT INTO care_event (name, title, day, capacity, taken)
                VALUES (\(event.name), \(event.title), \(CalendarDays.text(ofDay: event.day)), \(event.capacity), 0)
                ON CONFLICT (name) DO UPDATE SET title = excluded.title, day = excluded.day, capacity = excluded.capacity
                WHERE (care_event.title, care_event.day, care_event.capacity) IS DISTINCT FROM (excluded.title, excluded.day, excluded.capacity)
                """)
        }
    }

    private func loadRules(campaign: String, limits: CampaignLimits, actions: [PlannedAction], customers ids: [Int64]) async throws -> CampaignLedgerRules {
        var keys: Set<String> = [], entries: [CustomerID: [CampaignLedgerRules.Entry]] = [:], seated: Set<String> = []
        for row in try await store.rows("""
            SELECT customer_id, key, campaign, form, action_day, cost::text FROM care_action WHERE customer_id = ANY(\(ids)::bigint[])
            """, on: connection) {
            let (customer, key, owner, form, day, cost) = try row.decode((Int64, String, String, String, String, String).self)
            keys.insert(key)
            entries[CustomerID(customer), default: []].append(CampaignLedgerRules.Entry(
                campaign: owner, form: CareForm(rawValue: form) ?? .letter, day: CalendarDays.day(of: day) ?? 0, cost: PostgresStore.decimal(cost)))
        }
        var present: Set<Int64> = []
        for row in try await store.rows(
            "SELECT id FROM customer WHERE id = ANY(\(ids)::bigint[]) AND forgotten_at IS NULL", on: connection) {
            present.insert(try row.decode(Int64.self))
        }
        let forgotten = Set(ids.filter { !present.contains($0) }.map { CustomerID($0) })
        for row in try await store.rows("SELECT customer_id, event FROM event_seat WHERE customer_id = ANY(\(ids)::bigint[])", on: connection) {
            let (customer, event) = try row.decode((Int64, String).self)
            seated.insert("\(customer)/\(event)")
        }
        var refused: [CustomerID: Set<ContactChannel>] = [:]
        for row in try await store.rows(
            "SELECT customer_id, channel FROM customer_consent WHERE granted = 0 AND customer_id = ANY(\(ids)::bigint[])", on: connection) {
            let (customer, name) = try row.decode((Int64, String).self)
            if let channel = ContactChannel(rawValue: name) { refused[CustomerID(customer), default: []].insert(channel) }
        }

        // Budget rows exist before they are locked, so that two parts of a new campaign
        // cannot both start from nothing.
        let periods = Set(actions.flatMap { action in
            CampaignLedgerRules(campaign: campaign, limits: limits, keys: [], entries: [:], spent: [:], forgotten: [], stock: [:], seats: [:], seated: [])
                .periods(of: action)
        }).sorted()
        try await connection.query("""
            INSERT INTO care_budget (campaign, period, spent) SELECT \(campaign), p, 0 FROM unnest(\(periods)::text[]) AS p ORDER BY p
            ON CONFLICT (campaign, period) DO NOTHING
            """)
        var spent: [String: Decimal] = [:]
        for row in try await store.rows(
            "SELECT period, spent::text FROM care_budget WHERE campaign = \(campaign) ORDER BY id FOR UPDATE", on: connection) {
            let (period, amount) = try row.decode((String, String).self)
            spent[period] = PostgresStore.decimal(amount)
        }

        var stock: [String: Int] = [:]
        let items = Set(actions.filter { $0.form == .gift }.map(CampaignLedgerRules.itemKey)).sorted()
        if !items.isEmpty {
            for row in try await store.rows("""
                SELECT catalog, code, stock FROM gift_item WHERE catalog || '/' || code = ANY(\(items)::text[]) ORDER BY id FOR UPDATE
                """, on: connection) {
                let (catalog, code, left) = try row.decode((String, String, Int).self)
                stock["\(catalog)/\(code)"] = left
            }
        }
        var seats: [String: (capacity: Int, taken: Int)] = [:]
        let invited = Set(actions.compactMap { $0.form == .invitation ? $0.event : nil }).sorted()
        if !invited.isEmpty {
            for row in try await store.rows(
                "SELECT name, capacity, taken FROM care_event WHERE name = ANY(\(invited)::text[]) ORDER BY name FOR UPDATE", on: connection) {
                let (name, capacity, taken) = try row.decode((String, Int, Int).self)
                seats[name] = (capacity, taken)
            }
        }
        var rules = CampaignLedgerRules(
            campaign: campaign, limits: limits, keys: keys, entries: entries, spent: spent, forgotten: forgotten, stock: stock, seats: seats,
            seated: seated)
        rules.refused = refused
        // The staff the part's visits go to, last and in id order: a visit moved by hand locks
        // its customer, then its member of staff, so the order holds there too.
        let visits = actions.filter { $0.form == .visit && $0.visit?.staffID != nil }
        let staff = Set(visits.compactMap { $0.visit?.staffID }).sorted()
        if let first = visits.map(\.actionDay).min(), let last = visits.map(\.actionDay).max() {
            rules.bookings = try await store.staffBookings(staff: staff, days: StaffBookings.span(of: first...last), on: connection)
        }
        return rules
    }

    /// The ledger rows and their effects, each table in one `COPY`.
    private func write(_ actions: [PlannedAction], _ decisions: [CampaignLedgerRules.Decision], campaign: String, run: Int64, plan: Int64) async throws {
        var ledger = CopyRows(), interactions = CopyRows(), letters = CopyRows(), calls = CopyRows(), seats = CopyRows(), skips = CopyRows()
        var visits: [PlannedAction] = []
        for (action, decision) in zip(actions, decisions) {
            let customer = action.customerID.rawValue
            switch decision {
            case .alreadyDone, .skipped:
                skips.integer(customer)
                skips.integer(run)
                skips.integer(Int64(action.seq))
                if case .skipped(let reason) = decision {
                    skips.text("skipped")
                    skips.text(reason)
                } else {
                    skips.text("already-done")
                    skips.text(nil)
                }
                skips.endRow()
                continue
            case .applied:
                break
            }
            ledger.integer(customer)
            ledger.text(action.key)
            ledger.text(campaign)
            ledger.integer(plan)
            ledger.integer(run)
            ledger.integer(Int64(action.seq))
            ledger.text(action.occasion)
            ledger.text(action.form.rawValue)
            ledger.text(CalendarDays.text(ofDay: action.actionDay))
            ledger.text("\(action.cost)")
            ledger.text(action.currency)
            ledger.text(action.channel.rawValue)
            ledger.text(action.giftCatalog)
            ledger.text(action.giftItem)
            ledger.text(action.template)
            ledger.text(action.role)
            ledger.text(action.event)
            ledger.time(at)
            ledger.endRow()

            interactions.integer(customer)
            interactions.text(CampaignLedgerRules.interactionKind(of: action.form))
            interactions.time(at)
            interactions.text("\(campaign): \(action.occasion)")
            interactions.text(action.cost == 0 ? nil : "\(action.cost)")
            interactions.text(action.cost == 0 ? nil : action.currency)
            interactions.text(action.key)
            interactions.integer(action.visit?.staffID)
            interactions.endRow()

            switch action.form {
            case .letter:
                for field in [action.key, campaign, action.template ?? "", action.channel.rawValue, "pending"] { letters.text(field) }
                letters.time(at)
                letters.integer(customer)
                letters.endRow()
            case .call:
                for field in [action.key, campaign, action.role ?? "", action.script ?? "", CalendarDays.text(ofDay: action.actionDay), "open"] {
                    calls.text(field)
                }
                calls.time(at)
                calls.integer(customer)
                calls.endRow()
            case .invitation:
                seats.integer(customer)
                seats.text(action.event ?? "")
                seats.text(action.key)
                seats.time(at)
                seats.endRow()
            case .visit:
                visits.append(action)
            case .gift:
                break
            }
        }
        let copies: [(CopyRows, String, [String])] = [
            (ledger, "care_action", [
                "customer_id", "key", "campaign", "plan_id", "run_id", "seq", "occasion", "form", "action_day", "cost", "currency", "channel",
                "gift_catalog", "gift_item", "template", "role", "event", "applied_at",
            ]),
            (interactions, "interaction", ["customer_id", "kind", "time", "outcome", "cost", "currency", "action_key", "staff_id"]),
            (letters, "letter_outbox", ["action_key", "campaign", "template", "channel", "status", "created_at", "customer_id"]),
            (calls, "call_task", ["action_key", "campaign", "role", "script", "due_day", "status", "created_at", "customer_id"]),
            (seats, "event_seat", ["customer_id", "event", "action_key", "taken_at"]),
            (skips, "campaign_run_skip", ["customer_id", "run_id", "seq", "result", "reason"]),
        ]
        for (rows, table, columns) in copies where rows.count > 0 {
            try await connection.copy(rows.buffer, into: table, columns: columns)
        }
        // Few per part (a visit is an hour of someone's day): one statement each writes the
        // visit and the first line of its history.
        for action in visits {
            guard let planned = action.visit, let staff = planned.staffID, let start = planned.start else { continue }
            let day = CalendarDays.text(ofDay: action.actionDay)
            try await connection.query("""
                WITH booked AS (
                  INSERT INTO visit (customer_id, action_key, campaign, role, staff_id, day, start, minutes, buffer, status, sequence, created_at, updated_at)
                  VALUES (\(action.customerID.rawValue), \(action.key), \(campaign), \(action.role ?? ""), \(staff), \(day), \(start), \(planned.minutes), \(planned.buffer),
                    'scheduled', 0, \(at), \(at))
                  RETURNING customer_id, id)
                INSERT INTO visit_change (customer_id, visit_id, kind, at, staff_id, day, start)
                SELECT customer_id, id, 'scheduled', \(at), \(staff), \(day), \(start) FROM booked
                """)
        }
    }

    /// What the part spent, took from stock and seated.
    private func update(_ rules: CampaignLedgerRules, campaign: String) async throws {
        for period in rules.changedPeriods.sorted() {
            try await connection.query("""
                UPDATE care_budget SET spent = \("\(rules.spent[period] ?? 0)")::numeric WHERE campaign = \(campaign) AND period = \(period)
                """)
        }
        for item in rules.changedStock.sorted() {
            try await connection.query(
                "UPDATE gift_item SET stock = \(rules.stock[item] ?? 0) WHERE catalog || '/' || code = \(item)")
        }
        for event in rules.changedEvents.sorted() {
            try await connection.query("UPDATE care_event SET taken = \(rules.seats[event]?.taken ?? 0) WHERE name = \(event)")
        }
    }
}
