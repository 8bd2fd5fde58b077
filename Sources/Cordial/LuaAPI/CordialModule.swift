import CordialCore
import LuaHost

/// Installs `require "cordial"` in a state, from ``LuaAPI``'s table. Every function is
/// installed through ``LuaAPIFunction/checkCall(_:in:)``: its spec's phase, permission and
/// parameter types are enforced here, in one place, before its body runs.
enum CordialModule {
    /// The metatable of a view's data table (behind its read-only proxy, CLuaHost/view.c):
    /// the `known` keys read nil when the customer has no value for them, any other key
    /// raises `unknown` (a format with one `%s`, the key) at the script's line (level 3: the
    /// proxy's C `__index` is between). The names and the message are written into the chunk
    /// as they are (plain identifiers and text).
    static func strictMetatable(known: [String], unknown: String) -> String {
        """
        local error, format, tostring = error, string.format, tostring
        local known = { \(known.map { "[\"\($0)\"] = true" }.joined(separator: ", ")) }
        return {
          __index = function(_, key)
            if known[key] then return nil end
            error(format("\(unknown)", tostring(key)), 3)
          end,
          __metatable = false,
        }
        """
    }

    /// The metatable customer views (and their `purchases`) share: the documented fields
    /// (``LuaAPI``'s customer and purchase-summary tables) read nil when the customer has no
    /// value for them (no tier, no purchase yet); unknown fields are errors.
    static var strictViewMetatable: String {
        let known = LuaAPI.classes.filter { ["cordial.Customer", "cordial.PurchaseSummary"].contains($0.name) }.flatMap(\.fields).map(\.name)
        return strictMetatable(known: known, unknown: "no field '%s' in this customer view (see docs/lua-api.md)")
    }

    /// The metatable of `c.value` in runs whose segments did not ask for the stored figures:
    /// reading one says how to ask, instead of a silent nil. `rfm` reads nil when absent (a
    /// customer who never bought, or a segment without `rfm = true`), as before value fits.
    static let unloadedValueMetatable = strictMetatable(
        known: ["rfm"], unknown: "c.value.%s is not loaded in this run: declare value = true in the segment's options")

    /// The metatable of `c.segments`: `known` names read nil when the customer has no label
    /// in them; others are errors listing the known ones (segment names are lower-case
    /// letters, digits and dashes).
    static func segmentsMetatable(known: Set<String>) -> String {
        let names = known.filter(PluginManifest.isValidName).sorted()
        let list = names.isEmpty ? "none has been registered or run" : "known: " + names.joined(separator: ", ")
        return strictMetatable(known: names, unknown: "no segment '%s' in c.segments (\(list))")
    }

    static func install(in state: LuaState, context: PluginContext, module name: String = "cordial") throws {
        if context.viewMetatables.view == nil {
            context.viewMetatables = ViewMetatables(
                view: try state.load(strictViewMetatable, chunkName: "=[sandbox]").call(as: LuaReference.self),
                unloadedValue: try state.load(unloadedValueMetatable, chunkName: "=[sandbox]").call(as: LuaReference.self),
                segments: try state.load(
                    segmentsMetatable(known: context.environment.knownSegments), chunkName: "=[sandbox]").call(as: LuaReference.self))
        }

        var pluginType = LuaObjectType<PluginHandle>("Plugin")
        pluginType.field("name") { $0.manifest.name }
        pluginType.field("version") { $0.manifest.version.description }
        pluginType.field("api") { Int64($0.manifest.api) }
        pluginType.description { "plugin \($0.manifest.name) \($0.manifest.version)" }
        var campaignType = LuaObjectType<CampaignScriptHandle>("Campaign")
        campaignType.field("name") { $0.campaign.name }
        campaignType.field("actions") { Int64($0.campaign.actions.count) }
        campaignType.description { "campaign \($0.campaign.name)" }

        var caseMethods: [String: (LuaArguments) throws -> any LuaPushable] = [:]
        var namespaces: [String: LuaTable] = [:]
        var module = LuaTable()
        for spec in LuaAPI.functions where spec.module == name {
            let call: (LuaArguments) throws -> any LuaPushable = { arguments in
                try spec.checkCall(arguments, in: context)
                return try spec.body(context, arguments)
            }
            if spec.isMethod {
                if spec.owner == "Campaign" {
                    campaignType.method(spec.member) { _, arguments in try call(arguments) }
                } else if spec.owner == "Case" {
                    caseMethods[spec.member] = call
                } else {
                    pluginType.method(spec.member) { _, arguments in try call(arguments) }
                }
                continue
            }
            let function = state.dynamicFunction(spec.qualifiedName, call)
            if let owner = spec.owner {
                namespaces[owner, default: LuaTable()][spec.member] = .function(function)
            } else {
                module[spec.name] = .function(function)
            }
        }
        for (name, table) in namespaces { module[name] = .table(table) }
        if name == "cordial" {
            module["api"] = .integer(Int64(CordialVersion.luaAPI))
            try state.register(pluginType)
            try state.register(campaignType)
            try FeedbackCaseHandle.register(in: state, methods: caseMethods)
        }
        try state.registerModule(name, .table(module))
    }
}
