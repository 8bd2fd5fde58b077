import CordialCore
import Foundation

/// A segment run to be written while its customers are still being classified
/// (``SegmentStore/materialize(_:labels:)``): what its history records of the run.
public struct SegmentRunHeader: Sendable, Hashable {
    public var segment: String
    public var plugin: String
    public var pluginVersion: String
    /// The date the run classifies as of: history records entries and exits at this time.
    public var at: Date

    public init(segment: String, plugin: String, pluginVersion: String, at: Date) {
        self.segment = segment
        self.plugin = plugin
        self.pluginVersion = pluginVersion
        self.at = at
    }

    /// The run's outcome once every label is known.
    public func outcome(customers: [CustomerID], labels: [String?]) -> SegmentOutcome {
        SegmentOutcome(segment: segment, plugin: plugin, pluginVersion: pluginVersion, at: at, customers: customers, labels: labels)
    }
}

/// The labels of one batch of a run's customers, for every segment still running.
public struct SegmentLabelBatch: Sendable {
    /// In ascending order, after every customer of the run's earlier batches.
    public var customers: [CustomerID]
    /// Per segment still running, one label per customer (nil: in no label).
    public var labels: [String: [String?]]
    /// The segments that have failed so far: none of them is to be written.
    public var failed: Set<String>

    public init(customers: [CustomerID], labels: [String: [String?]], failed: Set<String>) {
        self.customers = customers
        self.labels = labels
        self.failed = failed
    }
}

/// A run's labels as its customers are classified, batch by batch in customer order: what
/// a store writes a run's history from (``SegmentStore/materialize(_:labels:)``).
public protocol SegmentLabelFeed: Sendable {
    /// The next batch once every segment still running has classified it, blocking the
    /// calling thread until then; nil after the last. Throws what stopped the run (nothing
    /// of it is to be written).
    func nextBatch() throws -> SegmentLabelBatch?
    /// Returns once every batch is classified, so that ``nextBatch()`` no longer waits;
    /// throws what stopped the run.
    func classified() async throws
    /// Every segment that failed; after the last batch, final.
    var failedSegments: Set<String> { get }
}

extension SegmentStore {
    public func materialize(_ runs: [SegmentRunHeader], labels feed: any SegmentLabelFeed) async throws -> [String: Result<SegmentRunSummary, StoreError>] {
        try await materializeWhenClassified(runs, labels: feed)
    }

    /// ``materialize(_:labels:)`` for a store that writes a run after its classification:
    /// waits for every label, then materializes each segment in a transaction of its own.
    public func materializeWhenClassified(
        _ runs: [SegmentRunHeader], labels feed: any SegmentLabelFeed
    ) async throws -> [String: Result<SegmentRunSummary, StoreError>] {
        try await feed.classified()
        var customers: [CustomerID] = []
        var labels: [String: [String?]] = [:]
        var failed: Set<String> = []
        while let batch = try feed.nextBatch() {
            customers += batch.customers
            failed.formUnion(batch.failed)
            for run in runs where !failed.contains(run.segment) {
                if let given = batch.labels[run.segment] { labels[run.segment, default: []] += given } else { failed.insert(run.segment) }
            }
        }
        failed.formUnion(feed.failedSegments)
        var results: [String: Result<SegmentRunSummary, StoreError>] = [:]
        for run in runs where !failed.contains(run.segment) {
            do {
                results[run.segment] = .success(try await materialize(run.outcome(customers: customers, labels: labels[run.segment] ?? [])))
            } catch let refusal as StoreError {
                results[run.segment] = .failure(refusal)
            }
        }
        return results
    }
}
