import Foundation

/// An organisation's care for one or more segment labels: care items (an occasion and a
/// care form each) within a budget. Registered by a plugin with `plugin:policy`; checked
/// when it registers, so a bad policy never reaches a plan.
public struct CarePolicy: Sendable, Hashable {
    /// Unique across plugins: the campaign name plans and the ledger use.
    public var name: String
    public var plugin: String
    public var description: String
    /// Customers in any of these segments (or labels) as the plan is made.
    public var segments: [SegmentSelector]
    public var items: [CareItem]
    public var budget: CareBudget
    /// Only this many customers of the segments, those with the highest lifetime value (the
    /// value fit's): a programme for the top customers.
    public var mostValuable: Int?
    /// `plugins/gifts/plugin.lua:12`
    public var definedAt: String

    public init(
        name: String, plugin: String, description: String = "", segments: [SegmentSelector], items: [CareItem],
        budget: CareBudget = CareBudget(), definedAt: String
    ) {
        self.name = name
        self.plugin = plugin
        self.description = description
        self.segments = segments
        self.items = items
        self.budget = budget
        self.definedAt = definedAt
    }
}

/// One care item of a policy: an occasion and what is done on it.
public struct CareItem: Sendable, Hashable {
    public var occasion: Occasion
    public var action: CareAction
    /// `plugins/gifts/plugin.lua:15`
    public var definedAt: String

    public init(occasion: Occasion, action: CareAction, definedAt: String) {
        self.occasion = occasion
        self.action = action
        self.definedAt = definedAt
    }
}

/// What a care item does, with what it needs.
public enum CareAction: Sendable, Hashable {
    /// A gift from `catalog`: the item named, or the one the policy's function chooses per
    /// customer (`choose`), at most `maxCost`.
    case gift(catalog: String, item: String?, chooses: Bool, maxCost: Decimal?)
    /// A letter from a template (rendered by the letters feature) on a channel; `cost` per
    /// letter (postage), if any.
    case letter(template: String, channel: ContactChannel, cost: Decimal?)
    /// A call by an agent of `role`, following `script`.
    case call(script: String, role: String, cost: Decimal?)
    /// An invitation to an event the plugin declared.
    case invitation(event: String, channel: ContactChannel)
    /// A visit by a member of staff, scheduled as the plan is made.
    case visit(VisitCare)

    public var form: CareForm {
        switch self {
        case .gift: .gift
        case .letter: .letter
        case .call: .call
        case .invitation: .invitation
        case .visit: .visit
        }
    }

    /// The channel whose consent the action needs: gifts go by post, calls by phone.
    public var channel: ContactChannel {
        switch self {
        case .gift: .post
        case .letter(_, let channel, _): channel
        case .call: .phone
        case .invitation(_, let channel): channel
        case .visit: .visit
        }
    }
}

/// A policy's budget in its currency; nil limits are not set.
public struct CareBudget: Sendable, Hashable {
    /// At most `amount` in any period of `days` days (periods counted from 1970-01-01, so a
    /// 7-day period starts on Thursdays).
    public struct Period: Sendable, Hashable {
        public var amount: Decimal
        public var days: Int
        public init(amount: Decimal, days: Int) {
            self.amount = amount
            self.days = days
        }
    }

    public var currency: String
    public var total: Decimal?
    public var perCustomer: Decimal?
    public var perPeriod: Period?

    public init(currency: String = "VND", total: Decimal? = nil, perCustomer: Decimal? = nil, perPeriod: Period? = nil) {
        self.currency = currency
        self.total = total
        self.perCustomer = perCustomer
        self.perPeriod = perPeriod
    }
}

/// A limit across every policy: at most `count` actions of `forms` per customer in any
/// `days` days (e.g. one gift per 90 days; two contacts of any form a week).
public struct FrequencyCap: Sendable, Hashable {
    public var forms: Set<CareForm>
    public var count: Int
    public var days: Int
    public var definedAt: String

    public init(forms: Set<CareForm>, count: Int, days: Int, definedAt: String) {
        self.forms = forms
        self.count = count
        self.days = days
        self.definedAt = definedAt
    }
}

/// An event customers are invited to, declared by a plugin.
public struct CareEvent: Sendable, Hashable {
    public var name: String
    public var title: String
    /// The day of the event (from 1970-01-01).
    public var day: Int
    public var capacity: Int
    public var definedAt: String

    public init(name: String, title: String, day: Int, capacity: Int, definedAt: String) {
        self.name = name
        self.title = title
        self.day = day
        self.capacity = capacity
        self.definedAt = definedAt
    }
}
