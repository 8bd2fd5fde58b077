import CordialCore
import CordialStore
import Foundation
import GRDB

/// Applies a part's actions inside its transaction on SQLite: loads what the ledger holds
/// for the part's customers, what the campaign spent, the stock and seats the part needs;
/// decides each action (``CampaignLedgerRules``); writes the applied ones with their effects.
/// SQLite has one writer at a time, so nothing changes between the reads and the writes.
struct SQLiteCampaignLedger {
    let db: Database
    let at: String

    init(db: Database, at: Date) {
        self.db = db
        self.at = CustomerRow.storedText(at)
    }

    func apply(_ actions: [PlannedAction], limits: CampaignLimits, events: [CareEvent], run: Int64, plan: Int64) throws -> CampaignApplyOutcome {
        guard let campaign = actions.first?.campaign else { return CampaignApplyOutcome() }
        for event in events {
            try db.execute(sql: """
                INSERT INTO careEvent (name, title, day, capacity, taken) VALUES (?, ?, ?, ?, 0)
                ON CONFLICT (name) DO UPDATE SET title = excluded.title, day = excluded.day, capacity = excluded.capacity
                """, arguments: [event.name, event.title, CalendarDays.text(ofDay: event.day), event.capacity])
        }
        var rules = try loadRules(campaign: campaign, limits: limits, actions: actions)
        let decisions = rules.decide(actions)
        let skip = try db.makeStatement(sql: "INSERT INTO campaignRunSkip (customerId, runId, seq, result, reason) VALUES (?, ?, ?, ?, ?)")
        let ledger = try db.makeStatement(sql: """
            INSERT INTO careAction (customerId, key, campaign, planId, runId, seq, occasion, form, actionDay, cost, currency, channel,
                giftCatalog, giftItem, template, role, event, appliedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let interaction = try db.makeStatement(sql: """
            INSERT INTO interaction (customerId, kind, time, outcome, cost, currency, actionKey, staffId) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let letter = try db.makeStatement(sql: """
            INSERT INTO letterOutbox (customerId, actionKey, campaign, template, channel, status, createdAt) VALUES (?, ?, ?, ?, ?, 'pending', ?)
            """)
        let call = try db.makeStatement(sql: """
            INSERT INTO callTask (customerId, actionKey, campaign, role, script, dueDay, status, createdAt) VALUES (?, ?, ?, ?, ?, ?, 'open', ?)
            """)
        let seat = try db.makeStatement(sql: "INSERT INTO eventSeat (customerId, event, actionKey, takenAt) VALUES (?, ?, ?, ?)")
        let visit = try db.makeStatement(sql: """
            INSERT INTO visit (customerId, actionKey, campaign, role, staffId, day, start, minutes, buffer, status, sequence, createdAt, updatedAt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'scheduled', 0, ?, ?)
            """)
        let visitChange = try db.makeStatement(sql: """
            INSERT INTO visitChange (customerId, visitId, kind, at, staffId, day, start) VALUES (?, ?, 'scheduled', ?, ?, ?, ?)
            """)
        for (action, decision) in zip(actions, decisions) {
            let customer = action.customerID.rawValue, key = action.key
            switch decision {
            case .alreadyDone:
                try skip.execute(arguments: [customer, run, action.seq, "already-done", nil])
                continue
            case .skipped(let reason):
                try skip.execute(arguments: [customer, run, action.seq, "skipped", reason])
                continue
            case .applied:
                break
            }
            try ledger.execute(arguments: [
                customer, key, campaign, plan, run, action.seq, action.occasion, action.form.rawValue, CalendarDays.text(ofDay: action.actionDay),
                "\(action.cost)", action.currency, action.channel.rawValue, action.giftCatalog, action.giftItem, action.template, action.role,
                action.event, at,
            ])
            try interaction.execute(arguments: [
                customer, CampaignLedgerRules.interactionKind(of: action.form), at, "\(campaign): \(action.occasion)",
                action.cost == 0 ? nil : "\(action.cost)", action.cost == 0 ? nil : action.currency, key, action.visit?.staffID,
            ])
            switch action.form {
            case .letter: try letter.execute(arguments: [customer, key, campaign, action.template ?? "", action.channel.rawValue, at])
            case .call:
                try call.execute(arguments: [customer, key, campaign, action.role ?? "", action.script ?? "", CalendarDays.text(ofDay: action.actionDay), at])
            case .invitation: try seat.execute(arguments: [customer, action.event ?? "", key, at])
            case .visit:
                // The rules applied it only with a member of staff and a time.
                guard let planned = action.visit, let staff = planned.staffID, let start = planned.start else { break }
                let day = CalendarDays.text(ofDay: action.actionDay)
                try visit.execute(arguments: [customer, key, campaign, action.role ?? "", staff, day, start, planned.minutes, planned.buffer, at, at])
                try visitChange.execute(arguments: [customer, db.lastInsertedRowID, at, staff, day, start])
            case .gift: break
            }
        }
        for period in rules.changedPeriods {
            try db.execute(sql: """
                INSERT INTO careBudget (campaign, period, spent) VALUES (?, ?, ?)
                ON CONFLICT (campaign, period) DO UPDATE SET spent = excluded.spent
                """, arguments: [campaign, period, "\(rules.spent[period] ?? 0)"])
        }
        for item in rules.changedStock {
            let parts = item.split(separator: "/", maxSplits: 1).map(String.init)
            try db.execute(sql: "UPDATE giftItem SET stock = ? WHERE catalog = ? AND code = ?", arguments: [rules.stock[item] ?? 0, parts[0], parts[1]])
        }
        for event in rules.changedEvents {
            try db.execute(sql: "UPDATE careEvent SET taken = ? WHERE name = ?", arguments: [rules.seats[event]?.taken ?? 0, event])
        }
        return CampaignLedgerRules.outcome(of: actions, decisions)
    }

    private func loadRules(campaign: String, limits: CampaignLimits, actions: [PlannedAction]) throws -> CampaignLedgerRules {
        var keys: Set<String> = [], entries: [CustomerID: [CampaignLedgerRules.Entry]] = [:], forgotten: Set<CustomerID> = []
        var seated: Set<String> = [], refused: [CustomerID: Set<ContactChannel>] = [:]
        let ids = Set(actions.map(\.customerID.rawValue)).sorted()
        for chunk in stride(from: 0, to: ids.count, by: 500).map({ Array(ids[$0..<min($0 + 500, ids.count)]) }) {
            let list = chunk.map(String.init).joined(separator: ",")  // ids the store handed out: integers
            for row in try Row.fetchAll(db, sql: "SELECT customerId, key, campaign, form, actionDay, cost FROM careAction WHERE customerId IN (\(list))") {
                let customer = CustomerID(row[0] as Int64)
                keys.insert(row[1])
                entries[customer, default: []].append(CampaignLedgerRules.Entry(
                    campaign: row[2], form: CareForm(rawValue: row[3]) ?? .letter, day: CalendarDays.day(of: row[4]) ?? 0,
                    cost: SQLiteStore.decimal(row[5])))
            }
            let present = Set(try Int64.fetchAll(db, sql: "SELECT id FROM customer WHERE id IN (\(list)) AND forgottenAt IS NULL"))
            for id in chunk where !present.contains(id) { forgotten.insert(CustomerID(id)) }
            for row in try Row.fetchAll(db, sql: "SELECT customerId, event FROM eventSeat WHERE customerId IN (\(list))") {
                seated.insert("\(row[0] as Int64)/\(row[1] as String)")
            }
            for row in try Row.fetchAll(db, sql: "SELECT customerId, channel FROM customerConsent WHERE granted = 0 AND customerId IN (\(list))") {
                if let channel = ContactChannel(rawValue: row[1]) { refused[CustomerID(row[0] as Int64), default: []].insert(channel) }
            }
        }
        var spent: [String: Decimal] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT period, spent FROM careBudget WHERE campaign = ?", arguments: [campaign]) {
            spent[row[0]] = SQLiteStore.decimal(row[1])
        }
        var stock: [String: Int] = [:]
        for action in actions where action.form == .gift {
            let item = CampaignLedgerRules.itemKey(action)
            guard stock[item] == nil else { continue }
            if let left = try Int.fetchOne(db, sql: "SELECT stock FROM giftItem WHERE catalog = ? AND code = ?", arguments: [action.giftCatalog, action.giftItem]) {
                stock[item] = left
            }
        }
        var seats: [String: (capacity: Int, taken: Int)] = [:]
        for row in try Row.fetchAll(db, sql: "SELECT name, capacity, taken FROM careEvent") { seats[row[0]] = (row[1], row[2]) }
        var rules = CampaignLedgerRules(
            campaign: campaign, limits: limits, keys: keys, entries: entries, spent: spent, forgotten: forgotten, stock: stock, seats: seats,
            seated: seated)
        rules.refused = refused
        let visitDays = actions.filter { $0.form == .visit && $0.visit?.staffID != nil }.map(\.actionDay)
        if let first = visitDays.min(), let last = visitDays.max() {
            rules.bookings = try SQLiteStore.staffBookings(days: StaffBookings.span(of: first...last), in: db)
        }
        return rules
    }
}
