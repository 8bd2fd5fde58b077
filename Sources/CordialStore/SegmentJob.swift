import CordialCore
import Foundation

/// A segment run shared by several processes (`cordial segments run --shared`): the
/// segments it runs with their plugins' versions, the date it classifies as of, and its
/// customers cut into id ranges (parts) that processes claim one at a time.
public struct SegmentJob: Sendable, Hashable {
    /// A segment of the job and the plugin version that classifies it.
    public struct Segment: Codable, Sendable, Hashable {
        public var name: String
        public var plugin: String
        public var pluginVersion: String

        public init(name: String, plugin: String, pluginVersion: String) {
            self.name = name
            self.plugin = plugin
            self.pluginVersion = pluginVersion
        }
    }

    public var id: Int64
    /// By name.
    public var segments: [Segment]
    public var at: Date
    /// Customer ids per part: part `n` holds ids `n * partSize + 1 … (n + 1) * partSize`.
    public var partSize: Int64
    public var parts: Int

    public init(id: Int64, segments: [Segment], at: Date, partSize: Int64, parts: Int) {
        self.id = id
        self.segments = segments
        self.at = at
        self.partSize = partSize
        self.parts = parts
    }

    /// The customer ids of part `number`.
    public func range(ofPart number: Int) -> ClosedRange<Int64> {
        Int64(number) * partSize + 1...Int64(number + 1) * partSize
    }

    /// The segment names in order, one text: what processes that share a run agree on.
    public static func key(of segments: [Segment]) -> String {
        segments.map(\.name).sorted().joined(separator: " ")
    }
}

/// What a process asks for when it opens or joins a shared run.
public struct SegmentJobRequest: Sendable, Hashable {
    public var segments: [SegmentJob.Segment]
    public var at: Date
    public var partSize: Int64

    public init(segments: [SegmentJob.Segment], at: Date, partSize: Int64 = 10_000) {
        self.segments = segments.sorted { $0.name < $1.name }
        self.at = at
        self.partSize = partSize
    }
}

/// A part a worker holds: its job, number and customer ids.
public struct SegmentJobPart: Sendable, Hashable {
    public var job: Int64
    public var number: Int
    public var range: ClosedRange<Int64>

    public init(job: Int64, number: Int, range: ClosedRange<Int64>) {
        self.job = job
        self.number = number
        self.range = range
    }
}

/// What one part found for one segment: how many customers it classified, those it gave a
/// label (in customer order), or the failure that ends the segment.
public struct SegmentPartResult: Sendable, Hashable {
    public var classified: Int
    public var customers: [CustomerID]
    public var labels: [String]
    public var failure: SegmentFailureRecord?

    public init(classified: Int, customers: [CustomerID], labels: [String], failure: SegmentFailureRecord? = nil) {
        precondition(customers.count == labels.count, "one label per customer")
        self.classified = classified
        self.customers = customers
        self.labels = labels
        self.failure = failure
    }
}

/// A segment function's failure as a shared run keeps it: the customer, the plugin's
/// `file:line` and the one-line reason.
public struct SegmentFailureRecord: Codable, Sendable, Hashable {
    public var customer: CustomerID?
    public var location: String
    public var message: String

    public init(customer: CustomerID?, location: String, message: String) {
        self.customer = customer
        self.location = location
        self.message = message
    }
}

/// How far a shared run is.
public struct SegmentJobProgress: Sendable, Hashable {
    public var parts: Int
    public var done: Int
    /// Parts a worker holds now (a live lease).
    public var held: Int
    public var merged: Bool

    public init(parts: Int, done: Int, held: Int, merged: Bool) {
        self.parts = parts
        self.done = done
        self.held = held
        self.merged = merged
    }
}

/// What a shared run wrote for one segment.
public enum SegmentJobOutcome: Codable, Sendable, Hashable {
    case materialized(SegmentRunSummary)
    /// A part's function failed (the earliest part's failure), or the store refused the
    /// run (another plugin owns the segment, a backdated run): nothing was written.
    case failed(SegmentFailureRecord)
}

/// A part's record of one segment, as the part keeps it (JSON, per segment).
public struct SegmentPartSummary: Codable, Sendable, Hashable {
    public var classified: Int
    public var failure: SegmentFailureRecord?

    public init(classified: Int, failure: SegmentFailureRecord?) {
        self.classified = classified
        self.failure = failure
    }
}

extension SegmentJob {
    /// JSON text of a job's records (sorted keys, so equal values are equal texts).
    public static func json<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        // Encoding these plain value types cannot fail.
        return String(decoding: (try? encoder.encode(value)) ?? Data("null".utf8), as: UTF8.self)
    }

    /// A job's record read back from its JSON text.
    public static func decode<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// Every segment's outcome from the parts' summaries (in part order) when a part failed:
    /// the earliest part's failure; nil when none failed, with the customers classified.
    public static func merged(_ summaries: [[String: SegmentPartSummary]], segment: String) -> (classified: Int, failure: SegmentFailureRecord?) {
        var classified = 0
        for summary in summaries {
            guard let part = summary[segment] else { continue }
            if let failure = part.failure { return (classified, failure) }
            classified += part.classified
        }
        return (classified, nil)
    }
}
