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
        let (first, over) = Int64(number).multipliedReportingOverflow(by: partSize)
        let (last, overLast) = Int64(number + 1).multipliedReportingOverflow(by: partSize)
        return (over ? Int64.max : first + 1)...(overLast ? Int64.max : last)
    }

    /// How many parts of `partSize` ids cover ids 1 … `largestID` (without overflowing).
    public static func parts(largestID: Int64, partSize: Int64) -> Int {
        largestID <= 0 ? 0 : Int((largestID - 1) / partSize + 1)
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

    /// What the parts (in part order, as stored: done or not, and their JSON summaries) say of
    /// `segment` once every part is done: the customers classified, or the earliest part's
    /// failure. Refused with ``StoreError/segmentJobUnfinished(job:done:parts:)`` before.
    public func summary(of segment: String, parts: [(done: Bool, results: String?)]) throws -> (classified: Int, failure: SegmentFailureRecord?) {
        let done = parts.filter(\.done).count
        guard done == self.parts else { throw StoreError.segmentJobUnfinished(job: id, done: done, parts: self.parts) }
        var classified = 0
        for part in parts {
            guard let summary = try Self.decode([String: SegmentPartSummary].self, part.results ?? "{}")[segment] else { continue }
            if let failure = summary.failure { return (classified, failure) }
            classified += summary.classified
        }
        return (classified, nil)
    }
}

extension SegmentJobOutcome {
    /// A merge the store refused (another plugin's segment, a backdated run): the segment
    /// fails with the reason, and nothing of it is written.
    public init(refusal: StoreError) {
        self = .failed(SegmentFailureRecord(customer: nil, location: "", message: refusal.localizedDescription))
    }
}
