import CordialCore
import Foundation
import Logging
import LuaHost

/// The letters of the plugins in service: which plugin's template a letter uses, and one
/// renderer per plugin (with its lambdas, in a state of its own). Used on one thread.
public final class LetterDesk {
    public let plugins: [Plugin]
    public let settings: LetterSettings?
    let loader: PluginLoader
    let logger: Logger
    let limits: LuaLimits
    private var renderers: [String: LetterRenderer] = [:]
    private var instances: [PluginInstance] = []

    /// Lambdas run under these limits, per call.
    public static let lambdaLimits = LuaLimits(memoryBytes: 32 << 20, timeSeconds: 1)

    public init(plugins: [Plugin], loader: PluginLoader = PluginLoader(), logger: Logger = Logger(label: "cordial.letters"),
                limits: LuaLimits = LetterDesk.lambdaLimits) {
        self.plugins = plugins
        self.settings = plugins.compactMap(\.registrations.letters).first
        self.loader = loader
        self.logger = logger
        self.limits = limits
    }

    /// The plugin whose template `name` a letter uses and the template's own name: for
    /// `plugin/name`, that plugin's; else the preferred plugin's (the policy's own), else the
    /// only plugin that has one.
    public func plugin(forTemplate name: String, preferring preferred: String? = nil) throws(PluginError) -> (Plugin, String) {
        if let slash = name.firstIndex(of: "/") {
            let pluginName = String(name[..<slash]), template = String(name[name.index(after: slash)...])
            guard let plugin = plugins.first(where: { $0.name == pluginName }) else {
                throw PluginError(location: "letters", message: "no plugin '\(pluginName)' is loaded")
            }
            guard plugin.letters.templates[template] != nil else {
                throw PluginError(location: "letters", message: "plugin '\(pluginName)' has no letter template '\(template)'")
            }
            return (plugin, template)
        }
        if let preferred, let plugin = plugins.first(where: { $0.name == preferred }), plugin.letters.templates[name] != nil {
            return (plugin, name)
        }
        let having = plugins.filter { $0.letters.templates[name] != nil }
        switch having.count {
        case 1: return (having[0], name)
        case 0: throw PluginError(location: "letters", message: "no plugin has a letter template '\(name)' (letters/\(name).LOCALE.mustache)")
        default:
            throw PluginError(
                location: "letters",
                message: "plugins \(having.map(\.name).joined(separator: " and ")) each have a template '\(name)'; name one as PLUGIN/\(name)")
        }
    }

    /// The renderer of `plugin`'s letters; its lambdas live in a state made on first use.
    public func renderer(for plugin: Plugin) throws(PluginError) -> LetterRenderer {
        if let renderer = renderers[plugin.name] { return renderer }
        var lambdas: LetterLambdas?
        if !plugin.registrations.lambdas.isEmpty {
            // No store: a lambda shapes text; it does not read or change customers.
            let instance = try loader.instantiate(plugin, store: nil, logger: logger, limits: limits)
            instances.append(instance)
            lambdas = LetterLambdas(instance.context.letterLambdas)
        }
        let renderer = LetterRenderer(library: plugin.letters, settings: settings, lambdas: lambdas)
        renderers[plugin.name] = renderer
        return renderer
    }

    /// Template `name` rendered for `customer`.
    public func render(
        _ name: String, preferring plugin: String? = nil, customer: Customer, locale: String? = nil, occasion: LetterOccasion = LetterOccasion(),
        letterDay: Int
    ) throws(PluginError) -> RenderedLetter {
        let (owner, template) = try self.plugin(forTemplate: name, preferring: plugin)
        return try renderer(for: owner).render(template, customer: customer, locale: locale, occasion: occasion, letterDay: letterDay)
    }
}
