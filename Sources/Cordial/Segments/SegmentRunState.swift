import CordialCore
import CordialStore
import Foundation

/// The plugin instances of one worker thread; touched only on that thread.
final class WorkerInstances: @unchecked Sendable {
    var instances: [PluginInstance] = []
}

/// What the workers of one run share: the customers of each batch, the labels each segment
/// gave them, and the first failure of each segment. It is also the feed the store writes
/// the run from (``SegmentLabelFeed``): batch k is handed over, in order, once every segment
/// still running has classified it. Guarded by `condition`.
final class RunState: SegmentLabelFeed, @unchecked Sendable {
    struct Failure {
        var batch: Int
        var customer: CustomerID?
        var error: PluginError
    }

    private let condition = NSCondition()
    /// The run's segments and where each is defined (for a failure of no customer).
    private let segments: [(name: String, definedAt: String)]
    private var batches: [[CustomerID]] = []
    private var labels: [String: [Int: [String?]]]
    private var failures: [String: Failure] = [:]
    private var classified = 0
    /// Batches handed to the store so far.
    private var handedOver = 0
    private var ended = false
    private var stopped: (any Error)?
    /// Tasks waiting for the first batch or the end (``started()``), or for the end (``classified()``).
    private var startWaiters: [CheckedContinuation<Void, Never>] = []
    private var endWaiters: [CheckedContinuation<Void, any Error>] = []

    init(segments: [SegmentRegistration]) {
        self.segments = segments.map { ($0.name, $0.definedAt) }
        labels = Dictionary(segments.map { ($0.name, [:]) }, uniquingKeysWith: { first, _ in first })
    }

    func addBatch(_ customers: [CustomerID]) -> Int {
        let (number, waiters) = condition.withLock {
            batches.append(customers)
            condition.broadcast()
            defer { startWaiters.removeAll() }
            return (batches.count - 1, startWaiters)
        }
        for waiter in waiters { waiter.resume() }
        return number
    }

    /// Whether `segment` failed at batch `number` or before it. Batches before a failure are
    /// still classified, so that the customer a failure names is the first in order that
    /// fails, whichever worker got there first.
    func hasFailed(_ segment: String, atOrBefore number: Int) -> Bool {
        condition.withLock { failures[segment].map { $0.batch <= number } ?? false }
    }

    /// True once the run has stopped (the store's writing failed): classifying more is in vain.
    var isStopped: Bool { condition.withLock { stopped != nil } }

    func store(_ result: [String?], segment: String, batch: Int) {
        condition.withLock {
            labels[segment]?[batch] = result
            condition.broadcast()
        }
    }

    /// Keeps the failure of the earliest batch, so the customer named does not depend on timing.
    func fail(_ segment: String, batch: Int, customer: CustomerID?, error: PluginError) {
        condition.withLock {
            defer { condition.broadcast() }
            if let existing = failures[segment], existing.batch <= batch { return }
            failures[segment] = Failure(batch: batch, customer: customer, error: error)
            labels[segment] = [:]
        }
    }

    func failure(of segment: String) -> Failure? { condition.withLock { failures[segment] } }

    func finish(count: Int) -> Int {
        condition.withLock {
            classified += count
            return classified
        }
    }

    /// Classification is over: every batch has been classified, or `error` stopped the run
    /// (the store then writes nothing). The first end counts.
    func end(throwing error: (any Error)? = nil) {
        let (starts, ends, failure) = condition.withLock {
            if !ended {
                ended = true
                stopped = error
            }
            condition.broadcast()
            defer {
                startWaiters.removeAll()
                endWaiters.removeAll()
            }
            return (startWaiters, endWaiters, stopped)
        }
        for waiter in starts { waiter.resume() }
        for waiter in ends {
            if let failure { waiter.resume(throwing: failure) } else { waiter.resume() }
        }
    }

    /// Returns once the first batch has been read, or the run has ended: from then on the
    /// scan holds its snapshot, and a store may take its writer.
    func started() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = condition.withLock {
                guard batches.isEmpty && !ended else { return true }
                startWaiters.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    // MARK: SegmentLabelFeed

    func classified() async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let result: Result<Void, any Error>? = condition.withLock {
                guard ended else {
                    endWaiters.append(continuation)
                    return nil
                }
                if let stopped { return .failure(stopped) }
                return .success(())
            }
            if let result { continuation.resume(with: result) }
        }
    }

    func nextBatch() throws -> SegmentLabelBatch? {
        condition.lock()
        defer { condition.unlock() }
        while true {
            if let stopped { throw stopped }
            if handedOver < batches.count, ended || isClassified(handedOver) {
                return handOver()
            }
            if handedOver == batches.count && ended { return nil }
            condition.wait()
        }
    }

    var failedSegments: Set<String> { condition.withLock { Set(failures.keys) } }

    /// Whether every segment still running has labelled batch `number`. Called with the lock held.
    private func isClassified(_ number: Int) -> Bool {
        segments.allSatisfy { failures[$0.name] != nil || labels[$0.name]?[number] != nil }
    }

    /// The next batch with its labels, which the state then lets go of. A segment with no
    /// labels for it at the end (a broken state gave no answer) fails. Called with the lock held.
    private func handOver() -> SegmentLabelBatch {
        let number = handedOver
        handedOver += 1
        let customers = batches[number]
        batches[number] = []
        var given: [String: [String?]] = [:]
        for segment in segments where failures[segment.name] == nil {
            if let result = labels[segment.name]?.removeValue(forKey: number), result.count == customers.count {
                given[segment.name] = result
            } else {
                failures[segment.name] = Failure(batch: number, customer: nil, error: Self.unclassified(segment))
            }
        }
        return SegmentLabelBatch(customers: customers, labels: given, failed: Set(failures.keys))
    }

    /// The failure of a segment that left customers without a label.
    static func unclassified(_ segment: (name: String, definedAt: String)) -> PluginError {
        PluginError(location: segment.definedAt, message: "segment '\(segment.name)' did not classify every customer; nothing was written")
    }

    /// Every batch's customers and labels in order (for a run that writes no feed: a shared
    /// run's part); nil if a batch has none (a broken state gave no answer), which fails the
    /// segment rather than the run.
    func outcome(of segment: String) -> ([CustomerID], [String?])? {
        condition.withLock {
            let perBatch = labels[segment] ?? [:]
            var customers: [CustomerID] = []
            var result: [String?] = []
            for (index, batch) in batches.enumerated() {
                guard let batchLabels = perBatch[index], batchLabels.count == batch.count else { return nil }
                customers += batch
                result += batchLabels
            }
            return (customers, result)
        }
    }
}
