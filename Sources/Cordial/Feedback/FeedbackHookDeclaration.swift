import CordialCore
import Foundation
import LuaHost

/// The moments a plugin's feedback hooks are called at (`plugin:on`).
public enum FeedbackHook: String, CaseIterable, Sendable, Codable {
    /// A case was taken in (added, imported).
    case created = "feedback.created"
    /// A case changed: a step, an assignment, a note, compensation, a new filing, satisfaction.
    case updated = "feedback.updated"
    /// One of a case's clocks (first contact, resolution, callback) ran past its deadline.
    case breached = "feedback.breached"

    /// The hook a recorded step is delivered to.
    public static func of(_ event: FeedbackEvent) -> FeedbackHook {
        event.action == .received ? .created : .updated
    }
}

/// A hook a plugin registered with `plugin:on`.
public struct FeedbackHookRegistration: Sendable, Hashable {
    public var hook: FeedbackHook
    /// `plugins/ground-services/plugin.lua:80`
    public var definedAt: String

    public init(hook: FeedbackHook, definedAt: String) {
        self.hook = hook
        self.definedAt = definedAt
    }
}

/// The campaign a plugin's hooks plan service recovery in (`plugin:recovery`): its name and
/// budget, which hold across every case (the ledger counts what each plan of the campaign
/// spent).
public struct RecoveryCampaign: Sendable, Hashable {
    public var name: String
    public var budget: CareBudget
    public var definedAt: String
}

/// `plugin:on(hook, function)` and `plugin:recovery { … }`, checked while `plugin.lua` loads.
enum FeedbackHookDeclaration {
    static func on(_ arguments: LuaArguments, in context: PluginContext) throws {
        let name = try arguments.get(2, "hook", as: String.self)
        guard let hook = FeedbackHook(rawValue: name) else {
            throw arguments.invalid("hook", "'\(name.prefix(64))' is not a hook; known: \(FeedbackHook.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let value = try arguments.value(3, "handler")
        guard let function = value.functionValue else { throw arguments.invalid("handler", "expected a function(case, event), got \(value.typeName)") }
        let definedAt = arguments.callerLocation ?? context.file
        if let first = context.registrations.feedbackHooks.first(where: { $0.hook == hook }) {
            throw PluginAPIError("a handler for '\(hook.rawValue)' is registered twice (first at \(first.definedAt)); do both things in one function")
        }
        context.registrations.feedbackHooks.append(FeedbackHookRegistration(hook: hook, definedAt: definedAt))
        context.feedbackHookFunctions[hook] = function
    }

    static func recovery(_ arguments: LuaArguments, in context: PluginContext) throws {
        let value = try arguments.value(2, "spec")
        guard let spec = value.tableValue, spec.array.isEmpty else {
            throw arguments.invalid("spec", "expected a table such as { campaign = \"service-recovery\", currency = \"VND\", budget = { total = 50000000 } }, got \(value.typeName)")
        }
        try PolicyDeclaration.checkKeys(spec, ["campaign", "currency", "budget"], "recovery: unknown field")
        guard let name = spec["campaign"].stringValue, PluginManifest.isValidName(name) else {
            throw PluginAPIError("recovery: campaign must be a campaign name in lower-case letters, digits and dashes, such as \"service-recovery\"")
        }
        guard context.registrations.recovery == nil else { throw PluginAPIError("the recovery campaign is declared twice") }
        let currency = try PolicyDeclaration.currencyCode(spec["currency"], "recovery")
        let budget = try PolicyDeclaration.budget(spec["budget"], currency: currency, "recovery")
        context.registrations.recovery = RecoveryCampaign(name: name, budget: budget, definedAt: arguments.callerLocation ?? context.file)
    }
}
