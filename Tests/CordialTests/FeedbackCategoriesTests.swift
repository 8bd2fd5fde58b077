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

    func loadStandards(_ lua: String) throws -> Plugin {
        try? FileManager.default.removeItem(at: folder.root.appendingPathComponent("care"))
        return try loader.load(directory: try folder.plugin("care", ["plugin.lua": """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "care", version = "1.0.0", api = 1 }
            \(lua)
            return plugin
            """]))
    }

    @Test func hoursAndStandardsAreReadAndRefusedAtTheirLine() throws {
        let plugin = try loadStandards("""
            plugin:business_hours { time_zone = "Asia/Shanghai", hours = { ["mon-fri"] = { "09:00-18:00" } }, calendar = "zh", closed = { { holiday = "spring-festival", after = 6 }, "national-day", "2025-05-02" }, teams = { airport = { hours = { ["sun-sat"] = { "06:00-22:00" } } } } }
            plugin:feedback_sla("urgent", { kind = "complaint", severity = { "high", "critical" }, segment = "value-tier:gold", first_contact = "2h", resolution = "3bd", callback = { within = "2d" } })
            """)
        let hours = try #require(plugin.registrations.businessHours)
        #expect(hours.timeZone.identifier == "Asia/Shanghai" && hours.weekly[2] == [540..<1_080] && hours.weekly[1] == nil)
        #expect(hours.teams["airport"]?.weekly.count == 7 && hours.definedAt == "care/plugin.lua:3")
        // Spring Festival 2025 is 29 January: closed then and six days after; National Day; 2 May.
        let days = hours.hours(team: nil, years: 2025...2025).closedDays
        #expect(days == Set((0...6).map { CalendarDays.day(of: "2025-01-29")! + $0 } + [CalendarDays.day(of: "2025-10-01")!, CalendarDays.day(of: "2025-05-02")!]))
        let sla = try #require(plugin.registrations.feedbackSLAs.first)
        #expect(sla.kinds == [.complaint] && sla.severities == [.high, .critical] && sla.segment == "value-tier" && sla.label == "gold")
        #expect(sla.firstContact == .minutes(120) && sla.resolution == .businessDays(3) && sla.callbackWithin == .calendarMinutes(2_880))
        #expect(sla.pauseIn == [.solutionProposed] && sla.definedAt == "care/plugin.lua:4")

        for (lua, message) in [
            ("plugin:business_hours { time_zone = \"Mars/Olympus\", hours = { mon = { \"09:00-17:00\" } } }", "care/plugin.lua:3: Plugin:business_hours: time_zone must be a time zone"),
            ("plugin:business_hours { time_zone = \"UTC\", hours = { mon = { \"17:00-09:00\" } } }", "care/plugin.lua:3: Plugin:business_hours: hours.mon: '17:00-09:00' is not hours"),
            ("plugin:business_hours { time_zone = \"UTC\", hours = { funday = { \"09:00-17:00\" } } }", "care/plugin.lua:3: Plugin:business_hours: hours: 'funday' is not a day"),
            ("plugin:business_hours { time_zone = \"UTC\", hours = { mon = { \"09:00-13:00\", \"12:00-17:00\" } } }", "care/plugin.lua:3: Plugin:business_hours: hours.mon: hours overlap"),
            ("plugin:business_hours { time_zone = \"UTC\", hours = { mon = { \"09:00-17:00\" } }, closed = { \"tet\" } }", "care/plugin.lua:3: Plugin:business_hours: closed: 'tet' is a holiday: give the calendar"),
            ("plugin:business_hours { time_zone = \"UTC\", hours = { mon = { \"09:00-17:00\" } }, calendar = \"vi\", closed = { \"christmas-eve\" } }", "care/plugin.lua:3: Plugin:business_hours: closed: 'christmas-eve' is not a holiday of calendar 'vi'"),
            ("plugin:feedback_sla(\"x\", { first_contact = \"soon\" })", "care/plugin.lua:3: Plugin:feedback_sla: 'x': first_contact must be a span"),
            ("plugin:feedback_sla(\"x\", { kind = \"rant\", first_contact = \"1h\" })", "care/plugin.lua:3: Plugin:feedback_sla: 'x': kind 'rant' is not one of complaint, compliment, suggestion, question"),
            ("plugin:feedback_sla(\"x\", { kind = \"complaint\" })", "care/plugin.lua:3: Plugin:feedback_sla: 'x': give first_contact, resolution or callback"),
            ("plugin:feedback_sla(\"x\", { resolution = \"2bd\", pause_in = { \"closed\" } })", "care/plugin.lua:3: Plugin:feedback_sla: 'x': pause_in names statuses of open cases only"),
            ("plugin:feedback_sla(\"x\", { callback = { after = \"1d\" } })", "care/plugin.lua:3: Plugin:feedback_sla: 'x': callback needs within"),
        ] {
            let refused = try #require(throws: PluginError.self) { try loadStandards(lua) }
            #expect(refused.description.hasPrefix(message), "\(lua): \(refused.description)")
        }
    }

    @Test func hooksAndTheRecoveryCampaignAreRegisteredAndRefusedAtTheirLine() throws {
        let plugin = try loadStandards("""
            plugin:on("feedback.created", function(case) end)
            plugin:recovery { campaign = "care-recovery", currency = "VND", budget = { total = 500000 } }
            """)
        #expect(plugin.registrations.feedbackHooks == [FeedbackHookRegistration(hook: .created, definedAt: "care/plugin.lua:3")])
        #expect(plugin.registrations.recovery?.name == "care-recovery" && plugin.registrations.recovery?.budget.total == 500_000)
        for (lua, message) in [
            ("plugin:on(\"feedback.deleted\", function() end)", "care/plugin.lua:3: Plugin:on: invalid 'hook': 'feedback.deleted' is not a hook; known: feedback.created, feedback.updated, feedback.breached"),
            ("plugin:on(\"feedback.created\", function() end)\nplugin:on(\"feedback.created\", function() end)", "care/plugin.lua:4: Plugin:on: a handler for 'feedback.created' is registered twice (first at care/plugin.lua:3)"),
            ("plugin:recovery { campaign = \"Care Recovery\" }", "care/plugin.lua:3: Plugin:recovery: recovery: campaign must be a campaign name"),
            ("plugin:recovery { campaign = \"r\", budget = { everything = 1 } }", "care/plugin.lua:3: Plugin:recovery: recovery: unknown budget field 'everything'"),
            ("plugin:recovery { campaign = \"r\" }\nplugin:recovery { campaign = \"s\" }", "care/plugin.lua:4: Plugin:recovery: the recovery campaign is declared twice"),
        ] {
            let refused = try #require(throws: PluginError.self) { try loadStandards(lua) }
            #expect(refused.description.hasPrefix(message), "\(lua): \(refused.description)")
        }
    }
}
