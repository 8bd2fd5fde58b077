import CordialCore
import CordialStore
import Foundation

/// What the limits would hold back of a plan if it were applied now: the ledger's rules
/// (``CampaignLedgerRules``, the ones apply enforces) run over the plan's actions against
/// the ledger, budgets, stock and seats as they stand. A forecast, shown with the plan;
/// apply decides again inside each part's transaction, against what is committed then.
enum CampaignForecast {
    /// Reason → actions, for the actions the plan itself does not hold back.
    static func heldBack(_ actions: [PlannedAction], campaign: String, limits: CampaignLimits, events: [CareEvent], store: any Store)
        async throws -> [String: Int]
    {
        let toApply = actions.filter { $0.heldBack == nil }
        guard !toApply.isEmpty else { return [:] }
        let prefix = campaign + "/"
        var spent: [String: Decimal] = [:]
        for (key, amount) in try await store.campaignTallies(campaign: campaign).budgets where key.hasPrefix(prefix) {
            spent[String(key.dropFirst(prefix.count))] = amount
        }
        let stock = Dictionary(try await store.giftItems().map { ("\($0.catalog)/\($0.code)", $0.stock) }, uniquingKeysWith: { first, _ in first })
        let taken = try await store.campaignTallies(campaign: nil).eventSeats
        var seats: [String: (capacity: Int, taken: Int)] = [:]
        for event in events { seats[event.name] = (event.capacity, taken[event.name] ?? 0) }

        var keys: Set<String> = [], entries: [CustomerID: [CampaignLedgerRules.Entry]] = [:], seated: Set<String> = []
        for entry in try await store.careActions(of: toApply.map(\.customerID)) {
            keys.insert(entry.key)
            entries[entry.customerID, default: []].append(.init(campaign: entry.campaign, form: entry.form, day: entry.day, cost: entry.cost))
            if let event = entry.event { seated.insert("\(entry.customerID.rawValue)/\(event)") }
        }
        var rules = CampaignLedgerRules(
            campaign: campaign, limits: limits, keys: keys, entries: entries, spent: spent, forgotten: [], stock: stock, seats: seats, seated: seated)
        let visitDays = toApply.filter { $0.form == .visit && $0.visit?.staffID != nil }.map(\.actionDay)
        if let first = visitDays.min(), let last = visitDays.max() {
            var capacity: [Int64: StaffBookings.Capacity] = [:]
            for member in try await store.staff() {
                if let id = member.id { capacity[id] = StaffBookings.Capacity(of: member) }
            }
            rules.bookings = StaffBookings(capacity: capacity, bookings: try await store.visitBookings(days: StaffBookings.span(of: first...last)))
        }
        var reasons: [String: Int] = [:]
        for decision in rules.decide(toApply) {
            switch decision {
            case .applied: break
            case .alreadyDone: reasons["already done (in the ledger)", default: 0] += 1
            case .skipped(let reason): reasons[reason, default: 0] += 1
            }
        }
        return reasons
    }
}
