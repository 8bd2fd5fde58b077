import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// Runs an ad-hoc Lua script in the sandbox: `cordial run SCRIPT.lua [ARG ...]`.
///
/// The script gets `arg` as `lua` gives it (`arg[0]` the script, `arg[1]`… the arguments) and
/// the same arguments as `...`; `require` finds `.lua` files beside the script. With a store,
/// `require "cordial"` gives the script the whole data API (a script is run by staff, so it
/// holds every permission); its customer changes are written in one transaction when it
/// succeeds and dropped when it fails; the campaigns it declares (`cordial.campaign`) are
/// saved as plans when it succeeds, and nothing is saved when it fails.
///
/// Blocks while the script reads the store: run it on a thread that may wait (the main
/// thread of a command, a worker), never on Swift's cooperative pool.
public struct ScriptRunner {
    public var limits: LuaLimits
    /// Where `print` writes.
    public var output: (String) -> Void
    public var store: (any Store)?
    public var logger = Logger(label: "cordial.script")
    /// The caps across every policy and the declared events, which a script's campaigns are
    /// planned under (the loaded plugins').
    public var caps: [FrequencyCap] = []
    public var events: [CareEvent] = []
    /// The organisation's approval levels, recorded with each plan.
    public var approvals: ApprovalRules?
    /// The letter templates campaign letters may name (``PluginEnvironment/letterTemplates``).
    public var letterTemplates: Set<String>?
    /// Told of each plan a script's campaign (`cordial.campaign`) was saved as.
    public var planned: (CampaignPlan) -> Void = { _ in }

    public init(limits: LuaLimits = .default, store: (any Store)? = nil, output: @escaping (String) -> Void) {
        self.limits = limits
        self.store = store
        self.output = output
    }

    /// Runs the script; throws ``LuaLoadError`` when it cannot be compiled and ``LuaRunError`` when it fails.
    /// Returns what the script's main chunk returned.
    @discardableResult
    public func run(script: URL, arguments: [String]) throws -> [LuaValue] {
        let state = try LuaState(limits: limits, moduleRoot: script.deletingLastPathComponent())
        defer { state.close() }
        state.output = output
        let display = LuaState.displayPath(of: script, relativeTo: state.chunkNameRoot)
        // A script's views know the segments the store has run (c.segments of any other name is an error).
        let known = try store.map { store in Set(try waitForStore { try await store.segments().map(\.name) }) } ?? []
        let context = PluginContext(
            file: display,
            environment: {
                var environment = PluginEnvironment(store: store, logger: logger, permissions: Set(Permission.allCases), knownSegments: known)
                environment.letterTemplates = letterTemplates
                return environment
            }())
        context.phase = .running
        try CordialModule.install(in: state, context: context)
        let chunk = try state.loadFile(script)
        var arg = LuaTable(array: arguments.map { .string(LuaString($0)) })
        arg[0] = .string(LuaString(LuaState.displayPath(of: script, relativeTo: state.chunkNameRoot)))
        try state.setGlobal("arg", .table(arg))
        let results = try chunk.callValues(arguments.map { .string(LuaString($0)) })
        if let store, !context.run.pendingChanges.isEmpty {
            let changes = context.run.pendingChanges.changes
            try context.wait { try await store.apply(changes) }
        }
        if let store {
            for campaign in context.run.campaigns where !campaign.actions.isEmpty {
                let actions = campaign.actions, name = campaign.name, budget = campaign.budget
                let plan = try context.wait { [caps, events, approvals] in
                    try await Self.plan(
                        actions, name: name, budget: budget, origin: "script " + display, caps: caps, events: events, approvals: approvals, store: store)
                }
                planned(plan)
            }
        }
        return results
    }

    /// A script's (or a feedback hook's) campaign as a saved plan: its actions on channels the
    /// customer refused held back, under the campaign's budget and every plugin's caps.
    /// `origin` names where it came from in the plan (`script tools/thanks.lua`).
    static func plan(
        _ actions: [PlannedAction], name: String, budget: CareBudget, origin: String, caps: [FrequencyCap], events: [CareEvent],
        approvals: ApprovalRules?, store: any Store
    ) async throws -> CampaignPlan {
        let refused = try await store.refusedChannels(of: actions.map(\.customerID))
        var checked = actions.map { CampaignPlanner.holdingBack($0, refused: refused) }
        // A script's visits are asked in the order the script gave them.
        try await VisitPlanning.schedule(&checked, store: store)
        let days = checked.map(\.actionDay)
        return try await CampaignPlanner.save(
            checked, campaign: name, plugin: origin, version: "-", window: (days.min() ?? 0)...(days.max() ?? 0),
            limits: CampaignLimits(budget: budget, caps: caps), events: events, approvals: approvals, at: Date(), store: store)
    }
}
