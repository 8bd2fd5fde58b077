import Cordial
import CordialCore
import Foundation
import LuaHost
import Testing

@Suite final class PluginLoaderTests {
    let folder: PluginFolder
    let loader: PluginLoader

    init() throws {
        folder = try PluginFolder()
        loader = PluginLoader(chunkNameRoot: folder.root)
    }

    static let shipped = RunCommandTests.packageRoot.appendingPathComponent("plugins")

    @Test func theShippedPluginsLoadWithTheirSegments() throws {
        let registry = PluginRegistry(roots: [Self.shipped], loader: PluginLoader(chunkNameRoot: RunCommandTests.packageRoot))
        let report = registry.reload()
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(registry.plugins.map(\.name) == [
            "birthday-gifts", "care-priority", "ground-services", "key-accounts", "lifecycle", "new-year-letters", "organisation", "rfm",
            "service-letters", "thank-you-letters", "win-back-calls",
        ])
        let categories = registry.plugin(named: "ground-services")?.registrations.feedbackCategories ?? []
        #expect(categories.count == 34 && categories.contains("baggage/delayed") && categories.contains("special-assistance/wheelchair"))
        let approvals = try #require(registry.plugin(named: "organisation")?.registrations.approvals)
        #expect(approvals.levels.map(\.role) == ["marketing-lead", "director"] && approvals.freeCost == 20_000_000)
        #expect(approvals.definedAt == "plugins/organisation/plugin.lua:26")
        let policies = registry.plugins.flatMap(\.registrations.policies)
        #expect(policies.map(\.name).sorted() == [
            "birthday-gifts", "new-year-letters", "quarterly-visits", "season-letters", "thank-you-letters", "win-back-calls",
        ])
        let visits = try #require(policies.first { $0.name == "quarterly-visits" })
        #expect(visits.mostValuable == 60 && visits.items.first?.action == .visit(VisitCare(
            role: "account-manager", minutes: 90, within: 60, buffer: 45, ownManagerAttribute: "account_manager", cost: 300_000)))
        #expect(policies.first { $0.name == "birthday-gifts" }?.budget.perCustomer == 1_500_000)
        let rfm = try #require(registry.segment(named: "rfm"))
        #expect(rfm.segment.needsRFM)
        #expect(rfm.segment.labels?.contains("champions") == true)
        #expect(rfm.segment.definedAt == "plugins/rfm/plugin.lua:19")
        #expect(registry.plugin(named: "lifecycle")?.modules.keys.sorted() == ["thresholds"])
    }

    /// Every mistake an admin can make in plugin.lua, and where the error points.
    @Test(arguments: [
        ("local cordial = require \"cordial\"\nreturn cordial.plugin { name = \"bad\", version = \"1.0.0\", api = 1\n",
         "bad/plugin.lua:3", "'}' expected"),
        ("local cordial = require \"cordial\"\nreturn cordial.plugin { name = \"bad\", version = \"1.0.0\", api = 9 }",
         "bad/plugin.lua:2", "targets cordial API 9; this host provides API 1"),
        ("local cordial = require \"cordial\"\nreturn cordial.plugin { name = \"bad\", version = \"1.0.0\", api = 1,\n permissions = { \"customer.write\" } }",
         "bad/plugin.lua:2", "unknown permission 'customer.write'"),
        ("local cordial = require \"cordial\"\nreturn cordial.plugin { name = \"bad\", version = \"v1\", api = 1 }",
         "bad/plugin.lua:2", "version 'v1' is not a semantic version"),
        ("local cordial = require \"cordial\"\nreturn cordial.plugin { name = \"bad\", version = \"1.0.0\", api = 1, verison = \"2\" }",
         "bad/plugin.lua:2", "unknown manifest field 'verison'"),
        ("local cordial = require \"cordial\"\nreturn cordial.plugin { name = \"other\", version = \"1.0.0\", api = 1 }",
         "bad/plugin.lua", "named 'other' but its folder is 'bad'"),
        ("local cordial = require \"cordial\"\ncordial.plugin { name = \"bad\", version = \"1.0.0\", api = 1 }",
         "bad/plugin.lua", "must return cordial.plugin"),
        ("local cordial = require \"cordial\"\nlocal p = cordial.plugin { name = \"bad\", version = \"1.0.0\", api = 1 }\nwhile true do end",
         "bad/plugin.lua:3", "time limit of 0.25 s exceeded"),
        ("local cordial = require \"cordial\"\nlocal n = cordial.customers.count()",
         "bad/plugin.lua:2", "not available while a plugin registers"),
        ("local cordial = require \"cordial\"\nlocal p = cordial.plugin { name = \"bad\", version = \"1.0.0\", api = 1 }\np:segment(\"Bad Name\", function() end)\nreturn p",
         "bad/plugin.lua:3", "'Bad Name' is not a valid segment name"),
        ("local cordial = require \"cordial\"\nlocal p = cordial.plugin { name = \"bad\", version = \"1.0.0\", api = 1 }\np:segment(\"s\", { lables = {} }, function() end)\nreturn p",
         "bad/plugin.lua:3", "unknown option 'lables'"),
        ("local cordial = require \"cordial\"\nlocal util = require \"util\"\nreturn util",
         "bad/util.lua:2", "attempt to perform arithmetic"),
        ("local cordial = require \"cordial\"\nundefined_global()",
         "bad/plugin.lua:2", "undefined_global"),
    ])
    func mistakesAreLocated(source: String, location: String, message: String) throws {
        try folder.plugin("bad", ["plugin.lua": source, "util.lua": "local x = {}\nreturn x + 1\n"])
        let error = try #require(throws: PluginError.self) { try self.loader.load(directory: self.folder.root.appendingPathComponent("bad")) }
        #expect(error.location == location, "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    /// A name two plugins claim belongs to neither: whichever folder sorts first, an impostor
    /// never silently takes a genuine plugin's segment.
    @Test func aSegmentNameTwoPluginsClaimRefusesBothAtTheirLines() throws {
        try folder.segmentPlugin("aaa-impostor", segment: "value", body: "return 'a'")
        try folder.segmentPlugin("genuine", segment: "value", body: "return 'b'")
        try folder.segmentPlugin("other", segment: "other", body: "return 'c'")
        let registry = PluginRegistry(roots: [folder.root], loader: loader)
        let report = registry.reload()
        #expect(registry.plugins.map(\.name) == ["other"])
        #expect(report.problems.map(\.description) == [
            "aaa-impostor/plugin.lua:3: segment 'value' is also registered at genuine/plugin.lua:3; neither plugin is loaded",
            "genuine/plugin.lua:3: segment 'value' is also registered at aaa-impostor/plugin.lua:3; neither plugin is loaded",
        ])
    }

    @Test func modulesAreThePluginsOwn() throws {
        try folder.plugin("one", ["plugin.lua": """
            local cordial = require "cordial"
            local shared = require "shared"
            return cordial.plugin { name = "one", version = "1.0.0", api = 1, description = shared.text }
            """, "shared.lua": "return { text = 'from one' }", "lib/init.lua": "return {}"])
        try folder.plugin("two", ["plugin.lua": """
            local cordial = require "cordial"
            local shared = require "shared"
            return cordial.plugin { name = "two", version = "1.0.0", api = 1 }
            """])
        let registry = PluginRegistry(roots: [folder.root], loader: loader)
        let report = registry.reload()
        #expect(registry.plugin(named: "one")?.manifest.description == "from one")
        #expect(registry.plugin(named: "one")?.modules.keys.sorted() == ["lib", "shared"])
        #expect(report.problems.count == 1)
        #expect(report.problems.first?.location == "two/plugin.lua:2")
        #expect(report.problems.first?.message.contains("module 'shared' not found") == true)
    }

    @Test func aReloadSwapsChangedPluginsAndKeepsTheLastGoodVersionOfABrokenOne() throws {
        try folder.segmentPlugin("tiers", version: "1.0.0", body: "return 'v1'")
        let registry = PluginRegistry(roots: [folder.root], loader: loader)
        #expect(registry.reload().loaded == ["tiers"])
        let first = try #require(registry.plugin(named: "tiers"))

        // unchanged files: nothing reloads
        #expect(registry.reload().unchanged == ["tiers"])

        try folder.segmentPlugin("tiers", version: "1.1.0", body: "return 'v2'")
        let second = registry.reload()
        #expect(second.loaded == ["tiers"])
        #expect(registry.plugin(named: "tiers")?.manifest.version.description == "1.1.0")
        // a run that took the first set still holds version 1.0.0's text
        #expect(first.main.text.contains("'v1'"))

        try folder.plugin("tiers", ["plugin.lua": "local cordial = require 'cordial'\nreturn cordial.plugin { name = 'tiers',"])
        let broken = registry.reload()
        #expect(broken.kept == ["tiers"])
        #expect(broken.problems.first?.location == "tiers/plugin.lua:2")
        let kept = try #require(registry.plugin(named: "tiers"))
        #expect(kept.manifest.version.description == "1.1.0")
        #expect(kept.main.text.contains("'v2'"))
        #expect(registry.problems.count == 1)

        try FileManager.default.removeItem(at: folder.root.appendingPathComponent("tiers"))
        #expect(registry.reload().removed == ["tiers"])
        #expect(registry.plugins.isEmpty)
    }

    @Test func aNewPluginFromTheTemplateChecksAndPassesItsTests() async throws {
        let directory = try PluginTemplate.create(name: "spend", in: folder.root)
        let plugin = try loader.load(directory: directory)
        #expect(plugin.segments.map(\.name) == ["spend"])
        let results = await PluginTestRunner(loader: loader).results(of: plugin)
        #expect(results.count == 2)
        #expect(results.allSatisfy { $0.failure == nil }, "\(results.compactMap(\.failure))")
        #expect(throws: PluginError.self) { try PluginTemplate.create(name: "spend", in: self.folder.root) }
        #expect(throws: PluginError.self) { try PluginTemplate.create(name: "Spend Money", in: self.folder.root) }
    }

    @Test func theShippedPluginsPassTheirTests() async throws {
        let loader = PluginLoader(chunkNameRoot: RunCommandTests.packageRoot)
        for name in ["care-priority", "lifecycle", "rfm"] {
            let plugin = try loader.load(directory: Self.shipped.appendingPathComponent(name))
            let results = await PluginTestRunner(loader: loader).results(of: plugin)
            #expect(results.count >= 5)
            #expect(results.allSatisfy { $0.failure == nil }, "\(results.compactMap(\.failure))")
        }
    }

    @Test func aFailingPluginTestIsReportedAtItsLine() async throws {
        try folder.segmentPlugin("spend", body: "if c.purchases.total > 100 then return 'big' end return 'small'")
        try folder.plugin("spend", ["tests/spend_test.lua": """
            local test = require "cordial.test"
            test.case("passes", function()
              test.equal(test.classify("spend", test.customer { purchases = { { days_ago = 1, amount = 500 } } }), "big")
            end)
            test.case("fails", function()
              local id = test.customer {}
              test.equal(test.classify("spend", id), "big", "a customer without purchases")
            end)
            test.case("errors", function()
              test.classify("nope", 1)
            end)
            """])
        let plugin = try loader.load(directory: folder.root.appendingPathComponent("spend"))
        let results = await PluginTestRunner(loader: loader).results(of: plugin)
        #expect(results.map(\.name) == ["spend_test.lua: passes", "spend_test.lua: fails", "spend_test.lua: errors"])
        #expect(results[0].failure == nil)
        #expect(results[1].failure?.location == "spend/tests/spend_test.lua:7")
        #expect(results[1].failure?.message.contains("a customer without purchases: expected \"big\", got \"small\"") == true)
        #expect(results[2].failure?.location == "spend/tests/spend_test.lua:10")
        #expect(results[2].failure?.message.contains("registers no segment 'nope'") == true)
    }

    /// A test that makes the plugin fail is reported at the plugin's own line, once: an
    /// undeclared label at its `return`, a time limit at the loop, not at the test's call.
    @Test func aPluginThatFailsInATestIsReportedAtThePluginsLine() async throws {
        try folder.plugin("tiers", [
            "plugin.lua": """
                local cordial = require "cordial"
                local plugin = cordial.plugin { name = "tiers", version = "1.0.0", api = 1 }
                plugin:segment("tiers", { labels = { "big", "small" } }, function(c)
                  if c.tier == "loop" then while true do end end
                  if c.purchases.count > 0 then
                    return "smal"
                  end
                  return nil
                end)
                return plugin
                """,
            "tests/tiers_test.lua": """
                local test = require "cordial.test"
                test.case("small", function()
                  test.equal(test.classify("tiers", test.customer { purchases = { { days_ago = 1, amount = 5 } } }), "small")
                end)
                test.case("loops", function()
                  test.classify("tiers", test.customer { tier = "loop" })
                end)
                """,
        ])
        let plugin = try loader.load(directory: folder.root.appendingPathComponent("tiers"))
        var runner = PluginTestRunner(loader: loader)
        runner.limits = LuaLimits(memoryBytes: 64 << 20, timeSeconds: 5)
        let results = await runner.results(of: plugin)
        #expect(results.map(\.failure?.description) == [
            "tiers/plugin.lua:6: segment 'tiers' returned 'smal', which is not one of its labels",
            "tiers/plugin.lua:4: time limit of 5 s exceeded",
        ])
    }
}
