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
    ///
    /// The store writes each segment's history while its customers are still being
    /// classified (``SegmentStore/materialize(_:labels:)``), batch by batch as every segment
    /// has classified one, once the scan has begun its read.
    public func run(_ names: [String] = [], progress: (@Sendable (Int) -> Void)? = nil) async throws -> [Result] {
        let selected = try select(names)
        guard !selected.isEmpty else { return [] }
        let classifier = try await prepare(selected)
        let work = RunState(segments: selected.map(\.segment))
        let runs = selected.map { plugin, segment in
            SegmentRunHeader(segment: segment.name, plugin: plugin.name, pluginVersion: plugin.manifest.version.description, at: at)
        }
        let store = store, batchSize = batchSize
        let written = try await withThrowingTaskGroup(of: Void.self, returning: [String: Swift.Result<SegmentRunSummary, StoreError>].self) { group in
            group.addTask {
                do {
                    try await classifier.classify(store.scanCustomerBlocks(batchSize: batchSize, values: classifier.loadValues), into: work, progress: progress)
                    work.end()
                } catch {
                    work.end(throwing: error)
                    throw error
                }
            }
            await work.started()
            do {
                let written = try await store.materialize(runs, labels: work)
                try await group.waitForAll()
                return written
            } catch {
                // The classification stops at its next batch; its own error, if it had one, is the run's.
                work.end(throwing: error)
                try await group.waitForAll()
                throw error
            }
        }

        return selected.map { plugin, segment in
            if let failure = work.failure(of: segment.name) {
                return .failed(segment: segment.name, customer: failure.customer, error: failure.error)
            }
            switch written[segment.name] {
            case .success(let summary):
                return .materialized(summary, plugin: plugin)
            case .failure(let refusal):
                // A refusal of this segment (another plugin owns it, a backdated run) fails it
                // alone; the run's other segments are still written.
                return .failed(segment: segment.name, customer: nil, error: PluginError(location: segment.definedAt, message: refusal.localizedDescription))
            case nil:
                return .failed(segment: segment.name, customer: nil, error: RunState.unclassified((segment.name, segment.definedAt)))
            }
        }
    }

    /// The worker threads of a run with every plugin's state on each, and what the views need.
    func prepare(_ selected: [(plugin: Plugin, segment: SegmentRegistration)]) async throws -> Classifier {
        let today = CalendarDays.day(of: at)
        let scorer = selected.contains(where: \.segment.needsRFM)
            ? RFMScorer(population: try await store.purchaseFacts(), today: today) : nil

        // Names `c.segments` may be asked for: every registered segment and every one the store has run.
        let knownSegments = Set(plugins.flatMap(\.registrations.segmentNames)).union(try await store.segments().map(\.name))
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
        // The stored value figures only when a segment asked for them: reading and writing
        // them into every view costs a fifth of a run over a million customers.
        return Classifier(
            pool: pool, instances: instances, segments: Set(selected.map(\.segment.name)), today: today, scorer: scorer,
            loadValues: selected.contains(where: \.segment.needsValue))
    }

    /// A run's worker threads, ready to classify batches of customers.
    struct Classifier: Sendable {
        let pool: LuaWorkerPool
        let instances: [WorkerInstances]
        let segments: Set<String>
        let today: Int
        let scorer: RFMScorer?
        let loadValues: Bool

        /// Classifies every batch of `batches` into `work`: each batch goes to a worker
        /// thread, at most two per worker in flight, so the read holds back (back-pressure)
        /// and memory holds a few batches, not the whole customer file.
        func classify<Batches: AsyncSequence>(
            _ batches: Batches, into work: RunState, progress: (@Sendable (Int) -> Void)?
        ) async throws where Batches.Element == [CustomerFactsBlock] {
            let workerCount = instances.count
            try await withThrowingTaskGroup(of: Void.self) { group in
                var inFlight = 0
                for try await blocks in batches {
                    if work.isStopped { break }  // the store's writing failed
                    guard let block = blocks.first, blocks.count == 1 else { continue }
                    let number = work.addBatch(block.ids)
                    let rfm = scorer.map { scorer in (0..<block.count).map { scorer.score(block.purchases(at: $0), today: today) } } ?? []
                    if inFlight == 2 * workerCount {
                        try await group.next()
                        inFlight -= 1
                    }
                    inFlight += 1
                    let instances = instances, segments = segments, loadValues = loadValues
                    group.addTask {
                        try await pool.perform(on: number % workerCount) { _ in
                            let views = CustomerViewBatch(
                                block: block, today: today, rfm: rfm, valueLoaded: loadValues, metatables: ViewMetatables())
                            SegmentRunner.classify(views, batch: number, instances: instances[number % workerCount].instances, segments: segments, work: work)
                            progress?(work.finish(count: views.count))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
    }

    /// Classifies one batch on its worker's thread with every plugin instance of that worker.
    static func classify(
        _ batch: CustomerViewBatch, batch number: Int, instances: [PluginInstance], segments segmentNames: Set<String>, work: RunState
    ) {
        for instance in instances {
            let wanted = instance.segments.filter { segmentNames.contains($0.name) && !work.hasFailed($0.name, atOrBefore: number) }
            guard !wanted.isEmpty else { continue }
            do {
                var views = batch
                views.metatables = instance.context.viewMetatables
                try instance.load(views)
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
                    let customer = (0..<batch.count).contains(error.index) ? batch.block.id(at: error.index) : nil
                    work.fail(segment.name, batch: number, customer: customer, error: error.error)
                }
            }
        }
    }

    func select(_ names: [String]) throws -> [(plugin: Plugin, segment: SegmentRegistration)] {
        let all = plugins.flatMap { plugin in plugin.segments.map { (plugin: plugin, segment: $0) } }
        guard !names.isEmpty else { return all }
        // A name given twice is run once: one run writes a segment once.
        var seen: Set<String> = []
        return try names.filter { seen.insert($0).inserted }.map { name in
            guard let found = all.first(where: { $0.segment.name == name }) else {
                let known = all.map(\.segment.name).sorted()
                throw PluginError(location: "segments", message: "no segment '\(name)'" + (known.isEmpty ? "; no plugin registers any" : " (known: \(known.joined(separator: ", ")))"))
            }
            return found
        }
    }
}
