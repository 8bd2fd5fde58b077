import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation
import Logging

/// `cordial campaigns list|plan|show|diff|apply|resume|cancel|status|actions|report`
struct CampaignsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaigns", abstract: "Plan care campaigns from policies, look at the plan, then apply it exactly once.",
        discussion: """
            A plan is made and saved first (`plan`), shown (`show`, `diff`) and only then applied (`apply`). \
            Every action is written once under its key, however often a plan is applied or a run resumed.
            """,
        subcommands: [
            ListCampaigns.self, PlanCampaign.self, ShowPlan.self, DiffPlan.self, ApprovePlan.self, ApplyPlan.self, ResumeRun.self, CancelRun.self,
            RunStatus.self, RunActions.self, RunReport.self,
        ])
}

/// A day option: YYYY-MM-DD.
private func day(_ text: String, _ option: String) throws -> Int {
    guard let day = CalendarDays.day(of: text) else { throw ValidationError("\(option) '\(text)' is not a date (YYYY-MM-DD)") }
    return day
}

private func money(_ amount: Decimal, _ currency: String) -> String { "\(amount) \(currency)" }

/// The plan `id`, or a one-line error naming it.
private func loadPlan(_ id: Int64, in store: any Store) async throws -> CampaignPlan {
    guard let plan = try await store.campaignPlan(id) else { throw CommandFailure("no plan \(id); `cordial campaigns list` shows them") }
    return plan
}

private func loadRun(_ id: Int64, in store: any Store) async throws -> CampaignRun {
    guard let run = try await store.campaignRun(id) else { throw CommandFailure("no run \(id); `cordial campaigns list` shows them") }
    return run
}

/// This process as a worker of a run: host and process id.
private var workerName: String { "\(ProcessInfo.processInfo.hostName):\(getpid())" }

struct ListCampaigns: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Policies, and the plans and runs made of them.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    struct Listing: Encodable {
        var policies: [Policy]
        var plans: [CampaignPlan]
        var runs: [CampaignRun]
        struct Policy: Encodable {
            var name: String
            var plugin: String
            var segments: [String]
            var items: Int
            var definedAt: String
        }
    }

    func run() async throws {
        let opened = try await store.open()
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        let policies = registry.plugins.flatMap { plugin in
            plugin.registrations.policies.map {
                Listing.Policy(name: $0.name, plugin: plugin.name, segments: $0.segments.map(\.description), items: $0.items.count, definedAt: $0.definedAt)
            }
        }
        let plans = try await opened.campaignPlans(campaign: nil)
        let runs = try await opened.campaignRuns(plan: nil)
        if store.json {
            try store.printJSON(Listing(policies: policies, plans: plans, runs: runs))
        } else {
            printTable(["POLICY", "PLUGIN", "SEGMENTS", "ITEMS", "DEFINED AT"], policies.map {
                [$0.name, $0.plugin, $0.segments.joined(separator: ", "), "\($0.items)", $0.definedAt]
            })
            if !plans.isEmpty {
                print("")
                printTable(["PLAN", "CAMPAIGN", "WINDOW", "ACTIONS", "COST", "APPROVED", "RUNS"], plans.map { plan in
                    let mine = runs.filter { $0.planID == plan.id }.reversed().map { "\($0.id) \($0.status.rawValue)" }
                    return [
                        "\(plan.id ?? 0)", plan.campaign, "\(CalendarDays.text(ofDay: plan.fromDay)) … \(CalendarDays.text(ofDay: plan.toDay))",
                        "\(plan.summary.actions)", money(plan.summary.cost, plan.limits.currency),
                        plan.approval.map { "\($0.by) (\($0.role))" } ?? "-", mine.isEmpty ? "-" : mine.joined(separator: ", "),
                    ]
                })
            }
        }
        if !report.problems.isEmpty { throw ExitCode.failure }
    }
}

struct PlanCampaign: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan", abstract: "Plan a policy over a window of days and save the plan; nothing is applied.",
        discussion: "The plan holds every action whose day falls in the window, with its customer, occasion, cost and what it needs.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The policy (`cordial campaigns list` shows them).")
    var name: String

    @Option(help: "The first action day (YYYY-MM-DD, default today).")
    var from: String?

    @Option(help: "The last action day (YYYY-MM-DD, default 30 days after --from).")
    var to: String?

    @Option(help: "How many of the plan's letters to show as they will be sent.")
    var previews: Int = 3

    func validate() throws {
        if let from { _ = try day(from, "--from") }
        if let to { _ = try day(to, "--to") }
    }

    func run() async throws {
        let opened = try await store.open()
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        guard report.problems.isEmpty else {
            throw CommandFailure("\(report.problems.count) plugin problem\(report.problems.count == 1 ? "" : "s") above; fix them before planning")
        }
        let first = try from.map { try day($0, "--from") } ?? CalendarDays.day(of: Date())
        let last = try to.map { try day($0, "--to") } ?? first + 30
        guard first <= last else { throw CommandFailure("--to \(CalendarDays.text(ofDay: last)) is before --from \(CalendarDays.text(ofDay: first))") }
        let planner = CampaignPlanner(store: opened, plugins: registry.plugins, loader: registry.loader, logger: Logger(label: "cordial"))
        let total = try await opened.countCustomers()
        let bar = ProgressBar("planning")
        let plan: CampaignPlan
        do {
            plan = try await planner.plan(name, window: first...last) { read in bar.update(total == 0 ? 1 : Double(read) / Double(total)) }
        } catch let error as PluginError {
            bar.finish()
            throw CommandFailure(error.description)
        }
        bar.finish()
        try await PlanPrinter(store: opened, json: store.json, approvals: registry.plugins.compactMap(\.registrations.approvals).first, plugins: registry.plugins)
            .print(plan, sample: 10, previews: previews)
    }
}

/// A plan as `plan` and `show` print it: the summary, the budget, what is held back and a
/// sample of actions.
struct PlanPrinter {
    let store: any Store
    let json: Bool
    var approvals: ApprovalRules? = nil
    /// The plugins whose letters the previews render.
    var plugins: [Plugin] = []

    struct Shown: Encodable {
        var plan: CampaignPlan
        var spent: [String: Decimal]
        var sample: [PlannedAction]
        var previews: [LetterPreview]
    }

    func print(_ plan: CampaignPlan, sample count: Int, previews previewCount: Int) async throws {
        let id = plan.id ?? 0
        let sample = count > 0 ? try await store.plannedActions(of: id, seqs: 1...count) : []
        let tallies = try await store.campaignTallies(campaign: plan.campaign)
        let previews = try await LetterPreviews.samples(of: plan, count: previewCount, store: store, desk: LetterDesk(plugins: plugins))
        if json { return try StoreOptions.printJSON(Shown(plan: plan, spent: tallies.budgets, sample: sample, previews: previews)) }
        let summary = plan.summary, currency = plan.limits.currency
        Swift.print("plan \(id) of \(plan.campaign) (\(plan.plugin) \(plan.pluginVersion)), action days \(CalendarDays.text(ofDay: plan.fromDay)) … \(CalendarDays.text(ofDay: plan.toDay))")
        Swift.print("\(summary.actions) actions for \(summary.customers) customers, costing \(money(summary.cost, currency))")
        if !summary.byForm.isEmpty {
            printTable(["CARE FORM", "ACTIONS", "COST"], summary.byForm.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value.count)", money($0.value.cost, currency)] })
        }
        if !summary.bySegment.isEmpty {
            printTable(["SEGMENT", "ACTIONS", "COST"], summary.bySegment.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value.count)", money($0.value.cost, currency)] })
        }
        let limits = plan.limits
        var budget: [String] = []
        if let total = limits.total {
            let spent = tallies.budgets["\(plan.campaign)/total"] ?? 0
            budget.append("total \(money(total, currency)) (spent \(money(spent, currency)), this plan \(money(summary.cost, currency)))")
        }
        if let perCustomer = limits.perCustomer { budget.append("per customer \(money(perCustomer, currency))") }
        if let amount = limits.periodAmount, let days = limits.periodDays { budget.append("\(money(amount, currency)) per \(days) days") }
        Swift.print("budget: " + (budget.isEmpty ? "none set" : budget.joined(separator: "; ")))
        for cap in limits.caps { Swift.print("cap: at most \(cap.count) \(cap.forms.map(\.rawValue).joined(separator: "/")) per customer in \(cap.days) days") }
        for (reason, held) in summary.heldBack.sorted(by: { $0.key < $1.key }) { Swift.print("held back by the plan: \(held) — \(reason)") }
        for (reason, held) in summary.forecast.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
            Swift.print("applied now, the limits would skip: \(held) — \(reason)")
        }
        if let approval = plan.approval {
            let current = approval.fingerprint == plan.fingerprint ? "" : " (for another version of the plan)"
            Swift.print("approved by \(approval.by) (\(approval.role)) at \(approval.at.formatted(.iso8601))\(current)")
        } else if let roles = summary.approvers
            ?? approvals.flatMap({ $0.needsApproval(cost: summary.cost, customers: summary.customers, currency: currency)
                ? $0.approvers(cost: summary.cost, customers: summary.customers, currency: currency) : nil }) {
            Swift.print("needs approving before it is applied, by " + (roles.isEmpty ? "a role no approval level covers" : "a " + roles.joined(separator: " or a "))
                + ": `cordial campaigns approve \(id) --by STAFF`")
        }
        if !sample.isEmpty {
            Swift.print("")
            ActionTable.print(sample)
            if summary.actions + summary.heldBack.values.reduce(0, +) > sample.count {
                Swift.print("\(sample.count) of \(summary.actions + summary.heldBack.values.reduce(0, +)) actions; `cordial campaigns show \(id) --actions N` for more")
            }
        }
        if !previews.isEmpty {
            let letters = summary.byForm["letter"]?.count ?? 0
            Swift.print("")
            Swift.print("letters as they will be sent (\(previews.count) of \(letters); `cordial letters preview TEMPLATE --customer ID` for any other):")
            for preview in previews {
                Swift.print("")
                Swift.print("— action \(preview.seq), customer \(preview.customer) (\(preview.locale)): \(preview.file ?? preview.template)")
                if let error = preview.error {
                    Swift.print("  cannot be rendered: \(error)".forTerminal)
                    continue
                }
                if let subject = preview.subject { Swift.print("  subject: \(subject)".forTerminal) }
                let text = (preview.text ?? "").trimmingCharacters(in: .newlines)
                for line in text.split(separator: "\n", omittingEmptySubsequences: false) { Swift.print("  \(line)".forTerminal) }
            }
        }
    }
}

/// Planned actions as a table.
enum ActionTable {
    /// "staff 3, 09:00-10:30" for a scheduled visit, "visit by account-manager" for one not.
    static func visit(_ action: PlannedAction) -> String? {
        guard action.form == .visit, let visit = action.visit else { return nil }
        guard let staff = visit.staffID, let time = visit.time else { return "visit by \(action.role ?? "-")" }
        return "staff \(staff), \(VisitsCommand.clock(time.lowerBound))-\(VisitsCommand.clock(time.upperBound))"
    }

    static func print(_ actions: [PlannedAction]) {
        printTable(["SEQ", "CUSTOMER", "OCCASION", "DAY", "FORM", "WHAT", "COST", "HELD BACK"], actions.map { action in
            let what = action.giftItem.map { "\(action.giftCatalog ?? "")/\($0)" } ?? action.template.map { "\($0) by \(action.channel.rawValue)" }
                ?? visit(action) ?? action.role.map { "call by \($0)" } ?? action.event ?? ""
            return [
                "\(action.seq)", "\(action.customerID.rawValue)", action.occasion, CalendarDays.text(ofDay: action.actionDay), action.form.rawValue, what,
                action.cost == 0 ? "-" : money(action.cost, action.currency), action.heldBack ?? "",
            ]
        })
    }
}

struct ShowPlan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A plan's summary, budget, hold-backs and actions.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The plan's id.")
    var plan: Int64

    @Option(help: "How many actions to list.")
    var actions: Int = 20

    @Option(help: "How many of the plan's letters to show as they will be sent.")
    var previews: Int = 3

    func validate() throws {
        guard (0...1_000_000).contains(actions) else { throw ValidationError("--actions must be 0 to 1000000") }
        guard (0...50).contains(previews) else { throw ValidationError("--previews must be 0 to 50") }
    }

    func run() async throws {
        let opened = try await store.open()
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        try await PlanPrinter(store: opened, json: store.json, approvals: registry.plugins.compactMap(\.registrations.approvals).first, plugins: registry.plugins)
            .print(try await loadPlan(plan, in: opened), sample: actions, previews: previews)
    }
}

struct DiffPlan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "diff", abstract: "What a plan adds, drops and changes against the campaign's previous plan (or --against PLAN).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The plan's id.")
    var plan: Int64

    @Option(help: "The plan to compare with (default: the campaign's plan made before this one).")
    var against: Int64?

    @Option(help: "How many actions of each kind to list.")
    var limit: Int = 20

    func run() async throws {
        let opened = try await store.open()
        let current = try await loadPlan(plan, in: opened)
        let previous: CampaignPlan?
        if let against {
            previous = try await loadPlan(against, in: opened)
        } else {
            previous = try await opened.campaignPlans(campaign: current.campaign).first { ($0.id ?? 0) < plan }
        }
        var before: [PlannedAction] = []
        if let previous { before = try await CampaignPlanDiff.actions(of: previous.id!, in: opened) }
        let diff = CampaignPlanDiff(
            plan: plan, actions: try await CampaignPlanDiff.actions(of: plan, in: opened), previous: previous?.id, actions: before)
        if store.json { return try store.printJSON(diff) }
        print("plan \(plan) against " + (previous.map { "plan \($0.id!)" } ?? "nothing (the campaign's first plan)")
            + ": \(diff.added.count) added, \(diff.removed.count) removed, \(diff.changed.count) changed")
        if diff.isEmpty { return }
        for (title, actions) in [("added", diff.added), ("removed", diff.removed), ("changed (now)", diff.changed.map { $0.after })] where !actions.isEmpty {
            print("\n\(title):")
            ActionTable.print(Array(actions.prefix(limit)))
            if actions.count > limit { print("\(limit) of \(actions.count); --limit N for more") }
        }
    }
}

/// Options of the commands that apply parts.
struct ApplyOptions: ParsableArguments {
    @Option(name: .customLong("part-size"), help: "Actions per part (one transaction), when this process opens the run.")
    var partSize: Int = 500

    @Option(help: "Seconds after which a part whose process stopped may be taken by another process.")
    var lease: Double = 120

    func validate() throws {
        guard (1...100_000).contains(partSize) else { throw ValidationError("--part-size must be 1 to 100000 actions") }
        guard lease >= 1, lease <= 86_400 else { throw ValidationError("--lease must be 1 to 86400 seconds") }
    }

    func applier(_ store: any Store, plugins: PluginOptions) -> CampaignApplier {
        let (registry, report) = plugins.registry()
        printProblems(report.problems)
        var applier = CampaignApplier(store: store, events: registry.plugins.flatMap(\.registrations.events), worker: workerName)
        applier.partSize = partSize
        applier.lease = lease
        applier.approvals = registry.plugins.compactMap(\.registrations.approvals).first
        return applier
    }

    /// Applies with a progress bar and prints what this process did and where the run stands.
    func work(json: Bool, _ body: (@escaping @Sendable (Int, Int) -> Void) async throws -> CampaignApplier.Report) async throws {
        let bar = ProgressBar("applying")
        let report: CampaignApplier.Report
        do {
            report = try await body { done, parts in bar.update(parts == 0 ? 1 : Double(done) / Double(parts)) }
        } catch let error as StoreError {
            bar.finish()
            throw CommandFailure(error.localizedDescription)
        } catch let error as CampaignError {
            bar.finish()
            throw CommandFailure(error.localizedDescription)
        }
        bar.finish()
        if json { return try StoreOptions.printJSON(report.progress) }
        let outcome = report.outcome
        let skipped = outcome.skipped.values.reduce(0, +)
        print("run \(report.run.id) of plan \(report.run.planID): this process applied \(outcome.applied) actions in \(report.parts) part\(report.parts == 1 ? "" : "s")"
            + " (\(outcome.alreadyDone) already done, \(skipped) skipped), costing \(outcome.cost) \(report.currency)")
        if let progress = report.progress {
            print("run \(progress.run.id) is \(progress.run.status.rawValue): \(progress.partsDone) of \(progress.run.parts) parts done")
            if progress.run.status == .cancelled { print("resume it with `cordial campaigns resume \(progress.run.id)`") }
        }
    }
}

struct ApprovePlan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "approve", abstract: "Approve a plan as a member of staff whose role covers its cost and reach (plugin:approvals).",
        discussion: "The approval holds for this version of the plan: a plan made again that changed needs approving again.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The plan's id.")
    var plan: Int64

    @Option(help: "The approving member of staff: id or exact name (`cordial staff list`).")
    var by: String

    func run() async throws {
        let opened = try await store.open()
        _ = try await loadPlan(plan, in: opened)
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        let approver = PlanApprover(store: opened, rules: registry.plugins.compactMap(\.registrations.approvals).first)
        let approval: CampaignApproval
        do {
            approval = try await approver.approve(plan, by: by)
        } catch let error as CampaignError {
            throw CommandFailure(error.localizedDescription)
        }
        if store.json { return try store.printJSON(approval) }
        print("plan \(plan) approved by \(approval.by) (\(approval.role)) at \(approval.at.formatted(.iso8601))")
    }
}

struct ApplyPlan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apply", abstract: "Apply a plan: each action once, in parts of one transaction each.",
        discussion: "Several processes may apply one plan at once; each takes parts the others do not hold. A killed apply goes on with `resume RUN`.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions
    @OptionGroup var options: ApplyOptions

    @Argument(help: "The plan's id.")
    var plan: Int64

    func run() async throws {
        let opened = try await store.open()
        _ = try await loadPlan(plan, in: opened)
        let applier = options.applier(opened, plugins: pluginOptions)
        try await options.work(json: store.json) { progress in try await applier.apply(plan: plan, progress: progress) }
    }
}

struct ResumeRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resume", abstract: "Go on with a run after a crash or a cancel; what was applied stays applied, once.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions
    @OptionGroup var options: ApplyOptions

    @Argument(help: "The run's id.")
    var run: Int64

    func run() async throws {
        let opened = try await store.open()
        _ = try await loadRun(run, in: opened)
        let applier = options.applier(opened, plugins: pluginOptions)
        try await options.work(json: store.json) { progress in try await applier.resume(run: run, progress: progress) }
    }
}

struct CancelRun: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cancel", abstract: "Stop a run between parts: the part being applied finishes, no other starts.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The run's id.")
    var run: Int64

    func run() async throws {
        let opened = try await store.open()
        let before = try await loadRun(run, in: opened)
        guard before.status != .done else { throw CommandFailure("run \(run) is done; there is nothing to cancel") }
        try await opened.cancelCampaignRun(run)
        let progress = try await opened.campaignRunProgress(run)
        if store.json { return try store.printJSON(progress) }
        print("run \(run) cancelled with \(progress.partsDone) of \(progress.run.parts) parts done; `cordial campaigns resume \(run)` goes on")
    }
}

struct RunStatus: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "status", abstract: "How far a run is.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The run's id.")
    var run: Int64

    func run() async throws {
        let opened = try await store.open()
        _ = try await loadRun(run, in: opened)
        let progress = try await opened.campaignRunProgress(run)
        if store.json { return try store.printJSON(progress) }
        let outcome = progress.outcome
        print("run \(run) of plan \(progress.run.planID): \(progress.run.status.rawValue), \(progress.partsDone) of \(progress.run.parts) parts done")
        print("applied \(outcome.applied), already done \(outcome.alreadyDone), skipped \(outcome.skipped.values.reduce(0, +)), cost \(outcome.cost)")
    }
}

struct RunActions: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "actions", abstract: "A run's actions: applied, already done, or skipped and why.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The run's id.")
    var run: Int64

    @Option(help: "How many to list.")
    var limit: Int = 50

    @Option(help: "Only applied, already-done or skipped actions.")
    var result: String?

    func validate() throws {
        if let result, CampaignActionRecord.Result(rawValue: result) == nil {
            throw ValidationError("--result must be applied, already-done or skipped")
        }
    }

    func run() async throws {
        let opened = try await store.open()
        _ = try await loadRun(run, in: opened)
        let all = try await opened.campaignRunActions(run).filter { record in result.map { $0 == record.result.rawValue } ?? true }
        let shown = Array(all.prefix(limit))
        if store.json { return try store.printJSON(shown) }
        printTable(["SEQ", "CUSTOMER", "FORM", "RESULT", "COST", "KEY", "REASON"], shown.map { record in
            ["\(record.seq)", "\(record.customerID.rawValue)", record.form.rawValue, record.result.rawValue, record.cost == 0 ? "-" : "\(record.cost)",
             record.key, record.reason ?? ""]
        })
        print("\(shown.count) of \(all.count) actions")
    }
}

struct RunReport: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "report", abstract: "What a run did, what it skipped and why, and the cost against the budget.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The run's id.")
    var run: Int64

    struct Report: Encodable {
        var progress: CampaignRunProgress
        var plan: CampaignPlan
        var byForm: [String: CampaignPlanSummary.Tally]
        var spent: [String: Decimal]
    }

    func run() async throws {
        let opened = try await store.open()
        let found = try await loadRun(run, in: opened)
        let plan = try await loadPlan(found.planID, in: opened)
        let progress = try await opened.campaignRunProgress(run)
        var byForm: [String: CampaignPlanSummary.Tally] = [:]
        for record in try await opened.campaignRunActions(run) where record.result == .applied {
            byForm[record.form.rawValue, default: .init()].count += 1
            byForm[record.form.rawValue, default: .init()].cost += record.cost
        }
        let spent = try await opened.campaignTallies(campaign: plan.campaign).budgets
        if store.json { return try store.printJSON(Report(progress: progress, plan: plan, byForm: byForm, spent: spent)) }
        let currency = plan.limits.currency, outcome = progress.outcome
        print("run \(run) of plan \(plan.id!) (\(plan.campaign)): \(progress.run.status.rawValue), \(progress.partsDone) of \(progress.run.parts) parts")
        print("done: \(outcome.applied) actions costing \(money(outcome.cost, currency)); \(outcome.alreadyDone) were done before")
        if !byForm.isEmpty {
            printTable(["CARE FORM", "APPLIED", "COST"], byForm.sorted { $0.key < $1.key }.map { [$0.key, "\($0.value.count)", money($0.value.cost, currency)] })
        }
        if !outcome.skipped.isEmpty {
            print("skipped:")
            printTable(["REASON", "ACTIONS"], outcome.skipped.sorted { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }.map { [$0.key, "\($0.value)"] })
        }
        let total = spent["\(plan.campaign)/total"] ?? 0
        print("budget: spent \(money(total, currency)) by the campaign in all" + (plan.limits.total.map { " of \(money($0, currency))" } ?? " (no total set)"))
    }
}
