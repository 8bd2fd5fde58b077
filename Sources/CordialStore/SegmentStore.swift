import CordialCore
import Foundation

/// Segmentation: what segment functions see of every customer, and materialized membership
/// with its history (DESIGN.md decision 5).
public protocol SegmentStore: Sendable {
    /// Every customer not forgotten, in ascending id order and in batches of `batchSize`, from
    /// one consistent read, as segmentation sees them (purchase summary, current labels; with
    /// `values`, the stored value figures, ``CustomerFacts/value``). The read holds back while
    /// the consumer is behind.
    func scanCustomerFacts(batchSize: Int, values: Bool) -> BatchStream<CustomerFacts>

    /// The same customers laid out as blocks (``CustomerFactsBlock``), each batch one block
    /// of at most `batchSize`: what a segment run reads. A store that reads
    /// ``CustomerFacts`` first may lay them out afterwards (the default).
    func scanCustomerBlocks(batchSize: Int, values: Bool) -> BatchStream<CustomerFactsBlock>

    /// Customers matching `query` as segmentation sees them (with purchase summaries, labels
    /// and stored values), in a fixed number of queries whatever the page size.
    func customerFacts(_ query: CustomerQuery) async throws -> [CustomerFacts]

    /// Every customer not forgotten whose id is in `range`, in id order, as segmentation sees
    /// them (as ``scanCustomerFacts(batchSize:values:)`` does), from one consistent read: a
    /// shared run's part.
    func customerFacts(in range: ClosedRange<Int64>, values: Bool) async throws -> [CustomerFacts]

    /// The purchase summary of every customer not forgotten who bought anything (for
    /// population statistics such as RFM quintiles), in customer order.
    func purchaseFacts() async throws -> [PurchaseFacts]

    /// Makes `outcome` the segment's membership in one transaction, recording who entered
    /// and who left which label (``MembershipDiff``). A run as of a date before the
    /// segment's last run is refused (``StoreError/segmentRunBackdated(_:lastRun:requested:)``),
    /// and so is a run by another plugin than the one that wrote the segment before
    /// (``StoreError/segmentOwnedByAnotherPlugin(_:owner:writer:)``): nothing is written.
    func materialize(_ outcome: SegmentOutcome) async throws -> SegmentRunSummary

    /// Writes `runs` from `feed` as their labels arrive: each segment's membership and
    /// history as ``materialize(_:)`` writes them, all in one transaction. A segment the feed
    /// reports failed is not written at all; a refused one (another plugin's, backdated) is
    /// not written and is returned with its ``StoreError``. Returns the written and refused
    /// segments by name; throws, writing nothing, when the feed does. A store that can write
    /// while the scan reads does so (SQLite on a file); the default waits for every label.
    func materialize(_ runs: [SegmentRunHeader], labels feed: any SegmentLabelFeed) async throws -> [String: Result<SegmentRunSummary, StoreError>]

    /// Every segment that has been run, by name, with its last run and current counts.
    func segments() async throws -> [SegmentInfo]
    /// Members per label as of `date` (nil: now).
    func segmentCounts(_ segment: String, at date: Date?) async throws -> [String: Int]
    /// Members as of `date` (nil: now), optionally of one label, in customer order.
    func segmentMembers(_ segment: String, label: String?, at date: Date?, limit: Int?) async throws -> [SegmentMember]
    /// Entries and exits, newest first.
    func segmentHistory(_ segment: String, limit: Int) async throws -> [SegmentChange]
    /// Every label the segment has ever given (members now or in its history), sorted.
    func segmentLabelNames(_ segment: String) async throws -> [String]
    /// The customer's current label in every segment.
    func segmentLabels(of id: CustomerID) async throws -> [String: String]
}

extension SegmentStore {
    public func scanCustomerBlocks(batchSize: Int, values: Bool) -> BatchStream<CustomerFactsBlock> {
        let facts = scanCustomerFacts(batchSize: batchSize, values: values)
        return .producing { producer in
            for try await batch in facts { try await producer.send([CustomerFactsBlock(batch)]) }
        }
    }
}
