import Foundation

/// Segment runs shared by several processes, on one store (`cordial segments run
/// --shared`): each process claims parts (customer id ranges), classifies them and stages
/// their labels; once every part is done, one process merges the staged labels into each
/// segment's membership, as one run per segment. Exactly once holds across processes and
/// crashes: a part is done in one transaction, a lost worker's part is claimed again when its
/// lease runs out, and each segment is merged in one transaction that records it.
public protocol SegmentJobStore: Sendable {
    /// Joins the unfinished shared run of the same segment names, as it was opened (the
    /// caller checks its date and plugin versions), or opens one whose parts cover customer
    /// ids 1 … the largest now, `partSize` ids each. Processes opening at once get one job.
    /// An unfinished run of other segment names that shares one of these is refused
    /// (``StoreError/segmentJobOverlaps(job:segments:)``): a segment is written by one run.
    func openSegmentJob(_ request: SegmentJobRequest) async throws -> SegmentJob

    /// Claims the lowest part that is not done and that no worker holds (never claimed, or
    /// its lease has run out), for `lease` seconds; nil when there is none now.
    func claimSegmentPart(of job: SegmentJob, worker: String, lease: TimeInterval) async throws -> SegmentJobPart?

    /// Extends `worker`'s lease on a part it still holds to `lease` seconds from now, while it
    /// works on it; false when it no longer holds the part.
    func renewSegmentPart(_ part: SegmentJobPart, worker: String, lease: TimeInterval) async throws -> Bool

    /// In one transaction: stages each segment's result for the part and marks it done.
    /// Refused with ``StoreError/segmentPartLost(job:part:)`` when `worker` no longer holds
    /// the part (its lease ran out and another worker claimed it): nothing is written.
    func finishSegmentPart(_ part: SegmentJobPart, worker: String, results: [String: SegmentPartResult]) async throws

    func segmentJobProgress(_ job: SegmentJob) async throws -> SegmentJobProgress

    /// Once every part is done: materializes each segment that no part failed (by
    /// ``SegmentStore/materialize(_:)``'s rules) from the staged labels of customers not
    /// forgotten meanwhile, each in one
    /// transaction that also records the segment's outcome on the job and removes its staged
    /// labels, so that a merge resumed after a crash, or run by two processes, writes each
    /// segment once; then closes the job. Returns every segment's outcome, by name.
    /// Refused with ``StoreError/segmentJobUnfinished(job:done:parts:)`` while parts remain.
    func mergeSegmentJob(_ job: SegmentJob) async throws -> [String: SegmentJobOutcome]
}
