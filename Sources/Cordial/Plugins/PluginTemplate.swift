import CordialCore
import Foundation

/// `cordial plugins new NAME`: a plugin folder that loads, checks and passes its test as
/// created, for an admin to change.
public enum PluginTemplate {
    public static func create(name: String, in root: URL) throws -> URL {
        guard PluginManifest.isValidName(name) else {
            throw PluginError(location: name, message: "'\(name)' is not a valid plugin name: use lower-case letters, digits and dashes, starting with a letter")
        }
        let directory = root.appendingPathComponent(name)
        guard !FileManager.default.fileExists(atPath: directory.path) else {
            throw PluginError(location: directory.path, message: "already exists; choose another name or edit that plugin")
        }
        let manager = FileManager.default
        try manager.createDirectory(at: directory.appendingPathComponent("tests"), withIntermediateDirectories: true)
        try manager.createDirectory(at: directory.appendingPathComponent("letters"), withIntermediateDirectories: true)
        try plugin(name).write(to: directory.appendingPathComponent("plugin.lua"), atomically: true, encoding: .utf8)
        try test(name).write(to: directory.appendingPathComponent("tests/\(name)_test.lua"), atomically: true, encoding: .utf8)
        try "".write(to: directory.appendingPathComponent("letters/.keep"), atomically: true, encoding: .utf8)
        return directory
    }

    static func plugin(_ name: String) -> String {
        """
        -- \(name): a segment plugin. See docs/plugin-guide.md and docs/lua-api.md.
        local cordial = require "cordial"

        local plugin = cordial.plugin {
          name = "\(name)",
          version = "0.1.0",
          api = \(CordialVersion.luaAPI),
          description = "What this plugin is for, in one line",
          permissions = {},
        }

        -- Called once per customer in `cordial segments run`; return a label, or nil for none.
        plugin:segment("\(name)", {
          description = "Customers by how much they have spent",
          labels = { "big", "small" },
        }, function(c)
          if c.purchases.count == 0 then return nil end
          if c.purchases.total >= 10000000 then return "big" end
          return "small"
        end)

        return plugin

        """
    }

    static func test(_ name: String) -> String {
        """
        local test = require "cordial.test"

        test.case("a customer who spent 12 million is big", function()
          local id = test.customer { purchases = { { days_ago = 10, amount = 12000000 } } }
          test.equal(test.classify("\(name)", id), "big")
        end)

        test.case("a customer who never bought has no label", function()
          local id = test.customer {}
          test.equal(test.classify("\(name)", id), nil)
        end)

        """
    }
}
