import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// Delivers feedback events to the plugins' hooks (`plugin:on`): the steps queued in the
/// store (`feedback.created`, `feedback.updated`) and the clocks that ran late
/// (`feedback.breached`). Each (plugin, event) is delivered once:
///
/// 1. the hook runs in a state of its plugin, on a thread of its own, under the plugin's
///    limits, and asks for changes and recovery through its case (``FeedbackCaseHandle``);
/// 2. its recovery, if any, is saved as a plan of the plugin's recovery campaign;
/// 3. the delivery and the changes are written in one transaction, once per key (a second
///    process, or a run after a crash, finds the key and writes nothing);
/// 4. the plan is applied through the campaign ledger, whose keys (the case in the occasion)
///    make each action happen once, whatever ran twice before.
///
/// A crash between 2 and 3 leaves a plan no delivery names, which is never applied by the
/// runner (the next run makes another with the same keys); between 3 and 4, the next run
/// applies the recorded plan. A hook that fails is recorded with its one-line reason and
/// changes nothing; the case it was handed was committed before it ran.
public final class FeedbackHookRunner: @unchecked Sendable {
    public struct Report: Sendable, Encodable {
        /// Steps taken off the queue.
        public var events = 0
        /// Hooks run to their end, and hooks that failed (reasons in `failures`).
        public var delivered = 0
        public var failed = 0
        /// Changes hooks made to cases.
        public var changes = 0
        /// Recovery plans applied, and those waiting for a member of staff's approval.
        public var recoveriesApplied = 0
        public var recoveriesAwaitingApproval = 0
        /// Clocks found late and delivered to `feedback.breached`.
        public var breaches = 0
        public var failures: [String] = []
    }

    private let store: any Store
    private let plugins: [Plugin]
    private let loader: PluginLoader
    private let logger: Logger
    private let taxonomy: FeedbackTaxonomy
    private let breachReader: FeedbackBreaches
    private let pool: LuaWorkerPool
    private let holder = HookInstances()
    /// What recovery plans are made and applied under: every plugin's caps, events and approval levels.
    private let caps: [FrequencyCap]
    private let events: [CareEvent]
    private let approvals: ApprovalRules?
    private let worker: String
    private let letterTemplates: Set<String>
    /// Where a hook's `print` goes, with its plugin's name: the log by default, never the
    /// command's own output (which may be JSON).
    public var output: @Sendable (_ plugin: String, _ text: String) -> Void

    /// Limits of one hook call.
    public static let limits = LuaLimits(memoryBytes: 64 << 20, timeSeconds: 5)

    public init(store: any Store, plugins: [Plugin], loader: PluginLoader, logger: Logger = Logger(label: "cordial.feedback-hooks")) throws {
        self.store = store
        self.plugins = plugins.sorted { $0.name < $1.name }
        self.loader = loader
        self.logger = logger
        taxonomy = FeedbackTaxonomy(plugins: plugins)
        breachReader = FeedbackBreaches(plugins: plugins)
        caps = plugins.flatMap(\.registrations.frequencyCaps)
        events = plugins.flatMap(\.registrations.events)
        approvals = plugins.compactMap(\.registrations.approvals).first
        letterTemplates = Set(plugins.flatMap { plugin in plugin.letters.templates.keys.flatMap { [$0, "\(plugin.name)/\($0)"] } })
        worker = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
        output = { plugin, text in logger.info("\(text)", metadata: ["plugin": "\(plugin)"]) }
        pool = try LuaWorkerPool(workers: 1) { _ in try LuaState(limits: LuaLimits(memoryBytes: 1 << 20, timeSeconds: 1)) }
    }

    deinit {
        let holder = holder
        _ = try? pool.performAndWait(on: 0) { _ in holder.instances = [:] }
    }

    /// Whether any loaded plugin has a hook: without one, nothing is run (the queue is still emptied).
    public var hasHooks: Bool { plugins.contains { !$0.registrations.feedbackHooks.isEmpty } }

    /// Delivers every queued step, then (with `breaches`) every clock late at `at`; first
    /// applies the recovery plans a crash left recorded but not applied.
    public func run(at: Date = Date(), breaches: Bool = true) async throws -> Report {
        var report = Report()
        try await finishPendingRecoveries(&report)
        while true {
            let queued = try await store.queuedFeedbackEvents(limit: 200)
            guard !queued.isEmpty else { break }
            for event in queued {
                let hook = FeedbackHook.of(event)
                let targets = plugins.filter { plugin in plugin.registrations.feedbackHooks.contains { $0.hook == hook } }
                guard !targets.isEmpty, let id = event.id else { continue }
                try await deliver(hook, key: FeedbackHookDelivery.key(event: id), caseID: event.feedbackID, to: targets, argument: .event(event),
                                  at: at, report: &report)
            }
            try await store.dequeueFeedbackEvents(queued.compactMap(\.id))
            report.events += queued.count
        }
        if breaches {
            let targets = plugins.filter { plugin in plugin.registrations.feedbackHooks.contains { $0.hook == .breached } }
            if !targets.isEmpty {
                let late = try await breachReader.report(in: store, at: at, horizon: 0).entries.filter { $0.lateness > 0 }
                for entry in late {
                    let before = report.delivered + report.failed
                    try await deliver(.breached, key: FeedbackHookDelivery.key(breach: entry.clock.name.rawValue), caseID: entry.feedback.id ?? 0,
                                      to: targets, argument: .breach(entry), at: at, report: &report)
                    if report.delivered + report.failed > before { report.breaches += 1 }
                }
            }
        }
        return report
    }

    /// The hook's second argument: the step, or the late clock.
    private enum HookArgument: Sendable {
        case event(FeedbackEvent)
        case breach(FeedbackBreaches.Entry)
    }

    /// What one hook call asked for, or why it failed.
    private enum Outcome: Sendable {
        case done(changes: [FeedbackHookChange], recovery: [PlannedAction])
        case failed(String)
    }

    private func deliver(
        _ hook: FeedbackHook, key: String, caseID: Int64, to targets: [Plugin], argument: HookArgument, at: Date, report: inout Report
    ) async throws {
        let done = Set(try await store.feedbackHookDeliveries(FeedbackHookQuery(feedbackIDs: [caseID], limit: 10_000)).map { "\($0.plugin) \($0.key)" })
        for plugin in targets where !done.contains("\(plugin.name) \(key)") {
            // The case as it stands: an earlier plugin's hook (or clock) may have changed it.
            guard let current = try await store.feedback(caseID) else { return }
            let outcome = try await call(hook, of: plugin, on: current, argument: argument, at: at)
            var delivery = FeedbackHookDelivery(
                plugin: plugin.name, key: key, hook: hook.rawValue, feedbackID: caseID, customerID: current.customerID, at: at, outcome: .done)
            var changes: [FeedbackHookChange] = []
            switch outcome {
            case .failed(let reason):
                delivery.outcome = .failed
                delivery.message = reason
            case .done(let asked, let recovery):
                changes = asked
                delivery.message = Self.summary(asked, recovery)
                if !recovery.isEmpty, let campaign = plugin.registrations.recovery {
                    let plan = try await ScriptRunner.plan(
                        recovery, name: campaign.name, budget: campaign.budget, origin: "hook \(plugin.name) \(hook.rawValue) case \(caseID)",
                        caps: caps, events: events, approvals: approvals, store: store)
                    delivery.recovery = .pending
                    delivery.recoveryPlanID = plan.id
                }
            }
            var recorded: Bool
            do {
                recorded = try await store.recordFeedbackHook(delivery, changes: changes)
            } catch let error as StoreError where Self.isRefusal(error) {
                // The case no longer allows what the hook asked (staff moved it meanwhile): the
                // delivery is recorded as failed, and nothing the hook asked for is written.
                delivery.outcome = .failed
                delivery.message = "\(Self.location(of: plugin, hook)): \(error.localizedDescription)"
                delivery.recovery = .none
                changes = []
                recorded = try await store.recordFeedbackHook(delivery, changes: [])
            }
            guard recorded else { continue }
            if delivery.outcome == .failed {
                report.failed += 1
                report.failures.append("case \(caseID) \(plugin.name) \(hook.rawValue): \(delivery.message ?? "failed")")
                logger.debug("feedback hook failed", metadata: ["case": "\(caseID)", "plugin": "\(plugin.name)", "hook": "\(hook.rawValue)"])
            } else {
                report.delivered += 1
                report.changes += changes.count
            }
            if delivery.recovery == .pending { try await applyRecovery(delivery, &report) }
        }
    }

    /// Refusals by the case's rules, as opposed to a store that failed.
    private static func isRefusal(_ error: StoreError) -> Bool {
        switch error {
        case .illegalFeedbackTransition, .noSuchStaff, .invalidFeedback, .noSuchFeedback: true
        default: false
        }
    }

    private static func location(of plugin: Plugin, _ hook: FeedbackHook) -> String {
        plugin.registrations.feedbackHooks.first { $0.hook == hook }?.definedAt ?? plugin.main.displayPath
    }

    /// Runs the hook in the plugin's state on the worker thread. A failed call drops the state,
    /// so the next call starts from a fresh one (a limit may have left it near its cap).
    private func call(_ hook: FeedbackHook, of plugin: Plugin, on feedback: Feedback, argument: HookArgument, at: Date) async throws -> Outcome {
        let holder = holder, loader = loader, store = store, logger = logger, taxonomy = taxonomy, letterTemplates = letterTemplates, output = output
        let today = CalendarDays.day(of: at.addingTimeInterval(TimeInterval((breachReader.hours?.timeZone ?? .gmt).secondsFromGMT(for: at))))
        let knownSegments = Set(plugins.flatMap(\.registrations.segmentNames))
        let fallback = Self.location(of: plugin, hook)
        return try await pool.perform(on: 0) { _ in
            let instance: PluginInstance
            if let loaded = holder.instances[plugin.name] {
                instance = loaded
            } else {
                do {
                    instance = try loader.instantiate(plugin, store: store, logger: logger, limits: Self.limits, today: at, knownSegments: knownSegments)
                } catch let error as PluginError {
                    return .failed(Self.oneLine("\(error.location): \(error.message)"))
                }
                // Recovery letters name templates any loaded plugin has, checked when the hook asks.
                instance.context.environment.letterTemplates = letterTemplates
                holder.instances[plugin.name] = instance
            }
            guard let function = instance.context.feedbackHookFunctions[hook] else { return .failed("\(fallback): no handler for \(hook.rawValue) in this state") }
            let handle = FeedbackCaseHandle(
                feedback: feedback, plugin: plugin.name, hook: hook, taxonomy: taxonomy, today: today, recovery: plugin.registrations.recovery)
            let context = instance.context
            context.phase = .handlingFeedback
            instance.state.output = { text in output(plugin.name, text) }
            defer {
                context.phase = .running
                handle.isOpen = false
            }
            do {
                let second = switch argument {
                case .event(let event): Self.table(event)
                case .breach(let entry): Self.table(entry)
                }
                _ = try function.call(LuaValue.object(LuaObjectBox(handle)), second, as: LuaValue.self)
                return .done(changes: handle.changes, recovery: handle.campaign?.actions ?? [])
            } catch let error as LuaRunError {
                holder.instances[plugin.name] = nil
                let failure = PluginError(error, fallback: fallback)
                return .failed(Self.oneLine("\(failure.location): \(failure.message)"))
            } catch {
                holder.instances[plugin.name] = nil
                return .failed(Self.oneLine("\(fallback): \(error.localizedDescription)"))
            }
        }
    }

    /// Applies a recorded recovery plan; one that needs approval waits for it.
    private func applyRecovery(_ delivery: FeedbackHookDelivery, _ report: inout Report) async throws {
        guard let planID = delivery.recoveryPlanID else { return }
        var applier = CampaignApplier(store: store, events: events, worker: worker)
        applier.approvals = approvals
        // A recovery plan is a part or two: a part another process holds (or held when it
        // died) is not waited for; its lease runs out and a later run applies it.
        applier.lease = 30
        applier.waitsForOthers = false
        do {
            let applied = try await applier.apply(plan: planID)
            guard applied.run.status == .done else { return }
            try await store.setFeedbackHookRecovery(delivery, recovery: .applied, planID: planID, message: nil)
            report.recoveriesApplied += 1
            logger.debug("service recovery applied", metadata: ["plan": "\(planID)", "applied": "\(applied.outcome.applied)"])
        } catch let error as CampaignError {
            if case .needsApproval = error {
                try await store.setFeedbackHookRecovery(delivery, recovery: .awaitingApproval, planID: planID, message: nil)
                report.recoveriesAwaitingApproval += 1
            } else {
                try await store.setFeedbackHookRecovery(delivery, recovery: .failed, planID: planID, message: Self.oneLine("recovery plan \(planID): \(error.localizedDescription)"))
                report.failures.append("case \(delivery.feedbackID) \(delivery.plugin): recovery plan \(planID): \(error.localizedDescription)")
            }
        }
    }

    /// Recovery recorded by a run that stopped before applying it.
    private func finishPendingRecoveries(_ report: inout Report) async throws {
        for delivery in try await store.feedbackHookDeliveries(FeedbackHookQuery(recoveryPending: true)) {
            try await applyRecovery(delivery, &report)
        }
    }

    /// What a hook asked for, in a few words, for the record.
    static func summary(_ changes: [FeedbackHookChange], _ recovery: [PlannedAction]) -> String? {
        var parts = changes.map { change -> String in
            switch change.change {
            case .assign: "assigned"
            case .classify: "classified"
            case .note: "note"
            case .status: "status"
            case .satisfaction: "satisfaction"
            case .compensate: "compensation"
            }
        }
        if !recovery.isEmpty { parts.append("recovery: " + recovery.map(\.form.rawValue).joined(separator: ", ")) }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    static func oneLine(_ text: String) -> String {
        let line = text.split(whereSeparator: \.isNewline).first.map(String.init) ?? text
        return line.count > 300 ? String(line.prefix(300)) + "…" : line
    }

    /// The step as the hook's second argument.
    static func table(_ event: FeedbackEvent) -> LuaValue {
        var table = LuaTable()
        table["id"] = event.id.map { .integer($0) } ?? .nil
        table["action"] = .string(LuaString(event.action.rawValue))
        table["at"] = .string(LuaString(FeedbackCaseHandle.timeText(event.at)))
        table["by"] = event.actorID.map { .integer($0) } ?? .nil
        table["from"] = event.from.map { .string(LuaString($0.rawValue)) } ?? .nil
        table["to"] = event.to.map { .string(LuaString($0.rawValue)) } ?? .nil
        table["note"] = event.note.map { .string(LuaString($0)) } ?? .nil
        if let compensation = event.compensation {
            table["compensation"] = .table(LuaTable(hash: [
                "form": .string(LuaString(compensation.form)), "amount": .string(LuaString(compensation.amount.amountText)),
                "currency": .string(LuaString(compensation.amount.currency)),
            ]))
        }
        return .table(table)
    }

    /// A late clock as `feedback.breached`'s second argument.
    static func table(_ entry: FeedbackBreaches.Entry) -> LuaValue {
        var table = LuaTable()
        table["clock"] = .string(LuaString(entry.clock.name.rawValue))
        table["standard"] = .string(LuaString(entry.standard))
        table["due"] = entry.clock.due.map { .string(LuaString(FeedbackCaseHandle.timeText($0))) } ?? .nil
        table["late_minutes"] = .integer(Int64(entry.lateness / 60))
        return .table(table)
    }
}

/// The plugin states of a runner, by plugin name; used on the worker's thread only.
final class HookInstances: @unchecked Sendable {
    var instances: [String: PluginInstance] = [:]
}
