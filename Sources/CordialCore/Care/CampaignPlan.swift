import Foundation

/// A campaign's plan: every action it intends, persisted with an id before anything
/// happens, with the limits it is to be applied under. Plans are never edited: planning
/// again makes a new plan (which ``CampaignPlanDiff`` compares with the last).
public struct CampaignPlan: Sendable, Hashable, Codable {
    public var id: Int64?
    /// The policy's name (or an ad-hoc script's campaign name).
    public var campaign: String
    public var plugin: String
    public var pluginVersion: String
    /// The window whose action days it covers (days from 1970-01-01, both included).
    public var fromDay: Int
    public var toDay: Int
    public var madeAt: Date
    /// What the actions are, as a SHA-256 of their keys and contents: an approval holds for
    /// this fingerprint only.
    public var fingerprint: String
    /// What apply enforces: the policy's budget and the caps across policies, as they were
    /// when the plan was made (so the plan approved is the plan applied).
    public var limits: CampaignLimits
    public var summary: CampaignPlanSummary
    public var approval: CampaignApproval?

    public init(
        id: Int64? = nil, campaign: String, plugin: String, pluginVersion: String, fromDay: Int, toDay: Int, madeAt: Date,
        fingerprint: String, limits: CampaignLimits, summary: CampaignPlanSummary, approval: CampaignApproval? = nil
    ) {
        self.id = id
        self.campaign = campaign
        self.plugin = plugin
        self.pluginVersion = pluginVersion
        self.fromDay = fromDay
        self.toDay = toDay
        self.madeAt = madeAt
        self.fingerprint = fingerprint
        self.limits = limits
        self.summary = summary
        self.approval = approval
    }

    /// The synthesized shape, with the window's days as dates for readers (see ``CodingUserInfoKey/daysAsDates``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(id, forKey: .id)
        try container.encode(campaign, forKey: .campaign)
        try container.encode(plugin, forKey: .plugin)
        try container.encode(pluginVersion, forKey: .pluginVersion)
        try container.encodeDay(fromDay, forKey: .fromDay, in: encoder)
        try container.encodeDay(toDay, forKey: .toDay, in: encoder)
        try container.encode(madeAt, forKey: .madeAt)
        try container.encode(fingerprint, forKey: .fingerprint)
        try container.encode(limits, forKey: .limits)
        try container.encode(summary, forKey: .summary)
        try container.encodeIfPresent(approval, forKey: .approval)
    }
}

/// Who approved a plan, when, and which version of it.
public struct CampaignApproval: Sendable, Hashable, Codable {
    public var by: String
    public var role: String
    public var at: Date
    public var fingerprint: String

    public init(by: String, role: String, at: Date, fingerprint: String) {
        self.by = by
        self.role = role
        self.at = at
        self.fingerprint = fingerprint
    }
}

/// The budget and caps a plan is applied under.
public struct CampaignLimits: Sendable, Hashable, Codable {
    public var currency: String
    public var total: Decimal?
    public var perCustomer: Decimal?
    public var periodAmount: Decimal?
    public var periodDays: Int?
    public var caps: [Cap]

    /// At most `count` actions of `forms` per customer in any `days` days.
    public struct Cap: Sendable, Hashable, Codable {
        public var forms: [CareForm]
        public var count: Int
        public var days: Int
        public init(forms: [CareForm], count: Int, days: Int) {
            self.forms = forms
            self.count = count
            self.days = days
        }
    }

    public init(currency: String, total: Decimal? = nil, perCustomer: Decimal? = nil, periodAmount: Decimal? = nil, periodDays: Int? = nil, caps: [Cap] = []) {
        self.currency = currency
        self.total = total
        self.perCustomer = perCustomer
        self.periodAmount = periodAmount
        self.periodDays = periodDays
        self.caps = caps
    }

    /// A policy's budget with the caps of every loaded plugin.
    public init(budget: CareBudget, caps: [FrequencyCap]) {
        self.init(
            currency: budget.currency, total: budget.total, perCustomer: budget.perCustomer, periodAmount: budget.perPeriod?.amount,
            periodDays: budget.perPeriod?.days,
            caps: caps.map { Cap(forms: $0.forms.sorted { $0.rawValue < $1.rawValue }, count: $0.count, days: $0.days) })
    }
}

/// Counts and costs of a plan, by segment label and care form, and what was held back.
public struct CampaignPlanSummary: Sendable, Hashable, Codable {
    public var actions: Int
    public var customers: Int
    public var cost: Decimal
    /// "gift" → count and cost.
    public var byForm: [String: Tally]
    /// "value-tier:gold" → count and cost (a customer's first matching selector).
    public var bySegment: [String: Tally]
    /// "no consent for email" → count: actions the plan holds back, which apply skips.
    public var heldBack: [String: Int]
    /// "budget total reached" → count: what the limits would hold back if the plan were
    /// applied as it was made (apply decides again, against the ledger as it is then).
    public var forecast: [String: Int] = [:]
    /// The roles that may approve the plan when the organisation's levels required an
    /// approval as it was made (nil: none was required). Kept with the plan, so a process
    /// that did not load the levels still refuses to apply it unapproved.
    public var approvers: [String]?

    public struct Tally: Sendable, Hashable, Codable {
        public var count: Int
        public var cost: Decimal
        public init(count: Int = 0, cost: Decimal = 0) {
            self.count = count
            self.cost = cost
        }
    }

    private enum CodingKeys: String, CodingKey {
        case actions, customers, cost, byForm, bySegment, heldBack, forecast, approvers
    }

    /// Reads summaries saved before plans had a forecast, too.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        actions = try container.decode(Int.self, forKey: .actions)
        customers = try container.decode(Int.self, forKey: .customers)
        cost = try container.decode(Decimal.self, forKey: .cost)
        byForm = try container.decode([String: Tally].self, forKey: .byForm)
        bySegment = try container.decode([String: Tally].self, forKey: .bySegment)
        heldBack = try container.decode([String: Int].self, forKey: .heldBack)
        forecast = try container.decodeIfPresent([String: Int].self, forKey: .forecast) ?? [:]
        approvers = try container.decodeIfPresent([String].self, forKey: .approvers)
    }

    public init(actions: Int = 0, customers: Int = 0, cost: Decimal = 0, byForm: [String: Tally] = [:], bySegment: [String: Tally] = [:], heldBack: [String: Int] = [:]) {
        self.actions = actions
        self.customers = customers
        self.cost = cost
        self.byForm = byForm
        self.bySegment = bySegment
        self.heldBack = heldBack
    }
}
