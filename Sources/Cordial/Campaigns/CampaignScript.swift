import CordialCore
import CordialStore
import Foundation
import LuaHost

/// An ad-hoc campaign a script builds (`cordial.campaign { … }`, then `campaign:gift{…}`,
/// `:letter{…}`, `:call{…}`, `:invite{…}`): its actions, checked as each call is made (an
/// unknown customer or gift item, a missing field, the same action twice is an error at the
/// script's line). When the script succeeds, each campaign is saved as a plan, to be shown,
/// approved and applied like a policy's (``CampaignPlanner/save(_:campaign:plugin:version:window:limits:events:at:store:)``).
/// Used on the state's thread.
final class CampaignScript {
    let name: String
    let budget: CareBudget
    let definedAt: String
    private(set) var actions: [PlannedAction] = []
    /// The line of each action's key, to name the first when one is given twice.
    private var lines: [String: String] = [:]
    private var catalog: [String: GiftItem]?
    private var known: Set<CustomerID> = []

    /// The most actions one script's campaign holds.
    static let maximumActions = 1_000_000

    init(name: String, budget: CareBudget, definedAt: String) {
        self.name = name
        self.budget = budget
        self.definedAt = definedAt
    }

    /// `cordial.campaign { name = …, currency = …, budget = { … } }`.
    static func declare(_ arguments: LuaArguments, in context: PluginContext) throws -> CampaignScript {
        let value = try arguments.value(1, "spec")
        guard let spec = value.tableValue, spec.array.isEmpty else {
            throw arguments.invalid("spec", "expected a table such as { name = \"vip-thanks\", budget = { total = 5000000 } }, got \(value.typeName)")
        }
        try PolicyDeclaration.checkKeys(spec, ["name", "currency", "budget"], "campaign: unknown field")
        guard let name = spec["name"].stringValue, PluginManifest.isValidName(name) else {
            throw PluginAPIError("campaign: name must be a campaign name in lower-case letters, digits and dashes, such as \"vip-thanks\"")
        }
        guard !context.run.campaigns.contains(where: { $0.name == name }) else { throw PluginAPIError("campaign '\(name)' is declared twice") }
        let currency = try PolicyDeclaration.currencyCode(spec["currency"], "campaign")
        let budget = try PolicyDeclaration.budget(spec["budget"], currency: currency, "campaign")
        let campaign = CampaignScript(name: name, budget: budget, definedAt: arguments.callerLocation ?? context.file)
        // Kept in Swift until the script ends: it counts against the script's memory cap.
        try arguments.luaState.charge(256 + name.utf8.count + campaign.definedAt.utf8.count)
        context.run.campaigns.append(campaign)
        return campaign
    }

    /// `campaign:gift{…}` and the others: one action, checked.
    func add(_ form: CareForm, _ arguments: LuaArguments, in context: PluginContext) throws {
        let value = try arguments.value(2, "action")
        guard let spec = value.tableValue, spec.array.isEmpty else {
            throw arguments.invalid("action", "expected a table such as { customer = c.id, occasion = \"thanks:2025\", date = \"2025-02-10\", … }, got \(value.typeName)")
        }
        let line = arguments.callerLocation ?? context.file
        try add(form, spec: spec, line: line, charge: { try arguments.luaState.charge($0) }, in: context)
    }

    /// One action from its table (customer, occasion, date and what the form needs), checked;
    /// `charge` counts what it holds against the state's memory cap. `case:recover` fills in
    /// the customer, occasion and date of service recovery.
    func add(_ form: CareForm, spec: LuaTable, line: String, charge: (Int) throws -> Void, in context: PluginContext) throws {
        // Messages follow the API's own prefix (`Campaign:gift: …`).
        let place = "action"
        let fields: Set<String> = switch form {
        case .gift: ["catalog", "item"]
        case .letter: ["template", "channel", "cost"]
        case .call: ["role", "script", "cost"]
        case .invitation: ["event", "channel"]
        case .visit: ["role", "minutes", "within", "buffer", "own_manager", "cost"]
        }
        try PolicyDeclaration.checkKeys(spec, fields.union(["customer", "occasion", "date"]), "unknown field")
        guard actions.count < Self.maximumActions else { throw PluginAPIError("a campaign holds at most \(Self.maximumActions) actions") }
        guard let number = spec["customer"].integerValue else {
            throw PluginAPIError("customer must be a customer's store id (c.id), got \(spec["customer"].typeName)")
        }
        let customer = CustomerID(number)
        guard let occasion = spec["occasion"].stringValue, !occasion.isEmpty, occasion.utf8.count <= 64, !occasion.contains("/"),
              SegmentLabels.isValid(occasion)
        else {
            throw PluginAPIError("occasion must name the occasion in 1 to 64 bytes without '/', such as \"thanks:2025\": with the campaign, the customer and the form it is the action's key")
        }
        guard let dateText = spec["date"].stringValue, let day = CalendarDays.day(of: dateText) else {
            throw PluginAPIError("date must be the day to act, \"YYYY-MM-DD\"")
        }
        try checkCustomer(customer, context)
        var action = PlannedAction(
            seq: 0, customerID: customer, campaign: name, occasion: occasion, form: form, occasionDay: day, actionDay: day, item: 1, cost: 0,
            currency: budget.currency, segment: "script", channel: .email)
        func text(_ key: String, _ what: String) throws -> String {
            guard let value = spec[key].stringValue, !value.isEmpty else { throw PluginAPIError("\(key) must be \(what)") }
            return value
        }
        switch form {
        case .gift:
            let catalogName = try text("catalog", "a gift catalog's name"), code = try text("item", "an item's code in the catalog")
            let items = try self.catalog(context)
            guard let item = items["\(catalogName)/\(code)"] else {
                let inCatalog = items.values.filter { $0.catalog == catalogName }.map(\.code).sorted()
                throw PluginAPIError("no item '\(code)' in gift catalog '\(catalogName)'"
                    + (inCatalog.isEmpty ? " (no such catalog; `cordial catalog import`)" : " (known: \(inCatalog.joined(separator: ", ")))"))
            }
            guard item.cost.currency == budget.currency else {
                throw PluginAPIError("gift '\(catalogName)/\(code)' costs in \(item.cost.currency), the campaign's budget is in \(budget.currency)")
            }
            action.giftCatalog = catalogName
            action.giftItem = code
            action.cost = item.cost.amount
            action.channel = .post
        case .letter:
            let template = try text("template", "a letter template's name")
            if let known = context.environment.letterTemplates, !known.contains(template) {
                throw PluginAPIError("no loaded plugin has a letter template '\(template.prefix(64))' (letters/NAME.LOCALE.mustache in a plugin; --plugins)")
            }
            action.template = template
            action.channel = try PolicyDeclaration.letterChannel(spec["channel"], place)
            action.cost = try PolicyDeclaration.amount(spec["cost"], "cost") ?? 0
        case .call:
            action.role = try text("role", "the role of the agents who call, such as \"care-agent\"")
            action.script = try text("script", "the text the agent follows")
            action.cost = try PolicyDeclaration.amount(spec["cost"], "cost") ?? 0
            action.channel = .phone
        case .invitation:
            action.event = try text("event", "an event's name (plugin:event)")
            action.channel = try PolicyDeclaration.letterChannel(spec["channel"], place)
        case .visit:
            let care = try PolicyDeclaration.visitCare(fields: spec, place)
            action.role = care.role
            action.cost = care.cost ?? 0
            action.channel = .visit
            action.visit = PlannedVisit(care, from: day)
        }
        if let first = lines[action.key] {
            throw PluginAPIError("customer \(customer) already has this \(form.rawValue) for occasion '\(occasion)' (at \(first)): an action is planned once")
        }
        // What the action holds in Swift until the script ends counts against the script's
        // memory cap, as queued customer changes do: a script adding actions in a loop stops there.
        try charge(Self.size(of: action) + line.utf8.count)
        lines[action.key] = line
        actions.append(action)
    }

    /// About what a planned action holds: its fields and its texts (the key twice: in the
    /// action and in the index of keys).
    static func size(of action: PlannedAction) -> Int {
        let texts = [action.occasion, action.campaign, action.currency, action.segment, action.giftCatalog, action.giftItem, action.template,
                     action.role, action.script, action.event]
        return MemoryLayout<PlannedAction>.stride + 2 * action.key.utf8.count + texts.reduce(0) { $0 + ($1?.utf8.count ?? 0) + 16 }
    }

    /// The customer must be in the store and not forgotten.
    private func checkCustomer(_ customer: CustomerID, _ context: PluginContext) throws {
        guard !known.contains(customer) else { return }
        let store = try context.openStore()
        // Customer facts leave forgotten customers out.
        let found = try context.wait { try await CustomerFacts.load(customer, from: store) != nil }
        guard found else { throw PluginAPIError("no customer \(customer) (unknown, or forgotten)") }
        known.insert(customer)
    }

    private func catalog(_ context: PluginContext) throws -> [String: GiftItem] {
        if let catalog { return catalog }
        let store = try context.openStore()
        let items = try context.wait { try await store.giftItems() }
        let loaded = Dictionary(items.map { ("\($0.catalog)/\($0.code)", $0) }, uniquingKeysWith: { first, _ in first })
        catalog = loaded
        return loaded
    }
}

/// What a `Campaign` object in Lua holds: the script's campaign.
final class CampaignScriptHandle {
    let campaign: CampaignScript
    init(_ campaign: CampaignScript) { self.campaign = campaign }
}
