import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// `cordial.plugin` and the `Plugin` object: what `plugin.lua` declares and registers.
extension LuaAPI {
    static let plugins: [LuaAPIFunction] = [
        LuaAPIFunction(
            "plugin", "Declares the plugin (its manifest). `plugin.lua` calls it once and returns the result.",
            parameters: [.init("manifest", "cordial.Manifest", "name, version, api, description, permissions")],
            results: [.init("cordial.Plugin", "the plugin, on which segments are registered")], phase: .registering,
            example: """
                local cordial = require "cordial"
                local plugin = cordial.plugin {
                  name = "lifecycle", version = "1.0.0", api = 1,
                  description = "New, active, lapsing and lost customers",
                  permissions = { "customers.read" },
                }
                return plugin
                """
        ) { context, arguments in
            try PluginDeclaration.declare(try arguments.value(1, "manifest"), in: context)
        },
        LuaAPIFunction(
            "Plugin:segment", "Registers a segment: `classify` gets each customer and returns a label, or nil for none.",
            parameters: [
                .init("name", "string", "the segment's name, unique across plugins: lower-case letters, digits, dashes"),
                .init("options", "cordial.SegmentOptions", "description, the labels it may return, whether it needs RFM scores", optional: true),
                .init("classify", "fun(c: cordial.Customer): string?", "the label of customer `c`, or nil"),
            ],
            phase: .registering,
            example: """
                plugin:segment("big-spenders", { labels = { "big" } }, function(c)
                  if c.purchases.total >= 10000000 then return "big" end
                end)
                """
        ) { context, arguments in
            try PluginDeclaration.segment(arguments, in: context)
            return LuaNoValue()
        },
    ]
}
