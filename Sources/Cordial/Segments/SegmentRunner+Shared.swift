import CordialCore
import CordialStore
import Foundation
import Logging

/// Segment runs shared by several processes (`cordial segments run --shared`), on one store:
/// the customers are cut into id ranges (parts); each process claims parts nobody holds,
/// classifies them with its own workers and stages their labels; once every part is done,
/// one process merges the labels into one run per segment, which every process reports.
///
/// Labels are those of a run in one process: parts are classified independently, as batches
/// are, and the merge reads them back in customer order. A process that dies loses only its
/// part in progress, which another process claims when its lease runs out; a merge that dies
/// is resumed by the next process, and writes each segment once.
extension SegmentRunner {
    /// What one process of a shared run did.
    public struct SharedRunReport: Sendable {
        /// Every segment's outcome, the same in every process of the run.
        public var results: [Result]
        public var job: SegmentJob
        /// Parts and customers this process classified.
        public var parts = 0
        public var classified = 0
        /// Parts this process finished but another process had taken over (its lease ran out).
        public var lost = 0
    }

    /// Joins or opens the shared run of the named segments (all registered ones when empty)
    /// and works on it until it is merged. `worker` names this process in the store (host and
    /// process id); it renews its lease on the part it works on, and a part whose lease has
    /// not been renewed for `lease` seconds (a process that died) may be taken over. An open
    /// run of another date is an error: it is finished as of its own date. `progress` gets the
    /// customers this process has classified.
    public func runShared(
        _ names: [String] = [], worker: String, lease: TimeInterval = 60, partSize: Int64 = 10_000,
        progress: (@Sendable (Int) -> Void)? = nil
    ) async throws -> SharedRunReport {
        let selected = try select(names)
        let wanted = SegmentJobRequest(
            segments: selected.map {
                SegmentJob.Segment(name: $0.segment.name, plugin: $0.plugin.name, pluginVersion: $0.plugin.manifest.version.description)
            },
            at: at, partSize: partSize)
        let job = try await store.openSegmentJob(wanted)
        guard job.segments == wanted.segments else {
            let theirs = job.segments.map { "\($0.name) (\($0.plugin) \($0.pluginVersion))" }.joined(separator: ", ")
            throw PluginError(location: "segments", message: "the open shared run \(job.id) classifies \(theirs); this process has other plugin versions: reload them or let that run finish")
        }
        // A run left unfinished (its processes died) is finished as of its own date, never
        // joined silently by a process meaning another day.
        let opened = CalendarDays.text(ofDay: CalendarDays.day(of: job.at))
        if CalendarDays.day(of: job.at) != CalendarDays.day(of: at) {
            throw PluginError(location: "segments", message: "the open shared run \(job.id) of these segments is as of \(opened); run it to the end with --as-of \(opened)")
        }
        var runner = self
        runner.at = job.at
        var report = SharedRunReport(results: [], job: job)
        if !selected.isEmpty {
            let classifier = try await runner.prepare(selected)
            while true {
                if let part = try await store.claimSegmentPart(of: job, worker: worker, lease: lease) {
                    let done = report.classified
                    // The lease is renewed while the part is classified, so that a slow part is
                    // not taken over from a process that is alive.
                    let store = store
                    let renewing = Task {
                        while !Task.isCancelled {
                            try? await Task.sleep(for: .seconds(lease / 3))
                            guard !Task.isCancelled, (try? await store.renewSegmentPart(part, worker: worker, lease: lease)) == true else { return }
                        }
                    }
                    defer { renewing.cancel() }
                    let counted = try await runner.classify(part, with: classifier, selected: selected) { progress?(done + $0) }
                    renewing.cancel()
                    do {
                        try await store.finishSegmentPart(part, worker: worker, results: counted.results)
                        report.parts += 1
                        report.classified += counted.customers
                    } catch StoreError.segmentPartLost {
                        report.lost += 1
                        logger.warning("a shared run's part was taken over after its lease ran out", metadata: ["job": "\(job.id)", "part": "\(part.number + 1)"])
                    }
                    continue
                }
                let state = try await store.segmentJobProgress(job)
                if state.done == state.parts { break }
                // Others hold the remaining parts: wait for them, or for a lease to run out.
                try await Task.sleep(for: .milliseconds(200))
            }
        }
        let outcomes = try await store.mergeSegmentJob(job)
        report.results = selected.map { plugin, segment in
            switch outcomes[segment.name] {
            case .materialized(let summary)?:
                return .materialized(summary, plugin: plugin)
            case .failed(let failure)?:
                return .failed(segment: segment.name, customer: failure.customer, error: PluginError(
                    location: failure.location.isEmpty ? segment.definedAt : failure.location, message: failure.message))
            case nil:
                return .failed(segment: segment.name, customer: nil, error: PluginError(
                    location: segment.definedAt, message: "shared run \(job.id) has no result for this segment; nothing was written"))
            }
        }
        return report
    }

    /// Classifies one part: every segment's labels (those given) and the customers classified,
    /// or the segment's failure.
    private func classify(
        _ part: SegmentJobPart, with classifier: Classifier, selected: [(plugin: Plugin, segment: SegmentRegistration)],
        progress: @escaping @Sendable (Int) -> Void
    ) async throws -> (results: [String: SegmentPartResult], customers: Int) {
        let facts = try await store.customerFacts(in: part.range, values: classifier.loadValues)
        let batches = stride(from: 0, to: facts.count, by: batchSize).map { [CustomerFactsBlock(Array(facts[$0..<min($0 + batchSize, facts.count)]))] }
        let work = RunState(segments: selected.map(\.segment))
        try await classifier.classify(batches.async, into: work, progress: progress)
        var results: [String: SegmentPartResult] = [:]
        for (_, segment) in selected {
            if let failure = work.failure(of: segment.name) {
                results[segment.name] = SegmentPartResult(classified: 0, customers: [], labels: [], failure: SegmentFailureRecord(
                    customer: failure.customer, location: failure.error.location, message: failure.error.message))
            } else if let (customers, labels) = work.outcome(of: segment.name) {
                let given = zip(customers, labels).compactMap { customer, label in label.map { (customer, $0) } }
                results[segment.name] = SegmentPartResult(classified: customers.count, customers: given.map(\.0), labels: given.map(\.1))
            } else {
                results[segment.name] = SegmentPartResult(classified: 0, customers: [], labels: [], failure: SegmentFailureRecord(
                    customer: nil, location: segment.definedAt, message: "segment '\(segment.name)' did not classify every customer; nothing was written"))
            }
        }
        return (results, facts.count)
    }
}

/// An array's elements as an async sequence (a shared run's part, already read, in batches).
private struct ArrayBatches<Element: Sendable>: AsyncSequence, Sendable {
    let elements: [Element]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: IndexingIterator<[Element]>
        mutating func next() async -> Element? { remaining.next() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: elements.makeIterator()) }
}

extension Array where Element: Sendable {
    fileprivate var async: ArrayBatches<Element> { ArrayBatches(elements: self) }
}
