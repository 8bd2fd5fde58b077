import CordialCore
import Foundation

/// Which customers `customers(_:)` returns.
public struct CustomerQuery: Sendable, Hashable {
    public var after: CustomerID?
    public var limit: Int
    public var tag: String?
    public var tier: String?
    /// Members of this segment now (with ``label``: of that label only).
    public var segment: String?
    public var label: String?

    public init(
        after: CustomerID? = nil, limit: Int = 100, tag: String? = nil, tier: String? = nil,
        segment: String? = nil, label: String? = nil
    ) {
        self.after = after
        self.limit = limit
        self.tag = tag
        self.tier = tier
        self.segment = segment
        self.label = label
    }
}

/// A change to one customer's tags and attributes, as plugins make them.
public struct CustomerChange: Sendable, Hashable {
    public var customer: CustomerID
    public var addTags: [String] = []
    public var removeTags: [String] = []
    /// nil removes the attribute.
    public var attributes: [String: JSONValue?] = [:]

    public init(customer: CustomerID) {
        self.customer = customer
    }
}
