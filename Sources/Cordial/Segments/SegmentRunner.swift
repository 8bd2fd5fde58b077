import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// Runs segments over every customer: the store streams customers in batches, a pool of Lua
/// worker threads (one state per plugin per worker) classifies them, and each segment's
/// labels are materialized in one transaction with their history.
///
/// A segment whose function fails on a customer is not materialized at all (no half result);
/// the failure names the customer and the `file:line`. Other segments of the run go on.
public struct SegmentRunner: Sendable {
    public var store: any Store
    public var plugins: [Plugin]
    public var loader: PluginLoader
    public var workers: Int
    /// The date the run classifies as of ("today" for the scripts).
    public var at: Date
    public var batchSize = 1000
    /// Limits of each state; the time limit applies to one batch of one segment.
    public var limits = LuaLimits(memoryBytes: 64 << 20, timeSeconds: 10)
    public var logger: Logger

    public init(store: any Store, plugins: [Plugin], loader: PluginLoader, workers: Int = 1, at: Date = Date(), logger: Logger) {
        self.store = store
        self.plugins = plugins
        self.loader = loader
        self.workers = workers
        self.at = at
        self.logger = logger
    }

    /// The outcome of one segment in a run.
    public enum Result: Sendable {
        case materialized(SegmentRunSummary, plugin: Plugin)
        /// The segment's function failed on `customer`; nothing was written for the segment.
        case failed(segment: String, customer: CustomerID?, error: PluginError)
    }

    /// Runs the named segments (all registered ones when `names` is empty). `progress` gets the
    /// number of customers classified so far, from a worker thread.
    public func run(_ names: [String] = [], progress: (@Sendable (Int) -> Void)? = nil) async throws -> [Result] {
        let selected = try select(names)
        guard !selected.isEmpty else { return [] }
        let today = CalendarDays.day(of: at)
        let scorer = selected.contains(where: \.segment.needsRFM)
            ? RFMScorer(population: try await store.purchaseFacts(), today: today) : nil

        // Names `c.segments` may be asked for: every registered segment and every one the store has run.
        let knownSegments = Set(plugins.flatMap(\.registrations.segmentNames)).union(try await store.segments().map(\.name))
        let work = RunState(segments: selected.map(\.segment.name))
        let loader = loader, limits = limits, logger = logger, store = store, at = at
        let pluginsInRun = plugins.filter { plugin in selected.contains { $0.plugin.name == plugin.name } }
        let instances = (0..<workers).map { _ in WorkerInstances() }
        let pool = try LuaWorkerPool(workers: workers) { index in
            // Each worker thread makes its own states; they never leave it.
            instances[index].instances = try pluginsInRun.map {
                try loader.instantiate($0, store: store, logger: logger, limits: limits, today: at, knownSegments: knownSegments)
            }
            return try LuaState(limits: LuaLimits(memoryBytes: 1 << 20, timeSeconds: 1))
        }
        let segmentNames = Set(selected.map(\.segment.name))
        let workerCount = workers

        // The stored value figures only when a segment asked for them: reading and writing
        // them into every view costs a fifth of a run over a million customers.
        let loadValues = selected.contains(where: \.segment.needsValue)
        try await withThrowingTaskGroup(of: Void.self) { group in
            // At most two batches in flight per worker: the store's read waits (back-pressure),
            // so memory holds a few batches, not the whole customer file.
            var inFlight = 0
            for try await batch in store.scanCustomerFacts(batchSize: batchSize, values: loadValues) {
                let number = work.addBatch(batch.map(\.id))
                let views = batch.map { facts in
                    CustomerView(facts: facts, today: today, rfm: scorer?.score(facts.purchases, today: today), valueLoaded: loadValues)
                }
                if inFlight == 2 * workerCount {
                    try await group.next()
                    inFlight -= 1
                }
                inFlight += 1
                group.addTask {
                    try await pool.perform(on: number % workerCount) { _ in
                        Self.classify(views, batch: number, instances: instances[number % workerCount].instances, segments: segmentNames, work: work)
                        progress?(work.finish(count: views.count))
                    }
                }
            }
            try await group.waitForAll()
        }

        var results: [Result] = []
        for (plugin, segment) in selected {
            if let failure = work.failure(of: segment.name) {
                results.append(.failed(segment: segment.name, customer: failure.customer, error: failure.error))
                continue
            }
            guard let (customers, labels) = work.outcome(of: segment.name) else {
                results.append(.failed(segment: segment.name, customer: nil, error: PluginError(
                    location: segment.definedAt, message: "segment '\(segment.name)' did not classify every customer; nothing was written")))
                continue
            }
            do {
                let summary = try await store.materialize(SegmentOutcome(
                    segment: segment.name, plugin: plugin.name, pluginVersion: plugin.manifest.version.description, at: at,
                    customers: customers, labels: labels))
                results.append(.materialized(summary, plugin: plugin))
            } catch let refusal as StoreError {
                // A refusal of this segment (another plugin owns it, a backdated run) fails it
                // alone; the run's other segments are still written.
                results.append(.failed(segment: segment.name, customer: nil, error: PluginError(
                    location: segment.definedAt, message: refusal.localizedDescription)))
            }
        }
        return results
    }

    /// Classifies one batch on its worker's thread with every plugin instance of that worker.
    private static func classify(
        _ views: [CustomerView], batch number: Int, instances: [PluginInstance], segments segmentNames: Set<String>, work: RunState
    ) {
        for instance in instances {
            let wanted = instance.segments.filter { segmentNames.contains($0.name) && !work.hasFailed($0.name) }
            guard !wanted.isEmpty else { continue }
            do {
                try instance.load(CustomerViewBatch(views: views, metatables: instance.context.viewMetatables))
            } catch {
                for segment in wanted {
                    work.fail(segment.name, batch: number, customer: nil, error: PluginError(location: instance.plugin.main.displayPath, message: "\(error)"))
                }
                continue
            }
            for segment in wanted {
                do throws(SegmentFailure) {
                    work.store(try instance.classify(segment), segment: segment.name, batch: number)
                } catch {
                    let customer = views.indices.contains(error.index) ? views[error.index].facts.id : nil
                    work.fail(segment.name, batch: number, customer: customer, error: error.error)
                }
            }
        }
    }

    private func select(_ names: [String]) throws -> [(plugin: Plugin, segment: SegmentRegistration)] {
        let all = plugins.flatMap { plugin in plugin.segments.map { (plugin: plugin, segment: $0) } }
        guard !names.isEmpty else { return all }
        return try names.map { name in
            guard let found = all.first(where: { $0.segment.name == name }) else {
                let known = all.map(\.segment.name).sorted()
                throw PluginError(location: "segments", message: "no segment '\(name)'" + (known.isEmpty ? "; no plugin registers any" : " (known: \(known.joined(separator: ", ")))"))
            }
            return found
        }
    }
}

/// The plugin instances of one worker thread; touched only on that thread.
private final class WorkerInstances: @unchecked Sendable {
    var instances: [PluginInstance] = []
}

/// What the workers of one run share: the customers of each batch, the labels each segment
/// gave them, and the first failure of each segment. Guarded by a lock.
private final class RunState: @unchecked Sendable {
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
