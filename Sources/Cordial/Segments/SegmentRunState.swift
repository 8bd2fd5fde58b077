import CordialCore
import Foundation

/// The plugin instances of one worker thread; touched only on that thread.
final class WorkerInstances: @unchecked Sendable {
    var instances: [PluginInstance] = []
}

/// What the workers of one run share: the customers of each batch, the labels each segment
/// gave them, and the first failure of each segment. Guarded by a lock.
final class RunState: @unchecked Sendable {
    struct Failure {
        var batch: Int
        var customer: CustomerID?
        var error: PluginError
    }

    private let lock = NSLock()
    private var batches: [[CustomerID]] = []
    private var labels: [String: [Int: [String?]]]
    private var failures: [String: Failure] = [:]
    private var classified = 0

    init(segments: [String]) {
        labels = Dictionary(uniqueKeysWithValues: segments.map { ($0, [:]) })
    }

    func addBatch(_ customers: [CustomerID]) -> Int {
        lock.withLock {
            batches.append(customers)
            return batches.count - 1
        }
    }

    func hasFailed(_ segment: String) -> Bool { lock.withLock { failures[segment] != nil } }

    func store(_ result: [String?], segment: String, batch: Int) {
        lock.withLock { labels[segment]?[batch] = result }
    }

    /// Keeps the failure of the earliest batch, so the customer named does not depend on timing.
    func fail(_ segment: String, batch: Int, customer: CustomerID?, error: PluginError) {
        lock.withLock {
            if let existing = failures[segment], existing.batch <= batch { return }
            failures[segment] = Failure(batch: batch, customer: customer, error: error)
            labels[segment] = [:]
        }
    }

    func failure(of segment: String) -> Failure? { lock.withLock { failures[segment] } }

    func finish(count: Int) -> Int {
        lock.withLock {
            classified += count
            return classified
        }
    }

    /// Every batch's customers and labels in order; nil if a batch has none (a broken state
    /// gave no answer), which fails the segment rather than the run.
    func outcome(of segment: String) -> ([CustomerID], [String?])? {
        lock.withLock {
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
