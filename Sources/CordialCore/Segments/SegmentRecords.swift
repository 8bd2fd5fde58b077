import Foundation

/// A segment as the store knows it: its last run and how many customers hold each label.
public struct SegmentInfo: Codable, Sendable, Hashable {
    public var name: String
    public var plugin: String
    public var pluginVersion: String
    public var lastRun: Date
    public var counts: [String: Int]

    public init(name: String, plugin: String, pluginVersion: String, lastRun: Date, counts: [String: Int]) {
        self.name = name
        self.plugin = plugin
        self.pluginVersion = pluginVersion
        self.lastRun = lastRun
        self.counts = counts
    }

    public var members: Int { counts.values.reduce(0, +) }

    /// `segment`, as every other record of a segment names it (a run's, a history's).
    private enum CodingKeys: String, CodingKey {
        case name = "segment", plugin, pluginVersion, lastRun, counts
    }
}

/// The labels a segment run computed, to be materialized: one per classified customer
/// (nil: in no label), in ascending customer order. A shared run's outcome lists only the
/// customers with a label, and says how many were classified.
public struct SegmentOutcome: Sendable {
    public var segment: String
    public var plugin: String
    public var pluginVersion: String
    /// The date the run classifies as of: history records entries and exits at this time.
    public var at: Date
    public var customers: [CustomerID]
    public var labels: [String?]
    /// Customers the run classified (the run's record); `customers.count` unless given.
    public var classified: Int

    public init(
        segment: String, plugin: String, pluginVersion: String, at: Date, customers: [CustomerID], labels: [String?], classified: Int? = nil
    ) {
        precondition(customers.count == labels.count, "one label per customer")
        self.segment = segment
        self.plugin = plugin
        self.pluginVersion = pluginVersion
        self.at = at
        self.customers = customers
        self.labels = labels
        self.classified = classified ?? customers.count
    }
}

/// What materializing a run changed.
public struct SegmentRunSummary: Codable, Sendable, Hashable {
    public var segment: String
    public var run: Int64
    public var classified: Int
    public var entered: Int
    public var left: Int
    public var unchanged: Int
    public var counts: [String: Int]

    public init(segment: String, run: Int64, classified: Int, entered: Int, left: Int, unchanged: Int, counts: [String: Int]) {
        self.segment = segment
        self.run = run
        self.classified = classified
        self.entered = entered
        self.left = left
        self.unchanged = unchanged
        self.counts = counts
    }
}

/// One entry or exit in a segment's history.
public struct SegmentChange: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable { case entered, left }
    public var time: Date
    public var kind: Kind
    public var customer: CustomerID
    public var label: String
    public var pluginVersion: String

    public init(time: Date, kind: Kind, customer: CustomerID, label: String, pluginVersion: String) {
        self.time = time
        self.kind = kind
        self.customer = customer
        self.label = label
        self.pluginVersion = pluginVersion
    }
}

/// One customer in a segment.
public struct SegmentMember: Codable, Sendable, Hashable {
    public var customer: CustomerID
    public var label: String
    public var since: Date

    public init(customer: CustomerID, label: String, since: Date) {
        self.customer = customer
        self.label = label
        self.since = since
    }
}
