import Foundation

/// A customer's answer for one channel: agreed to be contacted on it, or refused (opted
/// out). A channel with no answer is allowed; a refused one gets nothing, whatever a policy
/// says. Every change is kept in the audit log with its source.
public struct ConsentRecord: Codable, Sendable, Hashable {
    public var customerID: CustomerID
    public var channel: ContactChannel
    public var granted: Bool
    public var changedAt: Date
    /// Where the answer came from: `import consent.csv`, `cli`, … (no personal data).
    public var source: String

    public init(customerID: CustomerID, channel: ContactChannel, granted: Bool, changedAt: Date, source: String) {
        self.customerID = customerID
        self.channel = channel
        self.granted = granted
        self.changedAt = changedAt
        self.source = source
    }
}

/// A consent answer to record.
public struct ConsentChange: Sendable, Hashable {
    public var customerID: CustomerID
    public var channel: ContactChannel
    public var granted: Bool

    public init(customerID: CustomerID, channel: ContactChannel, granted: Bool) {
        self.customerID = customerID
        self.channel = channel
        self.granted = granted
    }

    /// "yes", "no", "true", "false", "1", "0", "granted", "refused", "opt-in", "opt-out"
    /// (any case): the answer, or nil.
    public static func answer(_ text: String) -> Bool? {
        switch text.lowercased() {
        case "yes", "y", "true", "1", "granted", "grant", "opt-in", "opted-in", "in": true
        case "no", "n", "false", "0", "refused", "refuse", "opt-out", "opted-out", "out": false
        default: nil
        }
    }
}
