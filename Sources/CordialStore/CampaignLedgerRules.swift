import CordialCore
import Foundation

/// The rules a part's actions are checked against, on what the ledger holds: shared by the
/// backends, which load this state inside the part's transaction (having locked the
/// customers and the campaign's budget rows where the database lets others write at once)
/// and write what it decides.
package struct CampaignLedgerRules {
    /// An action the ledger holds (of any campaign).
    package struct Entry {
        package var campaign: String
        package var form: CareForm
        package var day: Int
        package var cost: Decimal

        package init(campaign: String, form: CareForm, day: Int, cost: Decimal) {
            self.campaign = campaign
            self.form = form
            self.day = day
            self.cost = cost
        }
    }

    package let campaign: String
    package let limits: CampaignLimits
    /// The keys the ledger holds for the part's customers.
    package var keys: Set<String>
    /// The ledger's actions of the part's customers, by customer.
    package var entries: [CustomerID: [Entry]]
    /// What the campaign spent: "total" and each period's first day ("2026-03-01").
    package var spent: [String: Decimal]
    package var forgotten: Set<CustomerID>
    /// The channels each of the part's customers refused (consent), as committed now.
    package var refused: [CustomerID: Set<ContactChannel>] = [:]
    /// Stock of the gift items the part names ("catalog/code"); absent: no such item.
    package var stock: [String: Int]
    /// Seats of the events the part invites to: capacity and taken.
    package var seats: [String: (capacity: Int, taken: Int)]
    /// "customer/event" of the part's customers who hold a seat already.
    package var seated: Set<String>
    /// The visits staff hold on the days the part's visits fall in, and their capacity.
    package var bookings = StaffBookings(capacity: [:], bookings: [])
    /// Budget rows, gift items and events changed by this part.
    package private(set) var changedPeriods: Set<String> = []
    package private(set) var changedStock: Set<String> = []
    package private(set) var changedEvents: Set<String> = []

    package init(
        campaign: String, limits: CampaignLimits, keys: Set<String>, entries: [CustomerID: [Entry]], spent: [String: Decimal],
        forgotten: Set<CustomerID>, stock: [String: Int], seats: [String: (capacity: Int, taken: Int)], seated: Set<String>
    ) {
        self.campaign = campaign
        self.limits = limits
        self.keys = keys
        self.entries = entries
        self.spent = spent
        self.forgotten = forgotten
        self.stock = stock
        self.seats = seats
        self.seated = seated
    }

    /// "premium/tea-set"
    package static func itemKey(_ action: PlannedAction) -> String { "\(action.giftCatalog ?? "")/\(action.giftItem ?? "")" }

    /// "total" and, with a period budget, the first day of the action's period.
    package func periods(of action: PlannedAction) -> [String] {
        var periods = ["total"]
        if let days = limits.periodDays, days > 0 {
            let start = Int((Double(action.actionDay) / Double(days)).rounded(.down)) * days
            periods.append(CalendarDays.text(ofDay: start))
        }
        return periods
    }

    /// Why the action cannot be applied now, or nil. Already-done actions are the caller's
    /// (`keys`) and come first.
    package func refusal(of action: PlannedAction) -> String? {
        if let held = action.heldBack { return "held back by the plan: \(held)" }
        if forgotten.contains(action.customerID) { return "customer forgotten" }
        if refused[action.customerID]?.contains(action.channel) == true { return "no consent for \(action.channel.rawValue)" }
        let mine = entries[action.customerID] ?? []
        for cap in limits.caps where cap.forms.contains(action.form) {
            let near = mine.filter { cap.forms.contains($0.form) && abs($0.day - action.actionDay) < cap.days }.count
            if near >= cap.count {
                return "cap: \(cap.count) \(cap.forms.map(\.rawValue).joined(separator: "/")) in \(cap.days) days"
            }
        }
        if let total = limits.total, (spent["total"] ?? 0) + action.cost > total { return "budget total reached" }
        if let perCustomer = limits.perCustomer {
            let spentOnCustomer = mine.filter { $0.campaign == campaign }.reduce(Decimal(0)) { $0 + $1.cost }
            if spentOnCustomer + action.cost > perCustomer { return "budget per customer reached" }
        }
        if let amount = limits.periodAmount, let period = periods(of: action).dropFirst().first, (spent[period] ?? 0) + action.cost > amount {
            return "budget for the period from \(period) reached"
        }
        switch action.form {
        case .gift:
            let item = Self.itemKey(action)
            guard let left = stock[item] else { return "no gift item \(item)" }
            if left <= 0 { return "out of stock: \(item)" }
        case .invitation:
            let event = action.event ?? ""
            guard let seat = seats[event] else { return "no event \(event)" }
            if seated.contains("\(action.customerID.rawValue)/\(event)") { return "already invited to \(event)" }
            if seat.taken >= seat.capacity { return "event full: \(event)" }
        case .visit:
            guard let visit = action.visit, let staff = visit.staffID, let time = visit.time else { return "visit not scheduled" }
            // Another campaign's visit may have taken the time since the plan was made.
            if let problem = bookings.problem(staffID: staff, day: action.actionDay, time: time, buffer: visit.buffer) {
                return "\(problem) (plan again)"
            }
        case .letter, .call:
            break
        }
        return nil
    }

    /// Records an applied action in the state, so the next actions of the part see it.
    package mutating func record(_ action: PlannedAction) {
        keys.insert(action.key)
        entries[action.customerID, default: []].append(Entry(campaign: campaign, form: action.form, day: action.actionDay, cost: action.cost))
        for period in periods(of: action) {
            spent[period, default: 0] += action.cost
            changedPeriods.insert(period)
        }
        switch action.form {
        case .gift:
            let item = Self.itemKey(action)
            stock[item, default: 0] -= 1
            changedStock.insert(item)
        case .invitation:
            let event = action.event ?? ""
            seats[event]?.taken += 1
            seated.insert("\(action.customerID.rawValue)/\(event)")
            changedEvents.insert(event)
        case .visit:
            if let visit = action.visit, let staff = visit.staffID, let time = visit.time {
                bookings.add(VisitBooking(staffID: staff, day: action.actionDay, minutes: time, buffer: visit.buffer))
            }
        case .letter, .call:
            break
        }
    }

    /// Decides every action of a part in seq order: applied, already done, or skipped with
    /// its reason; the state then holds what the backend is to write.
    package mutating func decide(_ actions: [PlannedAction]) -> [Decision] {
        actions.map { action in
            if keys.contains(action.key) { return .alreadyDone }
            if let reason = refusal(of: action) { return .skipped(reason) }
            record(action)
            return .applied
        }
    }

    package enum Decision: Equatable {
        case applied, alreadyDone, skipped(String)
    }

    /// The outcome of a part's decisions.
    package static func outcome(of actions: [PlannedAction], _ decisions: [Decision]) -> CampaignApplyOutcome {
        var outcome = CampaignApplyOutcome()
        for (action, decision) in zip(actions, decisions) {
            switch decision {
            case .applied:
                outcome.applied += 1
                outcome.cost += action.cost
            case .alreadyDone: outcome.alreadyDone += 1
            case .skipped(let reason): outcome.skipped[reason, default: 0] += 1
            }
        }
        return outcome
    }

    /// The interaction kind an action writes on the customer's file.
    package static func interactionKind(of form: CareForm) -> String {
        switch form {
        case .gift: "gift"
        case .letter: "letter"
        case .call: "call"
        case .invitation: "event"
        case .visit: "visit"
        }
    }
}
