import Cordial
import CordialCore
import Foundation
import Testing

/// `plugin:policy`, `plugin:frequency_cap` and `plugin:event` as an admin writes them: a
/// good policy becomes values; every mistake is refused at its line of plugin.lua.
@Suite final class CarePolicyRegistrationTests {
    let folder: PluginFolder
    let loader: PluginLoader

    init() throws {
        folder = try PluginFolder()
        loader = PluginLoader(chunkNameRoot: folder.root)
    }

    /// A plugin with a segment `tier` (labels gold, silver) and `body` after it.
    func write(_ name: String, _ body: String, files: [String: String] = [:]) throws {
        try folder.plugin(name, files.merging(["plugin.lua": """
            local cordial = require "cordial"
            local p = cordial.plugin { name = "\(name)", version = "1.0.0", api = 1 }
            p:segment("tier-\(name)", { labels = { "gold", "silver" } }, function(c) return "gold" end)
            \(body)
            return p
            """]) { $1 })
    }

    @Test func aPolicyBecomesValuesWithItsPlace() throws {
        try write("care", """
            p:event("gala", { title = "Year-end gala", date = "2026-12-20", capacity = 200 })
            p:frequency_cap { form = "gift", count = 1, days = 90 }
            p:frequency_cap { forms = { "letter", "call" }, count = 2, days = 7 }
            p:policy("gold-care", {
              segments = { "tier-care:gold", "tier-care:silver" }, currency = "VND",
              budget = { total = 50000000, per_customer = "800000.50", per_period = { amount = 10000000, days = 30 } },
              care = {
                { on = "birthday", lead_days = 7, gift = { catalog = "premium", item = "tea-set", max_cost = 600000 } },
                { on = "birthday", gift = { catalog = "premium", choose = function(c, items) return items[1].code end } },
                { on = "holiday:tet", lead_days = 10, letter = "tet-greeting" },
                { every = "quarter", day = 31, call = { role = "account-manager", script = "Ask how the year is going." } },
                { every = 30, start = "2026-01-01", letter = { template = "tet-greeting", channel = "post", cost = 15000 } },
                { after = "purchase", days = 3, letter = { template = "tet-greeting", channel = "sms" } },
                { on = "anniversary", invite = "gala" },
              },
            })
            """, files: ["letters/tet-greeting.vi.mustache": "---\nsubject: Tết\n---\nKính gửi {{customer.name}}"])
        let registry = PluginRegistry(roots: [folder.root], loader: loader)
        let report = registry.reload()
        #expect(report.problems.isEmpty, "\(report.problems)")
        let registrations = try #require(registry.plugin(named: "care")?.registrations)
        let policy = try #require(registrations.policies.first)
        #expect(policy.name == "gold-care" && policy.plugin == "care")
        #expect(policy.definedAt == "care/plugin.lua:7")
        #expect(policy.segments.map(\.description) == ["tier-care:gold", "tier-care:silver"])
        #expect(policy.budget.total == 50_000_000 && policy.budget.perCustomer == Decimal(string: "800000.5"))
        #expect(policy.budget.perPeriod == CareBudget.Period(amount: 10_000_000, days: 30))
        #expect(policy.items.map(\.occasion) == [
            .birthday(leadDays: 7), .birthday(leadDays: 0), .holiday(name: "tet", leadDays: 10), .every(.quarter(day: 31)),
            .every(.days(30, start: CalendarDays.day(of: "2026-01-01")!)), .after(event: .purchase, days: 3), .anniversary(leadDays: 0),
        ])
        #expect(policy.items.map(\.action) == [
            .gift(catalog: "premium", item: "tea-set", chooses: false, maxCost: 600_000),
            .gift(catalog: "premium", item: nil, chooses: true, maxCost: nil),
            .letter(template: "tet-greeting", channel: .email, cost: nil),
            .call(script: "Ask how the year is going.", role: "account-manager", cost: nil),
            .letter(template: "tet-greeting", channel: .post, cost: 15_000),
            .letter(template: "tet-greeting", channel: .sms, cost: nil),
            .invitation(event: "gala", channel: .email),
        ])
        #expect(registrations.frequencyCaps.map(\.forms) == [[.gift], [.letter, .call]])
        #expect(registrations.frequencyCaps.map(\.definedAt) == ["care/plugin.lua:5", "care/plugin.lua:6"])
        #expect(registrations.events == [CareEvent(name: "gala", title: "Year-end gala", day: CalendarDays.day(of: "2026-12-20")!, capacity: 200, definedAt: "care/plugin.lua:4")])
    }

    /// Every mistake in a policy is refused at the line that registers it.
    @Test(arguments: [
        (#"p:policy("x", { segment = "tier-bad:gold", care = { { on = "birthdy", letter = "l" } } })"#, "unknown occasion 'birthdy' (known: birthday, anniversary, holiday:NAME)"),
        (#"p:policy("x", { segment = "tier-bad:gold", care = { { on = "holiday:tett", letter = "l" } } })"#, "no holiday 'tett' (known: christmas,"),
        (#"p:policy("x", { segment = "tier-bad:gold", budget = { total = -5 }, care = { { on = "birthday", letter = "l" } } })"#, "budget.total must not be negative, got -5"),
        (#"p:policy("x", { segment = "tier-bad:gold", budget = { totl = 5 }, care = { { on = "birthday", letter = "l" } } })"#, "unknown budget field 'totl'"),
        (#"p:policy("x", { segment = "tier-bad:gold", care = { { on = "birthday", gift = { catalog = "premium" } } } })"#, "a gift names its item"),
        (#"p:policy("x", { segment = "tier-bad:gold", care = { { on = "birthday", every = "month", letter = "l" } } })"#, "give one occasion"),
        (#"p:policy("x", { segment = "tier-bad:gold", care = { { on = "birthday" } } })"#, "give one care form"),
        (#"p:policy("x", { segment = "tier-bad:gold", care = { { every = "week", letter = "l" } } })"#, "every must be \"month\", \"quarter\" or a number of days, got 'week'"),
        (#"p:policy("x", { segment = "tier-bad:gold", care = { { after = "complaint-resolved", letter = "l" } } })"#, "needs feedback records"),
        (#"p:policy("x", { segment = "tier-bad:gold", care = { { on = "birthday", lead_days = 400, letter = "l" } } })"#, "lead_days must be from 0 to 366, got 400"),
        (#"p:policy("x", { segment = "tier-bad:gold", care = { { every = "month", day = 32, letter = "l" } } })"#, "day must be from 1 to 31, got 32"),
        (#"p:policy("x", { care = { { on = "birthday", letter = "l" } } })"#, "name the customers it is for"),
        (#"p:policy("x", { segment = "tier-bad:gold", currency = "dong", care = { { on = "birthday", letter = "l" } } })"#, "currency must be an ISO 4217 code"),
        (#"p:policy("x", { segment = "tier-bad:gold", care = {} })"#, "care must be a non-empty list"),
        (#"p:policy("x", { segment = "tier-bad:gold", care = { { on = "birthday", call = { role = "agent" } } } })"#, "call.script must be the text"),
        (#"p:policy("x", { segment = "tier-bad:gold", care = { { on = "birthday", letter = { template = "l", channel = "phone" } } } })"#, "channel must be \"email\", \"post\" or \"sms\""),
        (#"p:frequency_cap { form = "hug", count = 1, days = 7 }"#, "unknown form 'hug'"),
        (#"p:frequency_cap { form = "gift", count = 0, days = 7 }"#, "count must be from 1 to 1000, got 0"),
        (#"p:event("gala", { title = "Gala", date = "2026-02-30", capacity = 10 })"#, "date must be a date \"YYYY-MM-DD\""),
        (#"p:approvals { levles = { { role = "director" } } }"#, "approvals: unknown field 'levles'"),
        (#"p:approvals { levels = {} }"#, "approvals: levels must be a non-empty list"),
        (#"p:approvals { levels = { { role = "Director" } } }"#, "approvals: levels[1]: role must be a role name"),
        (#"p:approvals { levels = { { role = "lead", cost = 5 }, { role = "lead" } } }"#, "approvals: levels[2]: role 'lead' is given twice"),
        (#"p:approvals { without_approval = { cost = -1 }, levels = { { role = "director" } } }"#, "approvals: without_approval.cost must not be negative, got -1"),
        (#"p:approvals { levels = { { role = "lead", customers = 0 } } }"#, "approvals: levels[1]: customers must be from 1 to 1000000000, got 0"),
    ])
    func aBadPolicyIsRefusedAtItsLine(line: String, message: String) throws {
        try write("bad", line)
        let error = try #require(throws: PluginError.self) { try self.loader.load(directory: self.folder.root.appendingPathComponent("bad")) }
        #expect(error.location == "bad/plugin.lua:4", "\(error)")
        #expect(error.message.contains(message), "\(error)")
    }

    @Test func approvalLevelsBecomeValuesAndOnlyOnePluginDeclaresThem() throws {
        try write("org", """
            p:approvals {
              currency = "VND", without_approval = { cost = "5000000.5", customers = 100 },
              levels = { { role = "marketing-lead", cost = 50000000, customers = 5000 }, { role = "director" } },
            }
            """)
        let registry = PluginRegistry(roots: [folder.root], loader: loader)
        #expect(registry.reload().problems.isEmpty)
        let rules = try #require(registry.plugin(named: "org")?.registrations.approvals)
        #expect(rules == ApprovalRules(
            currency: "VND", freeCost: Decimal(string: "5000000.5"), freeCustomers: 100,
            levels: [.init(role: "marketing-lead", maxCost: 50_000_000, maxCustomers: 5_000), .init(role: "director")], definedAt: "org/plugin.lua:4"))
        #expect(!rules.needsApproval(cost: 5_000_000, customers: 100, currency: "VND"))
        #expect(rules.needsApproval(cost: 5_000_001, customers: 100, currency: "VND") && rules.needsApproval(cost: 0, customers: 101, currency: "VND"))
        #expect(rules.needsApproval(cost: 1, customers: 1, currency: "CNY"), "a cost in another currency cannot be compared")
        #expect(rules.approvers(cost: 50_000_000, customers: 5_000, currency: "VND") == ["marketing-lead", "director"])
        #expect(rules.approvers(cost: 50_000_001, customers: 10, currency: "VND") == ["director"])
        #expect(rules.approvers(cost: 1, customers: 1, currency: "CNY") == ["director"])

        try write("rival", #"p:approvals { levels = { { role = "owner" } } }"#)
        let report = registry.reload()
        #expect(registry.plugins.map(\.name) == [])
        #expect(report.problems.map(\.description).sorted() == [
            "org/plugin.lua:4: the approval levels are also declared at rival/plugin.lua:4; an organisation has one set, so neither plugin is loaded",
            "rival/plugin.lua:4: the approval levels are also declared at org/plugin.lua:4; an organisation has one set, so neither plugin is loaded",
        ])
    }

    /// What only the whole set can tell is checked when the registry loads it.
    @Test func aPolicyNamingWhatIsNotThereRefusesItsPlugin() throws {
        try write("good", #"p:policy("fine", { segment = "tier-good:gold", care = { { on = "birthday", letter = "hello" } } })"#,
                  files: ["letters/hello.en.mustache": "---\nsubject: Hello\n---\nHello"])
        try write("nosegment", #"p:policy("a", { segment = "tier-nobody", care = { { on = "birthday", gift = { catalog = "c", item = "i" } } } })"#)
        try write("nolabel", #"p:policy("b", { segment = "tier-nolabel:platinum", care = { { on = "birthday", gift = { catalog = "c", item = "i" } } } })"#)
        try write("noevent", #"p:policy("c", { segment = "tier-noevent", care = { { on = "birthday", invite = "ball" } } })"#)
        try write("noletter", #"p:policy("d", { segment = "tier-noletter", care = { { on = "birthday", letter = "missing" } } })"#)
        try write("twice", #"p:policy("fine", { segment = "tier-twice", care = { { on = "birthday", gift = { catalog = "c", item = "i" } } } })"#)
        let registry = PluginRegistry(roots: [folder.root], loader: loader)
        let report = registry.reload()
        #expect(registry.plugins.map(\.name) == [])
        let problems = report.problems.map(\.description).sorted()
        #expect(problems == [
            "good/plugin.lua:4: campaign 'fine' (a policy or a recovery campaign) is also registered at twice/plugin.lua:4; neither plugin is loaded",
            "noevent/plugin.lua:4: policy 'c': care[1]: no event 'ball' is declared (plugin:event)",
            "nolabel/plugin.lua:4: policy 'b': segment 'tier-nolabel' has no label 'platinum' (known: gold, silver)",
            "noletter/plugin.lua:4: policy 'd': care[1]: no letter template 'missing' in noletter/letters/",
            "nosegment/plugin.lua:4: policy 'a': no segment 'tier-nobody' is registered (known: tier-noevent, tier-nolabel, tier-noletter, tier-nosegment)",
            "twice/plugin.lua:4: campaign 'fine' (a policy or a recovery campaign) is also registered at good/plugin.lua:4; neither plugin is loaded",
        ])
    }
}
