import Cordial
import CordialCore
import Foundation
import Testing

/// `plugin:feedback_categories`: a taxonomy declared as nested tables, refused at the
/// plugin's line when it does not read, and what `FeedbackTaxonomy` tells staff who file a
/// case under a category no plugin declares.
@Suite struct FeedbackCategoriesTests {
    let folder: PluginFolder
    let loader: PluginLoader

    init() throws {
        folder = try PluginFolder()
        loader = PluginLoader(chunkNameRoot: folder.root)
    }

    func load(_ categories: String) throws -> Plugin {
        try? FileManager.default.removeItem(at: folder.root.appendingPathComponent("care"))
        return try loader.load(directory: try folder.plugin("care", ["plugin.lua": """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "care", version = "1.0.0", api = 1 }
            plugin:feedback_categories \(categories)
            return plugin
            """]))
    }

    @Test func nestedTablesBecomePathsAtEveryLevel() throws {
        let plugin = try load("""
            { delay = { "departure", "arrival" }, baggage = { "lost", damaged = { "bag", "contents" } }, ["check-in"] = {}, ["hành-lý"] = { "trễ" } }
            """)
        #expect(plugin.registrations.feedbackCategories == [
            "baggage", "baggage/damaged", "baggage/damaged/bag", "baggage/damaged/contents", "baggage/lost", "check-in", "delay", "delay/arrival",
            "delay/departure", "hành-lý", "hành-lý/trễ",
        ])
        #expect(plugin.registrations.feedbackCategoriesDefinedAt == "care/plugin.lua:3")
        let taxonomy = FeedbackTaxonomy(plugins: [plugin])
        #expect(taxonomy.problem("baggage/damaged/bag") == nil)
        #expect(taxonomy.problem("baggage") == nil, "a parent is a category too")
        #expect(taxonomy.problem("baggage/damaged/box") == "no feedback category 'baggage/damaged/box' under 'baggage/damaged'; known: baggage/damaged/bag, baggage/damaged/contents")
        #expect(taxonomy.problem("luggage") == "no feedback category 'luggage'; known: baggage, check-in, delay, hành-lý")
        #expect(taxonomy.problem("Baggage/Lost") == "'Baggage/Lost' is not a path of lower-case names, digits and dashes (baggage/delayed)")
        #expect(FeedbackTaxonomy(plugins: []).problem("baggage") == "no plugin declares feedback categories (plugin:feedback_categories); see docs/plugin-guide.md")
    }

    @Test func aTaxonomyThatDoesNotReadIsRefusedAtItsLine() throws {
        for (categories, message) in [
            ("{ \"delay\" }", "care/plugin.lua:3: Plugin:feedback_categories: invalid 'categories': expected the top categories by name, each with a table of those under it, such as { baggage = { \"delayed\", \"damaged\" }, [\"check-in\"] = {} }; got a list"),
            ("{ delay = \"departure\" }", "care/plugin.lua:3: Plugin:feedback_categories: 'delay' must have a table of the categories under it ({} for none)"),
            ("{ Delay = {} }", "care/plugin.lua:3: Plugin:feedback_categories: 'Delay' is not a path of lower-case names"),
            ("{ delay = { \"a/b\" } }", "care/plugin.lua:3: Plugin:feedback_categories: 'a/b' is not a name: nest a table"),
            ("{ a = { b = { c = { d = { \"e\" } } } } }", "care/plugin.lua:3: Plugin:feedback_categories: 'a/b/c/d/e' is not a path of one to four names"),
            ("{ delay = { \"x\", x = {} } }", "care/plugin.lua:3: Plugin:feedback_categories: 'delay/x' is declared twice"),
            ("{ delay = { 42 } }", "care/plugin.lua:3: Plugin:feedback_categories: a category name must be text, not number"),
        ] {
            let refused = try #require(throws: PluginError.self) { try load(categories) }
            #expect(refused.description.hasPrefix(message), "\(categories): \(refused.description)")
        }
    }
}
