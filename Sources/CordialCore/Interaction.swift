import Foundation

/// A contact with a customer: a visit, call, letter, gift or event invitation.
public struct Interaction: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, CaseIterable {
        case visit, call, letter, gift, event
    }

    public var id: Int64?
    public var customerID: CustomerID
    public var kind: Kind
    public var time: Date
    public var staffID: Int64?
    /// "delivered", "no answer", "complaint resolved", …
    public var outcome: String?
    public var cost: Money?

    public init(
        id: Int64? = nil, customerID: CustomerID, kind: Kind, time: Date, staffID: Int64? = nil,
        outcome: String? = nil, cost: Money? = nil
    ) {
        self.id = id
        self.customerID = customerID
        self.kind = kind
        self.time = time
        self.staffID = staffID
        self.outcome = outcome
        self.cost = cost
    }
}
