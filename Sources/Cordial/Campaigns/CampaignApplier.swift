import CordialCore
import CordialStore
import Foundation
import Logging

/// Applies a saved plan: joins (or opens) the plan's run and applies the parts nobody holds,
/// one transaction each, until the run is done or cancelled (or the process dies — after
/// which `resume`, in this process or another, goes on where the committed parts end). Parts
/// other processes hold are waited for: they finish them, or their lease runs out and this
/// process takes them.
///
/// Exactly once is the store's (``CampaignStore``): each action is written under its key
/// with its effects in its part's transaction, and a part is done once. Several processes
/// may apply the same run at once; each takes parts the others do not hold.
public struct CampaignApplier: Sendable {
    public var store: any Store
    /// The events plugins declare (``CareEvent``), which invitations take seats of.
    public var events: [CareEvent]
    /// This process in the store: host and process id.
    public var worker: String
    /// Actions per part (one transaction) when this process opens the run.
    public var partSize = 500
    /// Seconds after which a part whose process stopped (died) may be taken by another.
    public var lease: TimeInterval = 120
    /// The organisation's approval levels: a plan above their threshold is applied only once
    /// approved.
    public var approvals: ApprovalRules?
    /// Whether to wait for parts other processes hold until they finish them or their lease
    /// runs out; without, the report comes back with the run unfinished.
    public var waitsForOthers = true

    public init(store: any Store, events: [CareEvent], worker: String) {
        self.store = store
        self.events = events
        self.worker = worker
    }

    /// What one process did on a run.
    public struct Report: Sendable {
        public var run: CampaignRun
        /// The plan's budget currency, which costs are in.
        public var currency: String
        /// The parts this process applied and what they did.
        public var parts = 0
        public var outcome = CampaignApplyOutcome()
        /// Parts another process finished first (this one's lease had run out).
        public var lost = 0
        /// The whole run as it stands now (every process's parts).
        public var progress: CampaignRunProgress?
    }

    /// Applies plan `planID` (opening its run, or joining the unfinished one).
    /// `progress` gets the run's parts done so far and its parts in all.
    public func apply(plan planID: Int64, at: Date = Date(), progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Report {
        guard let plan = try await store.campaignPlan(planID) else { throw StoreError.noSuchPlan(planID) }
        try await PlanApprover(store: store, rules: approvals).checkApproved(plan)
        let run = try await store.openCampaignRun(plan: planID, partSize: partSize)
        return try await work(on: run, plan: plan, at: at, progress: progress)
    }

    /// Goes on with run `runID` after a crash or a cancel: it is running again, and this
    /// process applies the parts left.
    public func resume(run runID: Int64, at: Date = Date(), progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Report {
        guard let found = try await store.campaignRun(runID) else { throw StoreError.noSuchRun(runID) }
        guard let plan = try await store.campaignPlan(found.planID) else { throw StoreError.noSuchPlan(found.planID) }
        try await PlanApprover(store: store, rules: approvals).checkApproved(plan)
        let run = try await store.resumeCampaignRun(runID)
        return try await work(on: run, plan: plan, at: at, progress: progress)
    }

    /// `body` — a claim, a part's transaction, a progress read — tried again (after 1, 2 and
    /// 4 s) when it fails: a dropped connection, a server restarting. Each is one statement or
    /// one transaction, so a failed attempt wrote nothing and a second cannot do an action
    /// twice. A part another process finished is no failure, and is not tried again.
    private func retrying<Result>(_ body: () async throws -> Result) async throws -> Result {
        var attempt = 1, wait: Duration = .seconds(1)
        while true {
            do {
                return try await body()
            } catch let error as StoreError {
                if case .campaignPartDone = error { throw error }
                guard attempt < Self.attempts else { throw error }
            } catch {
                guard attempt < Self.attempts else { throw error }
            }
            attempt += 1
            try await Task.sleep(for: wait)
            wait *= 2
        }
    }

    /// Attempts at each step before the apply fails.
    static let attempts = 4

    private func work(on run: CampaignRun, plan: CampaignPlan, at: Date, progress: (@Sendable (Int, Int) -> Void)?) async throws -> Report {
        var report = Report(run: run, currency: plan.limits.currency)
        while true {
            if let part = try await retrying({ try await store.claimCampaignPart(of: run, worker: worker, lease: lease) }) {
                do {
                    report.outcome.add(try await retrying { try await store.applyCampaignPart(part, limits: plan.limits, events: events, at: at) })
                    report.parts += 1
                } catch StoreError.campaignPartDone {
                    report.lost += 1
                }
                progress?(try await retrying { try await store.campaignRunProgress(run.id) }.partsDone, run.parts)
                continue
            }
            // No part is free: the run is done or cancelled, or other processes hold the
            // parts left. Those are waited for — until they finish them, or until a lease
            // runs out (its process died) and the part can be taken here.
            let now = try await retrying { try await store.campaignRunProgress(run.id) }
            progress?(now.partsDone, run.parts)
            guard now.run.status == .running, now.partsDone < now.run.parts, waitsForOthers else {
                report.progress = now
                report.run = now.run
                return report
            }
            try await Task.sleep(for: .milliseconds(250))
        }
    }
}
