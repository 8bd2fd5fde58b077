import CordialCore
import CordialStore
import Foundation
import LuaHost

/// What a `Case` object in Lua holds: the case a feedback hook is handed, and what the hook
/// asks for through its methods — changes to the case and service-recovery care. Nothing is
/// written while the hook runs: when it returns, its changes are written with its delivery
/// in one transaction, and its recovery is planned in the plugin's recovery campaign (each
/// action keyed by the case, so it happens once however often the hook fires). Used on the
/// state's thread.
final class FeedbackCaseHandle {
    let feedback: Feedback
    let plugin: String
    let hook: FeedbackHook
    let taxonomy: FeedbackTaxonomy
    /// The day the hook runs, in the organisation's time zone: recovery's first day.
    let today: Int
    let recovery: RecoveryCampaign?
    private(set) var changes: [FeedbackHookChange] = []
    /// False once the hook has returned: a case kept past its hook (in a global, an upvalue)
    /// refuses its methods instead of asking for what would never be written.
    var isOpen = true
    private(set) var campaign: CampaignScript?

    /// Changes one hook may ask for on its case.
    static let maximumChanges = 20

    init(feedback: Feedback, plugin: String, hook: FeedbackHook, taxonomy: FeedbackTaxonomy, today: Int, recovery: RecoveryCampaign?) {
        self.feedback = feedback
        self.plugin = plugin
        self.hook = hook
        self.taxonomy = taxonomy
        self.today = today
        self.recovery = recovery
    }

    /// The fields of the object as Lua reads them (``LuaAPI/caseClass`` documents each).
    static func register(in state: LuaState, methods: [String: (LuaArguments) throws -> any LuaPushable]) throws {
        var type = LuaObjectType<FeedbackCaseHandle>("Case")
        func text(_ value: String?) -> LuaValue { value.map { .string(LuaString($0)) } ?? .nil }
        func number(_ value: Int?) -> LuaValue { value.map { .integer(Int64($0)) } ?? .nil }
        type.field("id") { $0.feedback.id ?? 0 }
        type.field("customer") { handle in handle.feedback.customerID.map { LuaValue.integer($0.rawValue) } ?? .nil }
        type.field("source") { $0.feedback.source }
        type.field("external_id") { text($0.feedback.externalID) }
        type.field("channel") { $0.feedback.channel.rawValue }
        type.field("kind") { $0.feedback.kind.rawValue }
        type.field("category") { $0.feedback.category }
        type.field("severity") { $0.feedback.severity.rawValue }
        type.field("status") { $0.feedback.status.rawValue }
        type.field("text") { $0.feedback.text }
        type.field("language") { text($0.feedback.language) }
        type.field("csat") { number($0.feedback.csat) }
        type.field("nps") { number($0.feedback.nps) }
        type.field("owner") { handle in handle.feedback.ownerID.map { LuaValue.integer($0) } ?? .nil }
        type.field("team") { text($0.feedback.team) }
        type.field("received") { FeedbackCaseHandle.timeText($0.feedback.receivedAt) }
        type.field("version") { Int64($0.feedback.version) }
        type.description { "case \($0.feedback.id ?? 0)" }
        for (name, body) in methods { type.method(name) { _, arguments in try body(arguments) } }
        try state.register(type)
    }

    static func timeText(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon).timeZone(separator: .omitted))
    }

    private func add(_ change: FeedbackChange, note: String?) throws {
        guard changes.count < Self.maximumChanges else { throw PluginAPIError("a hook asks for at most \(Self.maximumChanges) changes to its case") }
        changes.append(FeedbackHookChange(change, note: note))
    }

    private static func note(_ value: LuaValue, _ place: String) throws -> String? {
        guard !value.isNil else { return nil }
        guard let text = value.stringValue, !text.isEmpty, text.utf8.count <= 4096 else { throw PluginAPIError("\(place) must be text of 1 to 4096 bytes") }
        guard !text.utf8.contains(0) else { throw PluginAPIError("\(place) must be text without NUL bytes") }
        return text
    }

    /// Refuses a method called on a case whose hook has returned.
    func checkOpen() throws {
        guard isOpen else {
            throw PluginAPIError("case \(feedback.id ?? 0) was handed to a hook that has returned: act on a case only in the hook it is handed to")
        }
    }

    /// `case:assign { owner = "Trần Minh" | 7, team = "supervisors", note = "…" }`.
    func assign(_ arguments: LuaArguments, in context: PluginContext) throws {
        let spec = try Self.table(arguments, "assignment", "{ team = \"supervisors\", note = \"high severity\" }")
        try PolicyDeclaration.checkKeys(spec, ["owner", "team", "note"], "assign: unknown field")
        var owner: Int64?
        switch spec["owner"] {
        case .nil: break
        case .integer(let id):
            let store = try context.openStore()
            guard try context.wait({ try await store.staff().contains { $0.id == id } }) else { throw PluginAPIError("assign: no member of staff \(id)") }
            owner = id
        case let value:
            guard let name = value.stringValue, !name.isEmpty else { throw PluginAPIError("assign: owner must be a member of staff's id or exact name") }
            let store = try context.openStore()
            do {
                owner = try context.wait { try await PlanApprover.member(name, in: store).id }
            } catch {
                throw PluginAPIError("assign: \(error.localizedDescription)")
            }
        }
        var team: String?
        if !spec["team"].isNil {
            guard let name = spec["team"].stringValue, !name.isEmpty, name.utf8.count <= 64, !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
                throw PluginAPIError("assign: team must be a team's name of 1 to 64 bytes")
            }
            team = name
        }
        guard owner != nil || team != nil else { throw PluginAPIError("assign: name an owner, a team or both") }
        try add(.assign(ownerID: owner, team: team), note: try Self.note(spec["note"], "assign: note"))
    }

    /// `case:classify { category = "baggage/damaged/bag", severity = "high", note = "…" }`.
    func classify(_ arguments: LuaArguments) throws {
        let spec = try Self.table(arguments, "filing", "{ category = \"baggage/delayed\", severity = \"high\" }")
        try PolicyDeclaration.checkKeys(spec, ["category", "severity", "note"], "classify: unknown field")
        var category: String?
        if !spec["category"].isNil {
            guard let path = spec["category"].stringValue else { throw PluginAPIError("classify: category must be text") }
            if let problem = taxonomy.problem(path) { throw PluginAPIError("classify: \(problem)") }
            category = path
        }
        var severity: FeedbackSeverity?
        if !spec["severity"].isNil {
            guard let name = spec["severity"].stringValue, let parsed = FeedbackSeverity(rawValue: name) else {
                throw PluginAPIError("classify: severity must be one of \(FeedbackSeverity.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            severity = parsed
        }
        guard category != nil || severity != nil else { throw PluginAPIError("classify: give a category, a severity or both") }
        try add(.classify(category: category, severity: severity), note: try Self.note(spec["note"], "classify: note"))
    }

    /// `case:note("…")`.
    func note(_ arguments: LuaArguments) throws {
        guard let text = try Self.note(try arguments.value(2, "text"), "note") else { throw PluginAPIError("note must be text of 1 to 4096 bytes") }
        try add(.note, note: text)
    }

    /// `case:recover { letter = { template = "apology" }, call = { role = …, script = …, after_days = 1 }, gift = { … }, occasion = "…" }`:
    /// care for the case's customer in the plugin's recovery campaign, keyed `case-ID` (with
    /// `occasion` appended when given), so each form is done once per case.
    func recover(_ arguments: LuaArguments, in context: PluginContext) throws {
        guard let recovery else {
            throw PluginAPIError("recover: the plugin declares no recovery campaign; add plugin:recovery { campaign = \"service-recovery\", currency = \"VND\", budget = { … } }")
        }
        guard let customer = feedback.customerID, let id = feedback.id else {
            throw PluginAPIError("recover: case \(feedback.id ?? 0) is from an anonymous contact; service recovery needs a customer")
        }
        let spec = try Self.table(arguments, "care", "{ letter = { template = \"apology\" }, call = { role = \"care-agent\", script = \"…\", after_days = 1 } }")
        try PolicyDeclaration.checkKeys(spec, ["letter", "call", "gift", "occasion"], "recover: unknown field")
        var occasion = "case-\(id)"
        if !spec["occasion"].isNil {
            guard let suffix = spec["occasion"].stringValue, !suffix.isEmpty, suffix.utf8.count <= 32, SegmentLabels.isValid(suffix), !suffix.contains("/") else {
                throw PluginAPIError("recover: occasion must be 1 to 32 bytes without '/', such as \"callback-2\"")
            }
            occasion += "-" + suffix
        }
        let forms: [(String, CareForm)] = [("gift", .gift), ("letter", .letter), ("call", .call)]
        guard forms.contains(where: { !spec[$0.0].isNil }) else { throw PluginAPIError("recover: give a letter, a call, a gift or several") }
        let campaign = self.campaign ?? CampaignScript(name: recovery.name, budget: recovery.budget, definedAt: recovery.definedAt)
        self.campaign = campaign
        let line = arguments.callerLocation ?? context.file
        for (field, form) in forms where !spec[field].isNil {
            guard var care = spec[field].tableValue, care.array.isEmpty else {
                throw PluginAPIError("recover: \(field) must be a table, such as \(field == "letter" ? "{ template = \"apology\" }" : "{ … }")")
            }
            var day = today
            if !care["after_days"].isNil {
                guard let after = care["after_days"].integerValue, (0...365).contains(after) else {
                    throw PluginAPIError("recover: \(field).after_days must be a whole number of days, 0 to 365")
                }
                day += Int(after)
                care["after_days"] = .nil
            }
            for key in ["customer", "occasion", "date"] where !care[key].isNil {
                throw PluginAPIError("recover: \(field).\(key) is the case's own; leave it out")
            }
            care["customer"] = .integer(customer.rawValue)
            care["occasion"] = .string(LuaString(occasion))
            care["date"] = .string(LuaString(CalendarDays.text(ofDay: day)))
            do {
                try campaign.add(form, spec: care, line: line, charge: { try arguments.luaState.charge($0) }, in: context)
            } catch let error as PluginAPIError {
                throw PluginAPIError("recover: \(field): \(error.message)")
            }
        }
    }

    private static func table(_ arguments: LuaArguments, _ name: String, _ example: String) throws -> LuaTable {
        let value = try arguments.value(2, name)
        guard let table = value.tableValue, table.array.isEmpty else { throw arguments.invalid(name, "expected a table such as \(example), got \(value.typeName)") }
        return table
    }
}
