import CordialCore
import Foundation
import LuaHost

/// `plugin:on`, `plugin:recovery` and the `Case` object feedback hooks are handed.
extension LuaAPI {
    static let feedbackHooks: [LuaAPIFunction] = [
        LuaAPIFunction(
            "Plugin:on", "Registers a feedback hook: `feedback.created` (a case was taken in), `feedback.updated` (a step, an assignment, a note, compensation, a new filing) or `feedback.breached` (a clock ran past its deadline). The host calls it once per event, under the plugin's limits, with the case and the event; what it asks of the case (`case:assign`, `:classify`, `:note`, `:recover`) is written once, with the record that it ran, when it returns. A hook that fails changes nothing and is not called again for that event: `cordial feedback hooks --failed` shows why. Steps a hook makes call no hooks.",
            parameters: [
                .init("hook", "string", "\"feedback.created\", \"feedback.updated\" or \"feedback.breached\""),
                .init("handler", "fun(case: cordial.Case, event: cordial.FeedbackEvent)", "called with the case and the step (for breaches, a cordial.Breach)"),
            ],
            phase: .registering,
            example: """
                plugin:on("feedback.created", function(case, event)
                  if case.kind == "complaint" and case.severity == "critical" then
                    case:assign { team = "supervisors", note = "critical complaint: a supervisor handles it" }
                  end
                end)
                """
        ) { context, arguments in
            try FeedbackHookDeclaration.on(arguments, in: context)
            return LuaNoValue()
        },
        LuaAPIFunction(
            "Plugin:recovery", "Declares the campaign the plugin's hooks plan service recovery in (`case:recover`): its name and budget. The budget holds across every case: the campaign ledger counts what each plan of the campaign spent.",
            parameters: [.init("spec", "cordial.RecoveryCampaignSpec", "campaign, currency, budget")],
            phase: .registering,
            example: """
                plugin:recovery { campaign = "ground-recovery", currency = "VND", budget = { total = 50000000, per_customer = 1000000 } }
                """
        ) { context, arguments in
            try FeedbackHookDeclaration.recovery(arguments, in: context)
            return LuaNoValue()
        },
        caseMethod(
            "Case:assign", "Gives the case to a member of staff, to a team's queue, or both (an escalation).",
            .init("assignment", "cordial.CaseAssignment", "owner (a staff id or exact name), team, note"), permission: .feedbackWrite
        ) { handle, context, arguments in try handle.assign(arguments, in: context) },
        caseMethod(
            "Case:classify", "Files the case again: another category the plugins declare, another severity, or both.",
            .init("filing", "cordial.CaseFiling", "category, severity, note"), permission: .feedbackWrite
        ) { handle, _, arguments in try handle.classify(arguments) },
        caseMethod(
            "Case:note", "Adds a note to the case's history.", .init("text", "string", "the note, up to 4096 bytes"), permission: .feedbackWrite
        ) { handle, _, arguments in try handle.note(arguments) },
        caseMethod(
            "Case:recover", "Plans service recovery for the case's customer in the plugin's recovery campaign (`plugin:recovery`): a letter, a call, a gift. Each is keyed by the case (`case-ID`, plus `occasion` when given), so it is done once however often the hook fires; the plan is applied at once unless the organisation's approval levels ask for a member of staff's approval.",
            .init("care", "cordial.RecoveryCare", "letter, call, gift, occasion"), permission: .campaignsPlan
        ) { handle, context, arguments in try handle.recover(arguments, in: context) },
    ]

    /// The shapes of the hooks' arguments and of what the case's methods take.
    static let feedbackClasses: [LuaAPIClass] = [
        LuaAPIClass("cordial.Case", "A feedback case as a hook sees it, as it stands when the hook runs: read-only fields, and methods that ask for changes (written once, when the hook returns).", fields: [
            .init("id", "integer", "the case's id (FB-42 is 42)"),
            .init("customer", "integer?", "the customer's store id; nil for an anonymous contact"),
            .init("source", "string", "where it was taken in (\"cordial\", an import's source)"),
            .init("external_id", "string?", "its id in that source"),
            .init("channel", "string", "phone, email, web, in-person, social, letter"),
            .init("kind", "string", "complaint, compliment, suggestion, question"),
            .init("category", "string", "a category the plugins declare, \"baggage/delayed\""),
            .init("severity", "string", "low, medium, high, critical"),
            .init("status", "string", "where it stands in the workflow (received, acknowledged, …)"),
            .init("text", "string", "the customer's words"),
            .init("language", "string?", "vi, zh, en, …"),
            .init("csat", "integer?", "satisfaction 1…5, where given"),
            .init("nps", "integer?", "likelihood to recommend 0…10, where given"),
            .init("owner", "integer?", "the staff id of its owner"),
            .init("team", "string?", "the team that has it"),
            .init("received", "string", "when it was received, \"2025-03-01T09:30:00Z\""),
            .init("version", "integer", "its version (each change adds one)"),
        ]),
        LuaAPIClass("cordial.FeedbackEvent", "The step `feedback.created` and `feedback.updated` are called for.", fields: [
            .init("id", "integer", "the step's id"),
            .init("action", "string", "received, status, assigned, note, compensation, classified"),
            .init("at", "string", "when, \"2025-03-01T09:30:00Z\""),
            .init("by", "integer?", "the staff id of who took the step; nil for an import"),
            .init("from", "string?", "the status before (status steps)"),
            .init("to", "string?", "the status after (status steps; the first status of a received case)"),
            .init("note", "string?", "the step's note"),
            .init("compensation", "{form: string, amount: string, currency: string}?", "what a compensation step granted (the amount as exact decimal text)"),
        ]),
        LuaAPIClass("cordial.Breach", "The late clock `feedback.breached` is called for (once per case and clock).", fields: [
            .init("clock", "string", "\"first-contact\", \"resolution\" or \"callback\""),
            .init("standard", "string", "the service standard (`plugin:feedback_sla`) the case is held to"),
            .init("due", "string", "when it was due"),
            .init("late_minutes", "integer", "how late, in minutes of wall-clock time, when the hook runs"),
        ]),
        LuaAPIClass("cordial.RecoveryCampaignSpec", "What `plugin:recovery` takes.", fields: [
            .init("campaign", "string", "the campaign's name: lower-case letters, digits and dashes"),
            .init("currency", "string?", "of its budget and costs (default \"VND\")"),
            .init("budget", "cordial.Budget?", "total, per customer, per period: across every case"),
        ]),
        LuaAPIClass("cordial.RecoveryCare", "What `case:recover` takes: one or more of letter, call and gift (the customer, occasion and date are the case's).", fields: [
            .init("letter", "{template: string, channel: string?, cost: number|string?, after_days: integer?}?", "a letter from a template (`case.*` in its context is the case)"),
            .init("call", "{role: string, script: string, cost: number|string?, after_days: integer?}?", "a call by an agent of the role, `after_days` days from now (default 0)"),
            .init("gift", "{catalog: string, item: string, after_days: integer?}?", "a gift from the catalog"),
            .init("occasion", "string?", "appended to `case-ID` for a second round of care on the same case (\"callback-2\")"),
        ]),
        LuaAPIClass("cordial.CaseAssignment", "What `case:assign` takes: an owner, a team or both.", fields: [
            .init("owner", "integer|string?", "a member of staff's id or exact name"),
            .init("team", "string?", "the team's name (its working hours apply to the case's clocks)"),
            .init("note", "string?", "why, for the case's history"),
        ]),
        LuaAPIClass("cordial.CaseFiling", "What `case:classify` takes: a category, a severity or both.", fields: [
            .init("category", "string?", "a category the plugins declare"),
            .init("severity", "string?", "low, medium, high, critical"),
            .init("note", "string?", "why, for the case's history"),
        ]),
    ]

    private static func caseMethod(
        _ name: String, _ summary: String, _ parameter: LuaAPIFunction.Parameter, permission: Permission,
        _ body: @escaping @Sendable (FeedbackCaseHandle, PluginContext, LuaArguments) throws -> Void
    ) -> LuaAPIFunction {
        LuaAPIFunction(
            name, summary + " Only from a feedback hook; checked now, written when the hook returns.", parameters: [parameter],
            permission: permission, phase: .hook
        ) { context, arguments in
            let handle = try arguments.object(1, "case", as: FeedbackCaseHandle.self)
            try handle.checkOpen()
            try body(handle, context, arguments)
            return LuaNoValue()
        }
    }
}
