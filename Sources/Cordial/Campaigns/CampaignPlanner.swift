import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// Makes a campaign's plan from a care policy and a window of days: every customer in the
/// policy's segments, every occurrence of each care item whose action day falls in the
/// window, the gift each gets (named, or chosen by the plugin's function), what it costs —
/// saved with an id before anything happens (DESIGN decision 4). Nothing is applied here.
///
/// What the plan already knows cannot be done is kept in it, held back with the reason (a
/// channel the customer refused, a plugin that chose no gift); budgets, caps and stock are decided when the plan is applied,
/// against the ledger as it is then, and the plan's forecast says what they would hold back
/// now.
public struct CampaignPlanner: Sendable {
    public var store: any Store
    public var plugins: [Plugin]
    public var loader: PluginLoader
    public var logger: Logger
    public var batchSize = 1000
    /// Limits of the state that runs `choose` functions; the time limit is per batch.
    public var limits = LuaLimits(memoryBytes: 64 << 20, timeSeconds: 10)
    /// The longest window a plan covers.
    public static let maximumWindowDays = 3_660

    public init(store: any Store, plugins: [Plugin], loader: PluginLoader, logger: Logger) {
        self.store = store
        self.plugins = plugins
        self.loader = loader
        self.logger = logger
    }

    /// The policy called `name` and the plugin that registered it; an error listing the known
    /// ones otherwise.
    public func policy(named name: String) throws -> (plugin: Plugin, policy: CarePolicy) {
        for plugin in plugins {
            if let policy = plugin.registrations.policies.first(where: { $0.name == name }) { return (plugin, policy) }
        }
        let known = plugins.flatMap { $0.registrations.policies.map(\.name) }.sorted()
        throw PluginError(
            location: "campaigns",
            message: "no policy '\(name)'" + (known.isEmpty ? "; no plugin registers one (plugin:policy)" : " (known: \(known.joined(separator: ", ")))"))
    }

    /// Plans policy `name` over the action days `window`, as of `at`, and saves the plan.
    /// `progress` gets the number of customers read so far.
    public func plan(
        _ name: String, window: ClosedRange<Int>, at: Date = Date(), progress: (@Sendable (Int) -> Void)? = nil
    ) async throws -> CampaignPlan {
        guard window.count <= Self.maximumWindowDays else {
            throw PluginError(location: "campaigns", message: "a plan covers at most \(Self.maximumWindowDays) days; this window has \(window.count)")
        }
        let (plugin, policy) = try policy(named: name)
        var catalog = try await giftItems(for: policy)
        let limits = CampaignLimits(budget: policy.budget, caps: plugins.flatMap(\.registrations.frequencyCaps))
        let chooser = try await GiftChooser(plugin: plugin, policy: policy, planner: self, at: at)

        let holidays = HolidayLookupCache()
        let needsEvents = Set(policy.items.compactMap { item -> Occasion.Event? in
            if case .after(let event, _) = item.occasion { return event }
            return nil
        })
        var actions: [PlannedAction] = []
        var read = 0
        // Visits go to the most valuable customers first when staff cannot make them all.
        let visits = policy.items.contains { $0.action.form == .visit }
        var lifetimeValues: [CustomerID: Double] = [:]
        var chosenCustomers: Set<CustomerID>?
        if let count = policy.mostValuable { chosenCustomers = try await mostValuable(count, in: policy.segments) }
        for try await batch in store.scanCustomerFacts(batchSize: batchSize, values: chooser != nil || visits) {
            var candidates: [Candidate] = []
            for facts in batch {
                guard let segment = Self.segment(of: facts, in: policy.segments) else { continue }
                if let chosenCustomers, !chosenCustomers.contains(facts.id) { continue }
                let occasionFacts = try await self.facts(of: facts, events: needsEvents)
                for (index, item) in policy.items.enumerated() {
                    for instance in item.occasion.occurrences(in: window, of: occasionFacts, holidays: holidays.lookup) {
                        candidates.append(Candidate(facts: facts, segment: segment, item: index, instance: instance))
                    }
                }
            }
            let chosen = try await chooser?.choose(for: candidates, catalog: catalog) ?? [:]
            // What the next batches are offered: the stock the plan has not given yet, one per
            // occurrence (a window of several years gives a customer the item several times).
            for candidate in candidates {
                guard case .gift(let catalogName, nil, true, _) = policy.items[candidate.item].action,
                      let code = chosen[CandidateKey(customer: candidate.facts.id, item: candidate.item)] ?? nil else { continue }
                catalog["\(catalogName)/\(code)"]?.stock -= 1
            }
            // A customer who refused a channel gets nothing on it: held back, with the reason.
            let refused = candidates.isEmpty ? [:] : try await store.refusedChannels(of: candidates.map(\.facts.id))
            for candidate in candidates {
                let action = Self.action(
                    candidate, policy: policy, catalog: catalog, chosen: chosen[CandidateKey(customer: candidate.facts.id, item: candidate.item)])
                actions.append(Self.holdingBack(action, refused: refused))
                if action.form == .visit, let value = candidate.facts.value?.scores.lifetimeValue {
                    lifetimeValues[candidate.facts.id] = value
                }
            }
            read += batch.count
            progress?(read)
        }
        chooser?.close()
        try await VisitPlanning.schedule(&actions, rank: lifetimeValues, store: store)

        return try await Self.save(
            actions, campaign: policy.name, plugin: plugin.name, version: plugin.manifest.version.description, window: window, limits: limits,
            events: plugins.flatMap(\.registrations.events), approvals: plugins.compactMap(\.registrations.approvals).first, at: at, store: store)
    }

    /// Numbers `actions` (customer, then day, then item order: seq 1 … n), fingerprints and
    /// summarises them with the limits' forecast, and saves the plan with them in one
    /// transaction. What a policy's plan and a script's campaign share.
    static func save(
        _ actions: [PlannedAction], campaign: String, plugin: String, version: String, window: ClosedRange<Int>, limits: CampaignLimits,
        events: [CareEvent], approvals: ApprovalRules?, at: Date, store: any Store
    ) async throws -> CampaignPlan {
        var actions = actions
        actions.sort { ($0.customerID.rawValue, $0.actionDay, $0.item, $0.occasion, $0.form.rawValue) < ($1.customerID.rawValue, $1.actionDay, $1.item, $1.occasion, $1.form.rawValue) }
        for index in actions.indices { actions[index].seq = index + 1 }
        var summary = CampaignPlanSummary(of: actions)
        summary.forecast = try await CampaignForecast.heldBack(actions, campaign: campaign, limits: limits, events: events, store: store)
        if let approvals, approvals.needsApproval(cost: summary.cost, customers: summary.customers, currency: limits.currency) {
            summary.approvers = approvals.approvers(cost: summary.cost, customers: summary.customers, currency: limits.currency)
        }
        let plan = CampaignPlan(
            campaign: campaign, plugin: plugin, pluginVersion: version, fromDay: window.lowerBound, toDay: window.upperBound, madeAt: at,
            fingerprint: CampaignFingerprint.of(actions, limits: limits), limits: limits, summary: summary)
        return try await store.savePlan(plan, actions: actions)
    }

    /// `action`, held back when its customer refused its channel.
    static func holdingBack(_ action: PlannedAction, refused: [CustomerID: Set<ContactChannel>]) -> PlannedAction {
        guard action.heldBack == nil, refused[action.customerID]?.contains(action.channel) == true else { return action }
        var held = action
        held.heldBack = "no consent for \(action.channel.rawValue)"
        return held
    }

    /// The catalog items the policy's gifts may use, by "catalog/code"; a policy whose gift
    /// names a catalog or item the store does not hold, or costs in another currency than its
    /// budget, is refused at the policy's line.
    func giftItems(for policy: CarePolicy) async throws -> [String: GiftItem] {
        let gifts = policy.items.enumerated().compactMap { index, item -> (Int, CareItem, String, String?)? in
            if case .gift(let catalog, let code, _, _) = item.action { return (index, item, catalog, code) }
            return nil
        }
        guard !gifts.isEmpty else { return [:] }
        let all = try await store.giftItems()
        for (index, item, catalog, code) in gifts {
            let place = "policy '\(policy.name)': care[\(index + 1)]"
            let inCatalog = all.filter { $0.catalog == catalog }
            guard !inCatalog.isEmpty else {
                let known = Set(all.map(\.catalog)).sorted()
                throw PluginError(
                    location: item.definedAt,
                    message: "\(place): no gift catalog '\(catalog)' in the store" + (known.isEmpty ? "; import one with `cordial catalog import`" : " (known: \(known.joined(separator: ", ")))"))
            }
            if let code, !inCatalog.contains(where: { $0.code == code }) {
                throw PluginError(
                    location: item.definedAt,
                    message: "\(place): no item '\(code)' in gift catalog '\(catalog)' (known: \(inCatalog.map(\.code).joined(separator: ", ")))")
            }
            if let other = inCatalog.first(where: { $0.cost.currency != policy.budget.currency }) {
                throw PluginError(
                    location: item.definedAt,
                    message: "\(place): gift '\(catalog)/\(other.code)' costs in \(other.cost.currency), the policy's budget is in \(policy.budget.currency)")
            }
        }
        return Dictionary(uniqueKeysWithValues: all.map { ("\($0.catalog)/\($0.code)", $0) })
    }

    /// The `count` customers of the segments with the highest lifetime value (then the lowest
    /// id; customers without a figure last): one read of the customers before the plan's.
    func mostValuable(_ count: Int, in selectors: [SegmentSelector]) async throws -> Set<CustomerID> {
        var ranked: [(value: Double, id: CustomerID)] = []
        for try await batch in store.scanCustomerFacts(batchSize: batchSize, values: true) {
            for facts in batch where Self.segment(of: facts, in: selectors) != nil {
                let value = facts.value?.scores.lifetimeValue ?? -.infinity
                ranked.append((value.isNaN ? -.infinity : value, facts.id))
            }
        }
        ranked.sort { $0.value != $1.value ? $0.value > $1.value : $0.id.rawValue < $1.id.rawValue }
        return Set(ranked.prefix(count).map(\.id))
    }

    /// "value-tier:gold": the first of the policy's selectors the customer's labels match.
    static func segment(of facts: CustomerFacts, in selectors: [SegmentSelector]) -> String? {
        for selector in selectors {
            if let label = facts.labels[selector.segment], selector.label == nil || selector.label == label {
                return "\(selector.segment):\(label)"
            }
        }
        return nil
    }

    /// What occasions read of a customer; purchase and visit days only when a care item
    /// follows them (one read per customer of the policy's segments).
    func facts(of customer: CustomerFacts, events: Set<Occasion.Event>) async throws -> Occasion.Facts {
        var birthday: Birthday?
        if var text = customer.birthday { birthday = text.withUTF8 { StoredCustomerText.birthday($0) } }
        var days: [Occasion.Event: [Int]] = [:]
        if events.contains(.purchase) {
            days[.purchase] = try await store.purchases(of: customer.id).map { CalendarDays.day(of: $0.time) }
        }
        if events.contains(.visit) {
            days[.visit] = try await store.interactions(of: customer.id).filter { $0.kind == .visit }.map { CalendarDays.day(of: $0.time) }
        }
        return Occasion.Facts(birthday: birthday, firstPurchaseDay: customer.purchases.firstDay, locale: customer.locale, eventDays: days)
    }

    /// An occurrence of a care item for a customer, before it is an action.
    struct Candidate {
        var facts: CustomerFacts
        var segment: String
        var item: Int
        var instance: Occasion.Instance
    }

    struct CandidateKey: Hashable {
        var customer: CustomerID
        var item: Int
    }

    /// The action of a candidate: what it costs and needs. `chosen` is the code the policy's
    /// `choose` function gave (nil: it chose none, and the action is held back).
    static func action(_ candidate: Candidate, policy: CarePolicy, catalog: [String: GiftItem], chosen: String??) -> PlannedAction {
        let item = policy.items[candidate.item]
        var action = PlannedAction(
            seq: 0, customerID: candidate.facts.id, campaign: policy.name, occasion: candidate.instance.key, form: item.action.form,
            occasionDay: candidate.instance.occasionDay, actionDay: candidate.instance.actionDay, item: candidate.item + 1, cost: 0,
            currency: policy.budget.currency, segment: candidate.segment, channel: item.action.channel)
        switch item.action {
        case .gift(let catalogName, let code, _, _):
            action.giftCatalog = catalogName
            if let code = code ?? chosen ?? nil {
                action.giftItem = code
                action.cost = catalog["\(catalogName)/\(code)"]?.cost.amount ?? 0
            } else {
                action.heldBack = "the policy's choose function chose no gift"
            }
        case .letter(let template, _, let cost):
            action.template = template
            action.cost = cost ?? 0
        case .call(let script, let role, let cost):
            action.script = script
            action.role = role
            action.cost = cost ?? 0
        case .invitation(let event, _):
            action.event = event
        case .visit(let care):
            action.role = care.role
            action.cost = care.cost ?? 0
            action.visit = PlannedVisit(care, from: candidate.instance.actionDay)
        }
        return action
    }
}

extension CampaignPlanSummary {
    /// Counts and costs of `actions` by care form and segment label (held-back actions apart).
    init(of actions: [PlannedAction]) {
        self.init()
        var customers: Set<CustomerID> = []
        for action in actions {
            if let held = action.heldBack {
                heldBack[held, default: 0] += 1
                continue
            }
            self.actions += 1
            cost += action.cost
            customers.insert(action.customerID)
            byForm[action.form.rawValue, default: Tally()].count += 1
            byForm[action.form.rawValue, default: Tally()].cost += action.cost
            bySegment[action.segment, default: Tally()].count += 1
            bySegment[action.segment, default: Tally()].cost += action.cost
        }
        self.customers = customers.count
    }
}
