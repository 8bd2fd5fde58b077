import CordialCore
import CordialStore
import Foundation
import LuaHost

/// Runs a policy's gift `choose` functions (`gift = { catalog = …, choose = function(c, items)
/// … end }`) over the customers of a plan, batch by batch, in one state of the policy's
/// plugin on a thread of its own, under the plugin's limits.
final class GiftChooser: @unchecked Sendable {
    private let pool: LuaWorkerPool
    private let holder = WorkerInstances()
    private let policy: CarePolicy
    private let today: Int

    /// Nil when no care item of the policy chooses its gift.
    init?(plugin: Plugin, policy: CarePolicy, planner: CampaignPlanner, at: Date) async throws {
        let choosing = policy.items.contains { item in
            if case .gift(_, _, true, _) = item.action { return true }
            return false
        }
        guard choosing else { return nil }
        self.policy = policy
        self.today = CalendarDays.day(of: at)
        let loader = planner.loader, store = planner.store, logger = planner.logger, limits = planner.limits
        let knownSegments = Set(planner.plugins.flatMap(\.registrations.segmentNames)).union(try await store.segments().map(\.name))
        let holder = self.holder
        pool = try LuaWorkerPool(workers: 1) { _ in
            holder.instances = [try loader.instantiate(plugin, store: store, logger: logger, limits: limits, today: at, knownSegments: knownSegments)]
            return try LuaState(limits: LuaLimits(memoryBytes: 1 << 20, timeSeconds: 1))
        }
    }

    /// The code chosen for each (customer, care item) of `candidates` whose item chooses: a
    /// code, or nil when the function chose none. A function that fails fails the plan, with
    /// its `file:line` and the customer's id.
    func choose(for candidates: [CampaignPlanner.Candidate], catalog: [String: GiftItem]) async throws -> [CampaignPlanner.CandidateKey: String?] {
        var chosen: [CampaignPlanner.CandidateKey: String?] = [:]
        for (index, item) in policy.items.enumerated() {
            guard case .gift(let catalogName, nil, true, let maxCost) = item.action else { continue }
            var seen: Set<CustomerID> = []
            let customers = candidates.filter { $0.item == index && seen.insert($0.facts.id).inserted }.map(\.facts)
            guard !customers.isEmpty else { continue }
            // The items a customer can be given: in stock and within max_cost, cheapest first.
            let items = catalog.values
                .filter { gift in gift.catalog == catalogName && gift.stock > 0 && (maxCost.map { gift.cost.amount <= $0 } ?? true) }
                .sorted { ($0.cost.amount, $0.code) < ($1.cost.amount, $1.code) }
            let key = GiftChooserKey(policy: policy.name, item: index)
            let holder = holder, today = today, definedAt = item.definedAt
            let codes = try await pool.perform(on: 0) { _ in
                let instance = holder.instances[0]
                do {
                    try instance.load(CustomerViewBatch(facts: customers, today: today, metatables: instance.context.viewMetatables))
                } catch {
                    throw PluginError(location: definedAt, message: "\(error)")
                }
                do throws(SegmentFailure) {
                    return try instance.chooseGifts(key, items: items, definedAt: definedAt)
                } catch {
                    let customer = customers.indices.contains(error.index) ? " on customer \(customers[error.index].id.rawValue)" : ""
                    var failure = error.error
                    failure.message += customer
                    throw failure
                }
            }
            for (customer, code) in zip(customers, codes) { chosen[CampaignPlanner.CandidateKey(customer: customer.id, item: index)] = .some(code) }
        }
        return chosen
    }

    /// Closes the plugin's state on its own thread.
    func close() {
        let holder = holder
        _ = try? pool.performAndWait(on: 0) { _ in holder.instances = [] }
    }
}
