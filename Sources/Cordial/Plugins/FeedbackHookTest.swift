import CordialCore
import CordialStore
import Foundation
import LuaHost

/// `test.hook(hook, case, event)`: runs one of the plugin's feedback hooks on a fixture case,
/// as the host would, and returns what it asked for instead of writing it.
enum FeedbackHookTest {
    static let caseKeys: Set<String> = [
        "id", "customer", "kind", "category", "severity", "channel", "status", "text", "language", "team", "owner", "csat", "nps",
    ]

    /// The fields of the fixture case table.
    static let caseFixture = LuaAPIClass("cordial.TestCase", "A fixture case for `test.hook`; every field is optional.", fields: [
        .init("id", "integer?", "the case's id (default 1): recovery is keyed `case-ID`"),
        .init("customer", "integer?", "a fixture customer's id (`test.customer`); none: an anonymous contact"),
        .init("kind", "string?", "default \"complaint\""),
        .init("category", "string?", "default the plugin's first category"),
        .init("severity", "string?", "default \"medium\""),
        .init("channel", "string?", "default \"phone\""),
        .init("status", "string?", "default \"received\""),
        .init("text", "string?", "the customer's words"),
        .init("language", "string?", "vi, zh, en"),
        .init("team", "string?", "the team that has it"),
        .init("owner", "integer?", "its owner's staff id"),
        .init("csat", "integer?", "1 to 5"),
        .init("nps", "integer?", "0 to 10"),
    ])

    static func run(_ arguments: LuaArguments, in context: PluginContext) throws -> LuaValue {
        _ = try PluginTestAPI.session(context)
        let name = try arguments.get(1, "hook", as: String.self)
        guard let hook = FeedbackHook(rawValue: name) else {
            throw arguments.invalid("hook", "'\(name.prefix(64))' is not a hook; known: \(FeedbackHook.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        guard let function = context.feedbackHookFunctions[hook] else { throw PluginAPIError("the plugin registers no '\(hook.rawValue)' hook (plugin:on)") }
        let fields = try arguments.value(2, "case").tableValue ?? LuaTable()
        try PolicyDeclaration.checkKeys(fields, caseKeys, "test.hook: unknown case field")
        let feedback = try fixture(fields, categories: context.registrations.feedbackCategories, today: context.run.today)
        let event = try arguments.value(3, "event")
        let second: LuaValue = event.isNil ? (hook == .created ? .table(LuaTable(hash: ["action": .string(LuaString("received"))])) : .table(LuaTable())) : event
        let zone = context.registrations.businessHours?.timeZone ?? .gmt
        let today = CalendarDays.day(of: context.run.today.addingTimeInterval(TimeInterval(zone.secondsFromGMT(for: context.run.today))))
        let handle = FeedbackCaseHandle(
            feedback: feedback, plugin: context.manifest?.name ?? "test", hook: hook,
            taxonomy: FeedbackTaxonomy(categories: Set(context.registrations.feedbackCategories)), today: today, recovery: context.registrations.recovery)
        let phase = context.phase
        context.phase = .handlingFeedback
        defer { context.phase = phase }
        _ = try function.call(LuaValue.object(LuaObjectBox(handle)), second, as: LuaValue.self)
        return .table(LuaTable(hash: [
            "changes": .table(LuaTable(array: handle.changes.map(table))),
            "recovery": .table(LuaTable(array: (handle.campaign?.actions ?? []).map(table))),
        ]))
    }

    private static func fixture(_ fields: LuaTable, categories: [String], today: Date) throws -> Feedback {
        func text(_ key: String) throws -> String? {
            guard !fields[key].isNil else { return nil }
            guard let value = fields[key].stringValue else { throw PluginAPIError("test.hook: case.\(key) must be text") }
            return value
        }
        func number(_ key: String) throws -> Int64? {
            guard !fields[key].isNil else { return nil }
            guard let value = fields[key].integerValue else { throw PluginAPIError("test.hook: case.\(key) must be an integer") }
            return value
        }
        func parsed<T: RawRepresentable<String>>(_ key: String, _ fallback: T) throws -> T {
            guard let name = try text(key) else { return fallback }
            guard let value = T(rawValue: name) else { throw PluginAPIError("test.hook: case.\(key) '\(name.prefix(40))' is not one") }
            return value
        }
        var feedback = Feedback(
            customerID: try number("customer").map { CustomerID($0) }, contact: nil, source: "test",
            channel: try parsed("channel", FeedbackChannel.phone), kind: try parsed("kind", FeedbackKind.complaint),
            category: try text("category") ?? categories.first ?? "general", severity: try parsed("severity", FeedbackSeverity.medium),
            text: try text("text") ?? "(fixture)", language: try text("language"), csat: try number("csat").map(Int.init), nps: try number("nps").map(Int.init),
            receivedAt: today)
        feedback.id = try number("id") ?? 1
        feedback.status = try parsed("status", FeedbackStatus.received)
        feedback.team = try text("team")
        feedback.ownerID = try number("owner")
        return feedback
    }

    private static func table(_ change: FeedbackHookChange) -> LuaValue {
        var table = LuaTable()
        switch change.change {
        case .assign(let owner, let team):
            table["action"] = "assign"
            table["owner"] = owner.map { .integer($0) } ?? .nil
            table["team"] = team.map { .string(LuaString($0)) } ?? .nil
        case .classify(let category, let severity):
            table["action"] = "classify"
            table["category"] = category.map { .string(LuaString($0)) } ?? .nil
            table["severity"] = severity.map { .string(LuaString($0.rawValue)) } ?? .nil
        case .note: table["action"] = "note"
        case .status(let status):
            table["action"] = "status"
            table["to"] = .string(LuaString(status.rawValue))
        case .satisfaction: table["action"] = "satisfaction"
        case .compensate: table["action"] = "compensate"
        }
        table["note"] = change.note.map { .string(LuaString($0)) } ?? .nil
        return .table(table)
    }

    private static func table(_ action: PlannedAction) -> LuaValue {
        var table = LuaTable()
        table["form"] = .string(LuaString(action.form.rawValue))
        table["campaign"] = .string(LuaString(action.campaign))
        table["occasion"] = .string(LuaString(action.occasion))
        table["date"] = .string(LuaString(CalendarDays.text(ofDay: action.actionDay)))
        table["customer"] = .integer(action.customerID.rawValue)
        for (key, value) in [("template", action.template), ("role", action.role), ("script", action.script), ("catalog", action.giftCatalog), ("item", action.giftItem)] {
            if let value { table[key] = .string(LuaString(value)) }
        }
        table["channel"] = .string(LuaString(action.channel.rawValue))
        return .table(table)
    }
}
