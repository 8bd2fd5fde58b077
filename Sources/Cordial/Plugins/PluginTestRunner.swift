import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// The state of one test file: its temporary store, its cases, fixture numbering.
final class PluginTestSession {
    let store: any Store
    var cases: [(String, LuaFunction)] = []
    /// Fixture customers' `value` tables, as a value fit would have stored them.
    var values: [CustomerID: CustomerValue] = [:]
    private var customers = 0

    init(store: any Store) {
        self.store = store
    }

    func nextCustomer() -> Int {
        customers += 1
        return customers
    }

    /// The instance the tests run in (it holds this session through its context).
    weak var instance: PluginInstance?

    /// The label `segment` gives a stored customer, computed as a run computes it (the same
    /// view, the same driver, the same checks), as of the test's today.
    func classify(_ segment: SegmentRegistration, customer id: CustomerID, context: PluginContext) throws -> String? {
        let store = store
        guard let instance, var facts = try context.wait({ try await CustomerFacts.load(id, from: store) }) else {
            throw PluginAPIError("no fixture customer \(id)")
        }
        facts.value = segment.needsValue ? values[id] : nil
        let today = context.todayNumber
        let scorer = segment.needsRFM ? RFMScorer(population: try context.wait { try await store.purchaseFacts() }, today: today) : nil
        try instance.load(CustomerViewBatch(
            facts: [facts], today: today, rfm: [scorer?.score(facts.purchases, today: today)], valueLoaded: segment.needsValue,
            metatables: context.viewMetatables))
        do {
            return try instance.classify(segment).first ?? nil
        } catch {
            // Raised again at the plugin's line, as a run reports it (not at the test's call).
            throw LuaRunError(kind: .error, message: error.error.description)
        }
    }
}

/// Runs a plugin's `tests/*_test.lua`: each file in a fresh state with the plugin registered,
/// `require "cordial.test"` and an empty temporary store; each `test.case` reported apart.
public struct PluginTestRunner: Sendable {
    public struct Result: Sendable {
        /// "file: case name"
        public var name: String
        public var failure: PluginError?
    }

    public var loader: PluginLoader
    public var limits = LuaLimits(memoryBytes: 64 << 20, timeSeconds: 5)
    /// Segment names `c.segments` may be asked for besides the plugin's own (the other
    /// loaded plugins'); they read nil in tests, whose store has no membership.
    public var knownSegments: Set<String> = []

    public init(loader: PluginLoader) {
        self.loader = loader
    }

    /// Runs every test file of `plugin`. Blocks: call it from a thread that may wait (a
    /// command's main thread), not from Swift's cooperative pool; async code uses ``results(of:)``.
    public func run(_ plugin: Plugin) -> [Result] {
        plugin.tests.flatMap { run(file: $0, of: plugin) }
    }

    /// ``run(_:)`` on a thread of its own, for async callers.
    public func results(of plugin: Plugin) async -> [Result] {
        await withCheckedContinuation { continuation in
            let thread = Thread { continuation.resume(returning: self.run(plugin)) }
            thread.stackSize = 16 << 20
            thread.start()
        }
    }

    private func run(file: URL, of plugin: Plugin) -> [Result] {
        let display = LuaState.displayPath(of: file, relativeTo: loader.chunkNameRoot)
        let session: PluginTestSession
        let instance: PluginInstance
        let source: LuaSource
        do {
            let store = try waitForStore { try await StoreLocation.temporary() }
            session = PluginTestSession(store: store)
            instance = try loader.instantiate(
                plugin, store: store, logger: Logger(label: "cordial.plugins.test"), limits: limits, knownSegments: knownSegments)
            instance.context.testSession = session
            session.instance = instance
            try CordialModule.install(in: instance.state, context: instance.context, module: "cordial.test")
            source = LuaSource(text: try String(contentsOf: file, encoding: .utf8), displayPath: display)
        } catch let error as PluginError {
            return [Result(name: display, failure: error)]
        } catch {
            return [Result(name: display, failure: PluginError(location: display, message: "\(error)"))]
        }
        do {
            try instance.state.load(source).run()
        } catch let error as LuaLoadError {
            return [Result(name: display, failure: PluginError(error, file: display))]
        } catch let error as LuaRunError {
            return [Result(name: display, failure: PluginError(error, fallback: display))]
        } catch {
            return [Result(name: display, failure: PluginError(location: display, message: "\(error)"))]
        }
        let context = instance.context
        return session.cases.map { name, body in
            context.run.pendingChanges.removeAll()
            do {
                try body.run()
                let changes = context.run.pendingChanges.changes
                let store = session.store
                try context.wait { try await store.apply(changes) }
                return Result(name: "\(file.lastPathComponent): \(name)", failure: nil)
            } catch let error as LuaRunError {
                return Result(name: "\(file.lastPathComponent): \(name)", failure: PluginError(error, fallback: display))
            } catch {
                return Result(name: "\(file.lastPathComponent): \(name)", failure: PluginError(location: display, message: "\(error)"))
            }
        }
    }
}
