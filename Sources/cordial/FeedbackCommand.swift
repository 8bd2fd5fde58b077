import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial feedback add|list|show|update|assign`
struct FeedbackCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback", abstract: "Feedback and complaints: take them in, handle them step by step, look them up.",
        discussion: """
            A complaint moves through the six steps: received → acknowledged → investigating → solution-proposed → \
            agreed → resolved → followed-up → closed (a declined solution goes back to investigating; a resolved, \
            followed-up or closed case reopens there). Compliments, suggestions and questions may be resolved or closed \
            once acknowledged. Import files with `cordial import feedback FILE`.
            """,
        subcommands: [AddFeedback.self, ListFeedback.self, ShowFeedback.self, UpdateFeedback.self, AssignFeedback.self, FeedbackBreachesCommand.self, FeedbackReportCommand.self, CompensateFeedback.self, FeedbackHooksCommand.self])
}

extension FeedbackChannel: ExpressibleByArgument {}
extension FeedbackKind: ExpressibleByArgument {}
extension FeedbackSeverity: ExpressibleByArgument {}
extension FeedbackStatus: ExpressibleByArgument {}

struct AddFeedback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Take in a piece of feedback from a customer or an anonymous contact.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Option(help: "The customer: a store id (42) or SOURCE:EXTERNAL_ID (crm:C-1042). Without it, give a contact.")
    var customer: String?

    @Option(name: .customLong("contact-name"), help: "An anonymous contact's name.")
    var contactName: String?
    @Option(name: .customLong("contact-email"), help: "An anonymous contact's email address.")
    var contactEmail: String?
    @Option(name: .customLong("contact-phone"), help: "An anonymous contact's phone number.")
    var contactPhone: String?

    @Option(help: "How it reached us: \(FeedbackChannel.allCases.map(\.rawValue).joined(separator: ", ")).")
    var channel: FeedbackChannel

    @Option(help: "\(FeedbackKind.allCases.map(\.rawValue).joined(separator: ", ")).")
    var kind: FeedbackKind

    @Option(help: "A category the plugins declare (baggage/delayed).")
    var category: String

    @Option(help: "\(FeedbackSeverity.allCases.map(\.rawValue).joined(separator: ", ")).")
    var severity: FeedbackSeverity = .medium

    @Option(help: "What the customer said, in their words.")
    var text: String?

    @Option(name: .customLong("text-file"), help: "Read the text from this file (UTF-8) instead.")
    var textFile: String?

    @Option(help: "The language of the text (vi, zh, en).")
    var language: String?

    @Option(help: "Satisfaction, 1 to 5.")
    var csat: Int?

    @Option(help: "Likelihood to recommend, 0 to 10.")
    var nps: Int?

    @Option(name: .customLong("received-at"), help: "When it was received (2025-03-01T09:30:00Z; default now).")
    var receivedAt: String?

    @Option(help: "Who took it in: a member of staff's id or exact name (named on the case's first step).")
    var by: String?

    func validate() throws {
        guard (text == nil) != (textFile == nil) else { throw ValidationError("give the customer's words with --text or --text-file (one of them)") }
        if let csat, !(1...5).contains(csat) { throw ValidationError("--csat must be 1 to 5") }
        if let nps, !(0...10).contains(nps) { throw ValidationError("--nps must be 0 to 10") }
        if customer == nil, [contactName, contactEmail, contactPhone].allSatisfy({ ($0 ?? "").isEmpty }) {
            throw ValidationError("name the customer (--customer) or give an anonymous contact (--contact-name, --contact-email or --contact-phone)")
        }
    }

    func run() async throws {
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        if let problem = FeedbackTaxonomy(plugins: registry.plugins).problem(category) { throw CommandFailure("--category: \(problem)") }
        let words: String
        if let textFile {
            guard let data = FileManager.default.contents(atPath: textFile) else { throw CommandFailure("--text-file \(textFile): no such file, or it cannot be read") }
            guard let read = String(data: data, encoding: .utf8) else { throw CommandFailure("--text-file \(textFile): not UTF-8 text") }
            words = read
        } else {
            words = text ?? ""
        }
        var received = Date()
        if let receivedAt {
            guard let time = FeedbackImporter.time(receivedAt) else { throw ValidationError("--received-at '\(receivedAt)' is not a time (2025-03-01T09:30:00Z)") }
            if let problem = FeedbackImporter.receivedProblem(time, text: receivedAt) { throw ValidationError("--received-at \(problem)") }
            received = time
        }
        let opened = try await store.open()
        var customerID: CustomerID?
        if let customer { customerID = try await lookUpCustomer(customer, in: opened).id }
        let feedback = Feedback(
            customerID: customerID,
            contact: FeedbackContact(name: contactName, email: contactEmail, phone: contactPhone).nonEmpty, source: "cordial",
            channel: channel, kind: kind, category: category, severity: severity, text: words, language: language, csat: csat, nps: nps,
            receivedAt: received)
        var actor: Int64?
        if let by { actor = try await PlanApprover.member(by, in: opened).id }
        let added = try await FeedbackCommands.refusing { try await opened.addFeedback([feedback], by: actor, at: Date()).added }
        guard let stored = added.first else { throw CommandFailure("the feedback was not added") }
        if store.json {
            try store.printJSON(stored)
        } else {
            print("\(stored.reference): \(stored.kind.rawValue) \(stored.category) (\(stored.severity.rawValue)) received")
        }
        try await FeedbackCommands.runHooks(in: opened, registry: registry, quiet: store.json)
        if !report.problems.isEmpty { throw PluginProblemsFailure(count: report.problems.count) }
    }
}

struct ListFeedback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Cases newest first, filtered.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only cases in this status (repeatable).")
    var status: [FeedbackStatus] = []

    @Flag(help: "Only cases still being handled (not resolved, followed up or closed).")
    var open = false

    @Option(help: "Only this kind.")
    var kind: FeedbackKind?

    @Option(help: "Only this category and those under it.")
    var category: String?

    @Option(help: "Only this customer's (an id or SOURCE:EXTERNAL_ID).")
    var customer: String?

    @Option(help: "Only cases this member of staff owns (an id or their exact name).")
    var owner: String?

    @Flag(help: "Only cases no one owns yet.")
    var unassigned = false

    @Option(help: "Only cases of this severity (repeatable).")
    var severity: [FeedbackSeverity] = []

    @Option(help: "Only cases of this team.")
    var team: String?

    @Option(help: "Received on or after this day (YYYY-MM-DD, UTC).")
    var from: String?

    @Option(help: "Received before the end of this day (YYYY-MM-DD, UTC).")
    var to: String?

    @Option(help: "At most this many.")
    var limit = 50

    func validate() throws {
        guard (1...10_000).contains(limit) else { throw ValidationError("--limit must be 1 to 10000") }
        if let category, let problem = FeedbackCategory.problem(category) { throw ValidationError("--category: \(problem)") }
        if open, !status.isEmpty { throw ValidationError("--open and --status choose statuses both; give one") }
        if unassigned, owner != nil { throw ValidationError("--unassigned and --owner contradict each other; give one") }
        for (name, day) in [("--from", from), ("--to", to)] where day != nil && CalendarDays.day(of: day!) == nil {
            throw ValidationError("\(name) '\(day!)' is not a date (YYYY-MM-DD)")
        }
    }

    func run() async throws {
        let opened = try await store.open()
        var query = FeedbackQuery(kind: kind, category: category, limit: limit)
        if open { query.statuses = FeedbackQuery.openStatuses }
        if !status.isEmpty { query.statuses = Set(status) }
        if let customer { query.customer = try await lookUpCustomer(customer, in: opened).id }
        let staff = try await opened.staff()
        if let owner { query.ownerID = try await PlanApprover.member(owner, in: opened).id }
        query.unassigned = unassigned
        if !severity.isEmpty { query.severities = Set(severity) }
        query.team = team
        query.receivedFrom = from.flatMap(CalendarDays.day(of:)).map(CalendarDays.date(ofDay:))
        query.receivedBefore = to.flatMap(CalendarDays.day(of:)).map { CalendarDays.date(ofDay: $0 + 1) }
        let cases = try await opened.feedbackList(query)
        let total = try await opened.countFeedback(query)
        if store.json { return try store.printJSON(cases) }
        let names = Dictionary(staff.compactMap { member in member.id.map { ($0, member.name) } }, uniquingKeysWith: { first, _ in first })
        printTable(["CASE", "RECEIVED", "STATUS", "KIND", "CATEGORY", "SEVERITY", "FROM", "OWNER"], cases.map { item in
            [
                item.reference, item.receivedAt.formatted(.iso8601.year().month().day().dateSeparator(.dash)), item.status.rawValue, item.kind.rawValue,
                item.category, item.severity.rawValue, item.customerID.map { "customer \($0)" } ?? "anonymous",
                item.ownerID.map { names[$0] ?? "staff \($0)" } ?? "-",
            ]
        })
        print("\(cases.count) of \(total) case\(total == 1 ? "" : "s")")
    }
}

struct ShowFeedback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A case with its history of steps.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The case: FB-42 or 42.")
    var reference: String

    struct Shown: Encodable {
        var feedback: Feedback
        var events: [FeedbackEvent]
        var next: [FeedbackStatus]
    }

    func run() async throws {
        let opened = try await store.open()
        let item = try await FeedbackCommands.find(reference, in: opened)
        let events = try await opened.feedbackEvents(of: item.id!)
        if store.json { return try store.printJSON(Shown(feedback: item, events: events, next: item.status.next(for: item.kind))) }
        let staff = try await opened.staff()
        func name(_ id: Int64?) -> String {
            guard let id else { return "-" }
            return staff.first { $0.id == id }.map { "\($0.name) (\($0.role))" } ?? "staff \(id)"
        }
        var from = "anonymous"
        if let customer = item.customerID {
            from = try await opened.customer(customer).map { "\($0.name.display(locale: $0.locale)) (customer \(customer))" } ?? "customer \(customer)"
        }
        let contact = item.contact.map { [$0.name, $0.email, $0.phone].compactMap { $0 }.joined(separator: ", ") }
        print("\(item.reference)  \(item.kind.rawValue), \(item.category), \(item.severity.rawValue), \(item.status.rawValue) (version \(item.version))")
        // Names, contacts and teams are what people typed: shown, never obeyed by the terminal.
        print(("from      \(from)" + (contact.map { " — \($0)" } ?? "")).forTerminal)
        print(("received  \(item.receivedAt.formatted(.iso8601)) by \(item.channel.rawValue)" + (item.language.map { ", in \($0)" } ?? "")).forTerminal)
        print(("owner     \(name(item.ownerID))" + (item.team.map { ", team \($0)" } ?? "")).forTerminal)
        if item.csat != nil || item.nps != nil {
            print("rated     " + [item.csat.map { "CSAT \($0)/5" }, item.nps.map { "NPS \($0)/10" }].compactMap { $0 }.joined(separator: ", "))
        }
        print("")
        print(item.text.forTerminal)
        print("")
        printTable(["WHEN", "WHO", "STEP", "NOTE"], events.map { event in
            let step = switch event.action {
            case .received: "received"
            case .status: "\(event.from?.rawValue ?? "?") → \(event.to?.rawValue ?? "?")"
            case .assigned: "assigned"
            case .note: "note"
            case .compensation: "compensation"
            case .classified: "filed again"
            }
            var note = [event.compensation.map { "\($0.form) \($0.amount.amountText) \($0.amount.currency)" }, event.note].compactMap { $0 }.joined(separator: ": ")
            // An assignment's note names the owner by id ("owner 2, team baggage"): shown by name.
            if event.action == .assigned, note.hasPrefix("owner "),
               let id = Int64(note.dropFirst(6).prefix { $0.isNumber }) {
                note = name(id) + note.dropFirst(6).drop { $0.isNumber }
            }
            return [event.at.formatted(.iso8601), event.hook.map { "plugin \($0)" } ?? name(event.actorID), step, note]
        })
        let deliveries = try await opened.feedbackHookDeliveries(FeedbackHookQuery(feedbackIDs: [item.id!]))
        if !deliveries.isEmpty {
            print("")
            printTable(["HOOK", "PLUGIN", "EVENT", "OUTCOME", "RECOVERY", "DETAIL"], deliveries.map { delivery in
                [delivery.hook, delivery.plugin, delivery.key, delivery.outcome.rawValue,
                 delivery.recovery == .none ? "-" : delivery.recovery.rawValue + (delivery.recoveryPlanID.map { " (plan \($0))" } ?? ""),
                 delivery.message ?? ""]
            })
        }
        let next = item.status.next(for: item.kind).map(\.rawValue).joined(separator: ", ")
        print("next: \(next)  (cordial feedback update \(item.reference) --status STATUS --by STAFF)")
    }
}

struct UpdateFeedback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "update", abstract: "Move a case to its next step, file it again, rate it, or add a note; each change recorded with who and when.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The case: FB-42 or 42.")
    var reference: String

    @Option(help: "The status to move to (the workflow's next steps; `feedback show` lists them).")
    var status: FeedbackStatus?

    @Option(help: "File it under this category instead (one the plugins declare).")
    var category: String?

    @Option(help: "Its severity instead: \(FeedbackSeverity.allCases.map(\.rawValue).joined(separator: ", ")).")
    var severity: FeedbackSeverity?

    @Option(help: "Satisfaction given at the callback, 1 to 5.")
    var csat: Int?

    @Option(help: "Likelihood to recommend, 0 to 10.")
    var nps: Int?

    @Option(help: "A note for the case's history.")
    var note: String?

    @Option(help: "Who makes the change: a member of staff's id or exact name.")
    var by: String

    @Option(help: "The version of the case you read (`feedback show`): refused if it changed meanwhile.")
    var version: Int?

    func validate() throws {
        guard status != nil || csat != nil || nps != nil || note != nil || category != nil || severity != nil else {
            throw ValidationError("give --status, --category, --severity, --csat, --nps or --note")
        }
        let kinds = [status != nil, csat != nil || nps != nil, category != nil || severity != nil].filter { $0 }.count
        guard kinds <= 1 else { throw ValidationError("change the status, the filing and the ratings one at a time") }
        if let csat, !(1...5).contains(csat) { throw ValidationError("--csat must be 1 to 5") }
        if let nps, !(0...10).contains(nps) { throw ValidationError("--nps must be 0 to 10") }
    }

    func run() async throws {
        let opened = try await store.open()
        let item = try await FeedbackCommands.find(reference, in: opened)
        let actor = try await PlanApprover.member(by, in: opened)
        if let category {
            let (registry, report) = pluginOptions.registry()
            printProblems(report.problems)
            if let problem = FeedbackTaxonomy(plugins: registry.plugins).problem(category) { throw CommandFailure("--category: \(problem)") }
        }
        let change: FeedbackChange = if let status { .status(status) } else if csat != nil || nps != nil { .satisfaction(csat: csat, nps: nps) }
            else if category != nil || severity != nil { .classify(category: category, severity: severity) } else { .note }
        let changed = try await FeedbackCommands.refusing {
            try await opened.changeFeedback(item.id!, change, by: actor.id, note: note, at: Date(), expectedVersion: version)
        }
        if store.json {
            try store.printJSON(changed)
        } else {
            switch change {
            case .status(let status): print("\(changed.reference): \(item.status.rawValue) → \(status.rawValue) by \(actor.name.forTerminal)")
            case .satisfaction: print("\(changed.reference): rated by \(actor.name.forTerminal)")
            case .classify: print("\(changed.reference): filed as \(changed.category), \(changed.severity.rawValue) by \(actor.name.forTerminal)")
            default: print("\(changed.reference): note added by \(actor.name.forTerminal)")
            }
        }
        let (registry, report) = pluginOptions.registry()
        if category == nil { printProblems(report.problems) }
        try await FeedbackCommands.runHooks(in: opened, registry: registry, quiet: store.json)
    }
}

struct AssignFeedback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "assign", abstract: "Give a case to a member of staff (and their team).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The case: FB-42 or 42.")
    var reference: String

    @Option(help: "The new owner: a member of staff's id or exact name.")
    var to: String

    @Option(help: "Their team.")
    var team: String?

    @Option(help: "A note for the case's history.")
    var note: String?

    @Option(help: "Who assigns it: a member of staff's id or exact name.")
    var by: String

    func run() async throws {
        let opened = try await store.open()
        let item = try await FeedbackCommands.find(reference, in: opened)
        let owner = try await PlanApprover.member(to, in: opened)
        let actor = try await PlanApprover.member(by, in: opened)
        let changed = try await FeedbackCommands.refusing {
            try await opened.changeFeedback(item.id!, .assign(ownerID: owner.id!, team: team), by: actor.id, note: note, at: Date(), expectedVersion: nil)
        }
        if store.json {
            try store.printJSON(changed)
        } else {
            print(("\(changed.reference): assigned to \(owner.name) (\(owner.role))" + (team.map { ", team \($0)" } ?? "") + " by \(actor.name)").forTerminal)
        }
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        try await FeedbackCommands.runHooks(in: opened, registry: registry, quiet: store.json)
    }
}

struct ImportFeedback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "feedback", abstract: "Import feedback from CSV or JSON Lines; all or nothing.",
        discussion: """
            Columns: received_at, channel, kind, category (one the plugins declare), text; customer_id (the \
            customer's external id, with customer_source or --customer-source) or contact_name / contact_email / \
            contact_phone for an anonymous contact; optionally feedback_id (its id in the source system: a file \
            imported twice adds each case once), severity, language, csat, nps.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The file to import.")
    var file: String

    @Option(help: "csv or jsonl (default: from the file's extension).")
    var format: ImportFormat?

    @Option(help: "The system the cases come from: their feedback_ids are unique in it.")
    var source: String = "import"

    @Option(name: .customLong("customer-source"), help: "The source the customers were imported from, for rows without a customer_source column.")
    var customerSource: String = "import"

    @Option(name: .customLong("date-format"), help: "The order of day and month in dates that are not ISO (dmy or mdy).")
    var dateOrder: CustomerImporter.DateOrder?

    @Flag(help: "Check the file and say what would be added; write nothing.")
    var dryRun = false

    func run() async throws {
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        let opened = try await store.open()
        let importer = FeedbackImporter(
            source: source, customerSource: customerSource, taxonomy: FeedbackTaxonomy(plugins: registry.plugins), dateOrder: dateOrder)
        let cases: [Feedback], history: [[FeedbackArchiveStep]]
        do {
            (cases, history) = try await importer.archive(path: file, format: format ?? ImportFormat.detect(path: file), in: opened)
        } catch let error as ImportError {
            StandardStreams.error("cordial: " + (error.errorDescription ?? "import refused") + "\n")
            throw ExitCode(1)
        }
        if dryRun {
            if store.json { return try store.printJSON(["read": cases.count]) }
            print("\(file): \(cases.count) case\(cases.count == 1 ? "" : "s") read; nothing written (--dry-run)")
        } else {
            let (added, present) = try await FeedbackCommands.refusing { try await opened.addFeedback(cases, history: history, by: nil, at: Date()) }
            if store.json {
                try store.printJSON(["added": added.count, "present": present])
            } else {
                print("\(file): added \(added.count) case\(added.count == 1 ? "" : "s"), \(present) already present")
            }
            try await FeedbackCommands.runHooks(in: opened, registry: registry, quiet: store.json)
        }
        if !report.problems.isEmpty { throw PluginProblemsFailure(count: report.problems.count) }
    }
}

struct FeedbackBreachesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "breaches", abstract: "Clocks of open cases that are late, or due soon, against the plugins' service standards.",
        discussion: """
            Each case is held to the first standard (plugin:feedback_sla) that covers it; its clocks run on the \
            organisation's working hours (plugin:business_hours) or its team's. First contact runs from received to \
            acknowledged, resolution to resolved (stopped while the case waits on the customer), the callback from \
            resolved to followed-up.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Option(help: "Read the clocks at this time (2025-03-01T09:30:00Z; default now).")
    var at: String?

    @Option(help: "Also list clocks due within this span of it (\"2h\", \"1d\"; default 1h).")
    var within = "1h"

    @Option(help: "Show at most this many clocks, the latest first (the count covers them all).")
    var limit = 50

    func run() async throws {
        var now = Date()
        if let at {
            guard let time = FeedbackImporter.time(at) else { throw ValidationError("--at '\(at)' is not a time (2025-03-01T09:30:00Z)") }
            now = time
        }
        guard let span = BusinessHours.Span(within), case .minutes = span else {
            throw ValidationError("--within '\(within)' is not a span of working time such as \"30m\" or \"2h\"")
        }
        let horizon: TimeInterval = if case .minutes(let minutes) = span { Double(minutes) * 60 } else { 3_600 }
        let (registry, problems) = pluginOptions.registry()
        printProblems(problems.problems)
        let breaches = FeedbackBreaches(plugins: registry.plugins)
        let opened = try await store.open()
        let report = try await breaches.report(in: opened, at: now, horizon: horizon)
        if store.json {
            try store.printJSON(report)
        } else {
            if breaches.standards.isEmpty { print("no plugin declares a service standard (plugin:feedback_sla); see docs/plugin-guide.md") }
            let zone = TimeZone(identifier: report.timeZone) ?? .gmt
            let staff = try await opened.staff()
            printTable(["CASE", "CLOCK", "DUE", "STATE", "STANDARD", "SEVERITY", "OWNER", "TEAM"], report.entries.prefix(limit).map { entry in
                let late = entry.lateness
                let state = late > 0 ? "late by \(Self.duration(late))" : "due in \(Self.duration(-late))"
                return [
                    entry.feedback.reference, entry.clock.name.rawValue, entry.clock.due.map { Self.local($0, in: zone) } ?? "-", state, entry.standard,
                    entry.feedback.severity.rawValue, entry.feedback.ownerID.map { id in staff.first { $0.id == id }?.name ?? "staff \(id)" } ?? "-",
                    entry.feedback.team ?? "-",
                ]
            })
            if report.entries.count > limit { print("… \(report.entries.count - limit) more (--limit)") }
            let late = report.entries.filter { $0.lateness > 0 }.count
            print("\(late) late, \(report.entries.count - late) due within \(within), of \(report.covered) cases under a standard "
                + "(\(report.cases) open or awaiting callback); times in \(report.timeZone)")
        }
        if !problems.problems.isEmpty { throw PluginProblemsFailure(count: problems.problems.count) }
    }

    /// "2025-03-07 17:30" in `zone`.
    static func local(_ date: Date, in zone: TimeZone) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d", parts.year ?? 0, parts.month ?? 0, parts.day ?? 0, parts.hour ?? 0, parts.minute ?? 0)
    }

    /// "1d 3h", "2h 05m", "12m".
    static func duration(_ seconds: TimeInterval) -> String {
        let minutes = Int((seconds / 60).rounded())
        if minutes >= 1_440 { return "\(minutes / 1_440)d \(minutes % 1_440 / 60)h" }
        if minutes >= 60 { return String(format: "%dh %02dm", minutes / 60, minutes % 60) }
        return "\(minutes)m"
    }
}

struct CompensateFeedback: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compensate", abstract: "Grant compensation on a case, within the authority of the member of staff who grants it.",
        discussion: "The plugins say who may grant what (plugin:feedback_authority); what the case was granted before counts towards the limit.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The case: FB-42 or 42.")
    var reference: String

    @Option(help: "The form of compensation (voucher, apology-gift, refund…, as the plugins name them).")
    var form: String

    @Option(help: "The amount (1500000, 12.50).")
    var amount: String

    @Option(help: "Its currency (default: the plugins' authority's).")
    var currency: String?

    @Option(help: "A note for the case's history.")
    var note: String?

    @Option(help: "Who grants it: a member of staff's id or exact name.")
    var by: String

    func run() async throws {
        let (registry, problems) = pluginOptions.registry()
        printProblems(problems.problems)
        let authority = registry.plugins.sorted { $0.name < $1.name }.compactMap(\.registrations.compensationAuthority).first
        guard let money = Money(parsing: amount, currency: (currency ?? authority?.currency ?? "VND").uppercased()), money.amount > 0 else {
            throw ValidationError("--amount '\(amount)' is not a positive amount (1500000, 12.50)")
        }
        let opened = try await store.open()
        let item = try await FeedbackCommands.find(reference, in: opened)
        let staff = try await PlanApprover.member(by, in: opened)
        let granted: (feedback: Feedback, total: Money)
        do {
            granted = try await FeedbackCommands.refusing {
                try await CompensationGrant.grant(FeedbackCompensation(form: form, amount: money), on: item.id!, by: staff, note: note, authority: authority, in: opened)
            }
        } catch let refusal as CompensationGrant.Refusal {
            throw CommandFailure(refusal.description.forTerminal)
        }
        if store.json { return try store.printJSON(["feedback": granted.feedback.reference, "granted": money.amountText, "total": granted.total.amountText]) }
        let format = LocaleFormat(money.currency == "VND" ? "vi" : "en")
        print("\(item.reference): \(form) of \(format.money(money)) granted by \(staff.name) (\(format.money(granted.total)) in all)".forTerminal)
        try await FeedbackCommands.runHooks(in: opened, registry: registry, quiet: false)
        if !problems.problems.isEmpty { throw PluginProblemsFailure(count: problems.problems.count) }
    }
}

extension FeedbackReport.Section: ExpressibleByArgument {}

struct FeedbackReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "Causes and satisfaction over a period: Pareto, check sheet, cause and effect, SLA compliance, CSAT and NPS.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Option(help: "Cases received on or after this day (YYYY-MM-DD, in the organisation's time zone).")
    var from: String?

    @Option(help: "Cases received up to the end of this day (YYYY-MM-DD, in the organisation's time zone).")
    var to: String?

    @Option(help: "Only this kind (default: every kind).")
    var kind: FeedbackKind?

    @Option(help: "Count categories at this depth: 1 for the top ones (baggage), 2 for those under them (baggage/delayed).")
    var level = 1

    @Option(help: "CSAT and NPS by this segment's labels, as customers hold them now.")
    var segment: String?

    @Option(help: "Write the Pareto chart to this SVG file.")
    var pareto: String?

    @Option(parsing: .upToNextOption, help: "The sections to compute (default: all): pareto, checksheet, causes, sla, satisfaction.")
    var sections: [FeedbackReport.Section] = []

    func validate() throws {
        guard (1...4).contains(level) else { throw ValidationError("--level must be 1 to 4") }
        for (name, day) in [("--from", from), ("--to", to)] where day != nil && CalendarDays.day(of: day!) == nil {
            throw ValidationError("\(name) '\(day!)' is not a date (YYYY-MM-DD)")
        }
    }

    func run() async throws {
        let (registry, problems) = pluginOptions.registry()
        printProblems(problems.problems)
        let opened = try await store.open()
        if let segment {
            let known = try await opened.segments().map(\.name)
            guard known.contains(segment) else {
                throw CommandFailure("no segment '\(segment)' has been run (known: \(known.isEmpty ? "none" : known.joined(separator: ", ")))")
            }
        }
        let chosen = sections.isEmpty ? Set(FeedbackReport.Section.allCases) : Set(sections).union([.pareto])
        // Days are the organisation's: midnight in its time zone, as its weeks and months are.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = FeedbackBreaches(plugins: registry.plugins).hours?.timeZone ?? .gmt
        func midnight(_ day: Int) -> Date {
            let (year, month, dayOfMonth) = CalendarDays.civil(ofDay: day)
            return calendar.date(from: DateComponents(year: year, month: month, day: dayOfMonth)) ?? CalendarDays.date(ofDay: day)
        }
        let report = try await FeedbackReport.make(
            in: opened, plugins: registry.plugins, from: from.flatMap(CalendarDays.day(of:)).map(midnight),
            to: to.flatMap(CalendarDays.day(of:)).map { midnight($0 + 1) }, kind: kind, level: level, segment: segment, sections: chosen)
        if let pareto {
            let period = [from, to].compactMap { $0 }.joined(separator: " to ")
            let title = "\(kind.map { $0.rawValue.capitalized + "s" } ?? "Feedback") by category" + (period.isEmpty ? "" : ", \(period)") + " (\(report.cases))"
            try OutputFile.write(ParetoChart.svg(report.pareto, title: title), to: pareto)
        }
        if store.json {
            try store.printJSON(report)
        } else {
            Self.print(report)
            if let pareto { Swift.print("Pareto chart written to \(pareto)") }
        }
        if !problems.problems.isEmpty { throw PluginProblemsFailure(count: problems.problems.count) }
    }

    static func percent(_ share: Double?) -> String { share.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }

    static func print(_ report: FeedbackReport) {
        Swift.print("\(report.cases) case\(report.cases == 1 ? "" : "s")" + (report.kind.map { " (\($0.rawValue)s)" } ?? "") + "; times in \(report.timeZone)")
        Swift.print("")
        Swift.print("Pareto of categories (the vital few marked *)")
        printTable(["", "CATEGORY", "CASES", "SHARE", "CUMULATIVE"], report.pareto.map { row in
            [row.vitalFew ? "*" : "", row.category, "\(row.cases)", percent(row.share), percent(row.cumulative)]
        })
        let vital = report.pareto.filter(\.vitalFew)
        if !vital.isEmpty {
            Swift.print("\(vital.count) of \(report.pareto.count) categories make up \(percent(vital.last!.cumulative)) of cases")
        }
        if let sheet = report.checkSheet, !sheet.weeks.isEmpty {
            // A terminal holds a quarter's weeks; the JSON holds them all.
            let shown = min(sheet.weeks.count, 13)
            Swift.print("")
            Swift.print("Check sheet: cases by week (weeks from Monday)" + (shown < sheet.weeks.count ? ", the last \(shown) of \(sheet.weeks.count) (--json for all)" : ""))
            printTable(["CATEGORY"] + sheet.weeks.suffix(shown).map { String($0.dropFirst(5)) } + ["TOTAL"], sheet.rows.map { row in
                [row.category] + row.counts.suffix(shown).map { $0 == 0 ? "." : "\($0)" } + ["\(row.counts.suffix(shown).reduce(0, +))"]
            })
        }
        if let causes = report.causes, causes.contains(where: { !$0.family.isEmpty }) {
            Swift.print("")
            Swift.print("Cause and effect: causes by family")
            printTable(["FAMILY", "CASES", "SHARE", "CAUSES"], causes.map { family in
                [family.family.isEmpty ? "(no family)" : family.family, "\(family.cases)", percent(family.share),
                 family.categories.prefix(4).map { "\($0.category) \($0.cases)" }.joined(separator: " · ") + (family.categories.count > 4 ? " · …" : "")]
            })
        }
        if let compliance = report.compliance, !compliance.isEmpty {
            Swift.print("")
            Swift.print("Service standards met, by team and category (clocks due or stopped)")
            printTable(["TEAM", "CATEGORY", "CLOCKS", "MET", "RATE"], compliance.map { row in
                [row.team.isEmpty ? "-" : row.team, row.category, "\(row.clocks)", "\(row.met)", percent(row.rate)]
            })
        }
        for (title, rows) in [("Satisfaction by month", report.byMonth), ("Satisfaction by \(report.segment ?? "segment") label", report.bySegment)] {
            guard let rows, !rows.isEmpty else { continue }
            Swift.print("")
            Swift.print(title)
            printTable(["", "CASES", "CSAT", "SATISFIED", "ANSWERS", "NPS", "ANSWERS"], rows.map { row in
                [row.key.isEmpty ? "(none)" : row.key, "\(row.cases)", row.csat.map { String(format: "%.2f", $0) } ?? "-", percent(row.satisfied),
                 "\(row.csatAnswers)", row.nps.map { String(format: "%+.0f", $0) } ?? "-", "\(row.npsAnswers)"]
            })
        }
    }
}

/// A command that did its work but found plugins that did not load: it fails after saying so.
struct PluginProblemsFailure: Error, CustomStringConvertible {
    let count: Int
    var description: String { "\(count) plugin problem\(count == 1 ? "" : "s") above" }
}

/// What the feedback commands share: finding a case, store refusals as one line.
enum FeedbackCommands {
    static func find(_ reference: String, in store: any Store) async throws -> Feedback {
        guard let id = Feedback.id(ofReference: reference) else { throw ValidationError("'\(reference)' is not a case (FB-42 or 42)") }
        guard let item = try await store.feedback(id) else { throw CommandFailure("no feedback \(reference.uppercased().hasPrefix("FB-") ? reference.uppercased() : "FB-\(id)")") }
        return item
    }

    /// Runs the plugins' hooks on what the command recorded (and anything queued before it),
    /// without the breach scan (`cordial feedback hooks` does that). A hook that fails is
    /// reported on stderr and recorded; the command's own change stands.
    static func runHooks(in store: any Store, registry: PluginRegistry, quiet: Bool) async throws {
        let runner = try FeedbackHookRunner(store: store, plugins: registry.plugins, loader: registry.loader)
        guard runner.hasHooks else { return }
        runner.output = FeedbackHooksCommand.printToStandardError
        let report: FeedbackHookRunner.Report
        do {
            report = try await runner.run(at: Date(), breaches: false)
        } catch {
            // The command's own change is saved and its step stays queued: failing the command
            // now would invite running it again, and a second case.
            StandardStreams.error("cordial: the hooks could not run now (\(error.localizedDescription)); what was recorded is saved, and `cordial feedback hooks` runs them later".forTerminal + "\n")
            return
        }
        // Said when the hooks did something: a hook that looked and left the case alone is no news.
        let acted = report.changes + report.failed + report.recoveriesApplied + report.recoveriesAwaitingApproval > 0
        if !quiet, acted { print(FeedbackHooksCommand.summary(report)) }
        for failure in report.failures { StandardStreams.error("cordial: hook failed: \(failure)".forTerminal + "\n") }
    }

    /// `body`, with a store's refusal (an illegal step, a stale version) as one line.
    static func refusing<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw CommandFailure(error.errorDescription ?? "\(error)")
        }
    }
}

struct FeedbackHooksCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hooks", abstract: "Run the plugins' feedback hooks on what is waiting, and on clocks that ran late; or list what failed.",
        discussion: """
            Each hook runs once per event and plugin: feedback.created and feedback.updated for the steps recorded \
            since the last run (commands that record steps run them at once), feedback.breached for each clock past \
            its deadline (once per case and clock). Run it every few minutes (cron) so that breaches reach the hooks. \
            A hook that fails changes nothing, is recorded with its reason and is not run again on that event.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Option(help: "Read the clocks at this time (2025-03-01T09:30:00Z; default now).")
    var at: String?

    @Flag(name: .customLong("no-breaches"), help: "Deliver the waiting steps only; leave the clocks alone.")
    var noBreaches = false

    @Flag(help: "List the hooks that failed (and recovery that could not be applied) instead of running any.")
    var failed = false

    func run() async throws {
        let opened = try await store.open()
        if failed {
            let deliveries = try await opened.feedbackHookDeliveries(FeedbackHookQuery(failedOnly: true))
            if store.json { return try store.printJSON(deliveries.map(FailedDelivery.init)) }
            guard !deliveries.isEmpty else { return print("no hook has failed") }
            printTable(["WHEN", "CASE", "PLUGIN", "HOOK", "EVENT", "REASON"], deliveries.map { delivery in
                [delivery.at.formatted(.iso8601), "FB-\(delivery.feedbackID)", delivery.plugin, delivery.hook, delivery.key, delivery.message ?? ""]
            })
            return
        }
        var time = Date()
        if let at {
            guard let parsed = FeedbackImporter.time(at) else { throw ValidationError("--at '\(at)' is not a time (2025-03-01T09:30:00Z)") }
            time = parsed
        }
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        let runner = try FeedbackHookRunner(store: opened, plugins: registry.plugins, loader: registry.loader)
        runner.output = Self.printToStandardError
        let done = try await runner.run(at: time, breaches: !noBreaches)
        if store.json {
            try store.printJSON(done)
        } else {
            print(runner.hasHooks ? Self.summary(done) : "no loaded plugin has a feedback hook (plugin:on); \(done.events) waiting step\(done.events == 1 ? "" : "s") cleared")
            for failure in done.failures { print("  failed: \(failure)".forTerminal) }
        }
        if !report.problems.isEmpty { throw PluginProblemsFailure(count: report.problems.count) }
    }

    /// A hook's `print`, on stderr with its plugin's name: the command's output stays its own.
    static let printToStandardError: @Sendable (String, String) -> Void = { plugin, text in
        StandardStreams.error("\(plugin): \(text)".forTerminal + "\n")
    }

    static func summary(_ report: FeedbackHookRunner.Report) -> String {
        var parts = ["hooks: \(report.delivered) run" + (report.changes > 0 ? " (\(report.changes) change\(report.changes == 1 ? "" : "s") to cases)" : "")]
        if report.failed > 0 { parts.append("\(report.failed) failed") }
        if report.breaches > 0 { parts.append("\(report.breaches) late clock\(report.breaches == 1 ? "" : "s")") }
        if report.recoveriesApplied > 0 { parts.append("\(report.recoveriesApplied) recovery plan\(report.recoveriesApplied == 1 ? "" : "s") applied") }
        if report.recoveriesAwaitingApproval > 0 { parts.append("\(report.recoveriesAwaitingApproval) awaiting approval (cordial campaigns approve)") }
        return parts.joined(separator: ", ")
    }

    struct FailedDelivery: Encodable {
        var at: Date, feedbackID: Int64, plugin: String, hook: String, key: String, outcome: String, recovery: String, reason: String?
        init(_ delivery: FeedbackHookDelivery) {
            at = delivery.at
            feedbackID = delivery.feedbackID
            plugin = delivery.plugin
            hook = delivery.hook
            key = delivery.key
            outcome = delivery.outcome.rawValue
            recovery = delivery.recovery.rawValue
            reason = delivery.message
        }
    }
}
