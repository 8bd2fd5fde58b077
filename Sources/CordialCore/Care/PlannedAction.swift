import Foundation

/// One action of a plan: a care form for a customer on an occasion, with its cost and what
/// it needs (the gift item, the template, the role, the event). Its ``key`` — campaign,
/// occasion instance, customer and care form — is what the ledger's unique constraint
/// holds, so the same action is never applied twice, by any plan, run or process.
public struct PlannedAction: Sendable, Hashable, Codable {
    /// 1, 2, … within the plan, in customer then day order.
    public var seq: Int
    public var customerID: CustomerID
    public var campaign: String
    /// The occasion instance: `birthday:2026`, `holiday:lunar-new-year:2026`.
    public var occasion: String
    public var form: CareForm
    /// The day the occasion falls on and the day to act (from 1970-01-01).
    public var occasionDay: Int
    public var actionDay: Int
    /// The policy's care item (1-based) it comes from.
    public var item: Int
    public var cost: Decimal
    public var currency: String
    /// The customer's segment label it was planned for (`value-tier:gold`).
    public var segment: String
    public var channel: ContactChannel
    public var giftCatalog: String?
    public var giftItem: String?
    public var template: String?
    public var role: String?
    public var script: String?
    public var event: String?
    /// A visit's window and, once scheduled, its member of staff and time (the action day is
    /// the visit's day).
    public var visit: PlannedVisit?
    /// Why the plan holds it back (no consent, a cap, the budget, out of stock); nil when
    /// it is to be applied.
    public var heldBack: String?

    public init(
        seq: Int, customerID: CustomerID, campaign: String, occasion: String, form: CareForm, occasionDay: Int, actionDay: Int,
        item: Int, cost: Decimal, currency: String, segment: String, channel: ContactChannel, giftCatalog: String? = nil,
        giftItem: String? = nil, template: String? = nil, role: String? = nil, script: String? = nil, event: String? = nil,
        visit: PlannedVisit? = nil, heldBack: String? = nil
    ) {
        self.seq = seq
        self.customerID = customerID
        self.campaign = campaign
        self.occasion = occasion
        self.form = form
        self.occasionDay = occasionDay
        self.actionDay = actionDay
        self.item = item
        self.cost = cost
        self.currency = currency
        self.segment = segment
        self.channel = channel
        self.giftCatalog = giftCatalog
        self.giftItem = giftItem
        self.template = template
        self.role = role
        self.script = script
        self.event = event
        self.visit = visit
        self.heldBack = heldBack
    }

    /// The synthesized shape, with the days as dates for readers (see ``CodingUserInfoKey/daysAsDates``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(seq, forKey: .seq)
        try container.encode(customerID, forKey: .customerID)
        try container.encode(campaign, forKey: .campaign)
        try container.encode(occasion, forKey: .occasion)
        try container.encode(form, forKey: .form)
        try container.encodeDay(occasionDay, forKey: .occasionDay, in: encoder)
        try container.encodeDay(actionDay, forKey: .actionDay, in: encoder)
        try container.encode(item, forKey: .item)
        try container.encode(cost, forKey: .cost)
        try container.encode(currency, forKey: .currency)
        try container.encode(segment, forKey: .segment)
        try container.encode(channel, forKey: .channel)
        try container.encodeIfPresent(giftCatalog, forKey: .giftCatalog)
        try container.encodeIfPresent(giftItem, forKey: .giftItem)
        try container.encodeIfPresent(template, forKey: .template)
        try container.encodeIfPresent(role, forKey: .role)
        try container.encodeIfPresent(script, forKey: .script)
        try container.encodeIfPresent(event, forKey: .event)
        try container.encodeIfPresent(visit, forKey: .visit)
        try container.encodeIfPresent(heldBack, forKey: .heldBack)
    }

    /// `birthday-gifts/birthday:2026/42/gift`: the action's idempotency key.
    public var key: String { Self.key(campaign: campaign, occasion: occasion, customer: customerID, form: form) }

    public static func key(campaign: String, occasion: String, customer: CustomerID, form: CareForm) -> String {
        "\(campaign)/\(occasion)/\(customer.rawValue)/\(form.rawValue)"
    }
}
