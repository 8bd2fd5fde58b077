import Foundation

/// Who may approve which campaign plans: the organisation's authority levels, declared once
/// by a plugin (`plugin:approvals`). A plan above the free threshold (by cost or by the
/// customers it reaches) is applied only once a member of staff whose role covers it has
/// approved that version of it.
public struct ApprovalRules: Sendable, Hashable {
    /// A role and the largest plan it may approve; nil limits: any.
    public struct Level: Sendable, Hashable {
        public var role: String
        public var maxCost: Decimal?
        public var maxCustomers: Int?

        public init(role: String, maxCost: Decimal? = nil, maxCustomers: Int? = nil) {
            self.role = role
            self.maxCost = maxCost
            self.maxCustomers = maxCustomers
        }
    }

    /// The currency of the thresholds and levels.
    public var currency: String
    /// Plans costing at most this and reaching at most this many customers need no approval;
    /// with neither set, every plan does.
    public var freeCost: Decimal?
    public var freeCustomers: Int?
    public var levels: [Level]
    /// `plugins/org/plugin.lua:12`
    public var definedAt: String

    public init(currency: String, freeCost: Decimal? = nil, freeCustomers: Int? = nil, levels: [Level], definedAt: String) {
        self.currency = currency
        self.freeCost = freeCost
        self.freeCustomers = freeCustomers
        self.levels = levels
        self.definedAt = definedAt
    }

    /// Whether a plan of `cost` (in `currency`) reaching `customers` needs an approval. A
    /// plan in another currency always does: its cost cannot be compared.
    public func needsApproval(cost: Decimal, customers: Int, currency: String) -> Bool {
        if freeCost == nil && freeCustomers == nil { return true }
        if let freeCost, currency != self.currency || cost > freeCost { return true }
        if let freeCustomers, customers > freeCustomers { return true }
        return false
    }

    /// Whether `role` may approve such a plan. A cost in another currency is covered only by
    /// a level without a cost limit.
    public func allows(role: String, cost: Decimal, customers: Int, currency: String) -> Bool {
        levels.contains { level in
            guard level.role == role else { return false }
            if let maxCost = level.maxCost, currency != self.currency || cost > maxCost { return false }
            if let maxCustomers = level.maxCustomers, customers > maxCustomers { return false }
            return true
        }
    }

    /// The roles that may approve such a plan.
    public func approvers(cost: Decimal, customers: Int, currency: String) -> [String] {
        levels.map(\.role).filter { allows(role: $0, cost: cost, customers: customers, currency: currency) }
    }
}
