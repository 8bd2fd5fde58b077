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
        LuaAPIFunction(
            "Plugin:policy", "Registers a care policy: for customers in the segments named, care items (an occasion and a care form each) within a budget. Checked here: a bad policy is refused at this line.",
            parameters: [
                .init("name", "string", "the policy's name, unique across plugins: the campaign name of its plans"),
                .init("spec", "cordial.PolicySpec", "segments, care items, budget, currency"),
            ],
            phase: .registering,
            example: """
                plugin:policy("gold-birthdays", {
                  segment = "value-tier:gold", currency = "VND",
                  budget = { total = 50000000, per_customer = 800000 },
                  care = {
                    { on = "birthday", lead_days = 7, gift = { catalog = "premium", item = "tea-set" } },
                    { on = "holiday:lunar-new-year", lead_days = 10, letter = "tet-greeting" },
                    { every = "quarter", call = { role = "account-manager", script = "Ask how the year is going." } },
                  },
                })
                """
        ) { context, arguments in
            try PolicyDeclaration.policy(arguments, in: context)
            return LuaNoValue()
        },
        LuaAPIFunction(
            "Plugin:frequency_cap", "Limits care across every policy of every plugin: at most `count` actions of the forms named per customer in any `days` days.",
            parameters: [.init("cap", "cordial.FrequencyCap", "form or forms, count, days")],
            phase: .registering,
            example: """
                plugin:frequency_cap { form = "gift", count = 1, days = 90 }
                plugin:frequency_cap { form = "any", count = 2, days = 7 }   -- two contacts a week
                """
        ) { context, arguments in
            try PolicyDeclaration.frequencyCap(arguments, in: context)
            return LuaNoValue()
        },
        LuaAPIFunction(
            "Plugin:approvals", "Declares the organisation's authority levels: which roles may approve which campaign plans (by cost and customers reached), and which plans need no approval. One plugin declares them; `cordial campaigns apply` refuses a plan above the threshold until `cordial campaigns approve PLAN --by STAFF` by a member of staff whose role covers it.",
            parameters: [.init("levels", "cordial.ApprovalLevels", "currency, without_approval, levels")],
            phase: .registering,
            example: """
                plugin:approvals {
                  currency = "VND",
                  without_approval = { cost = 5000000, customers = 200 },
                  levels = {
                    { role = "marketing-lead", cost = 50000000, customers = 5000 },
                    { role = "director" },   -- any plan
                  },
                }
                """
        ) { context, arguments in
            try PolicyDeclaration.approvals(arguments, in: context)
            return LuaNoValue()
        },
        LuaAPIFunction(
            "Plugin:letters", "Declares the organisation's letter settings: the locale a letter falls back to when a customer's locale has no template, the sender of letters whose template names none, and the organisation's name (`{{organisation.name}}`). One plugin declares them.",
            parameters: [.init("settings", "cordial.LetterSettings", "default_locale, sender, organisation")],
            phase: .registering,
            example: """
                plugin:letters { default_locale = "vi", sender = "Chăm sóc khách hàng <care@example.vn>", organisation = "Sen Vàng" }
                """
        ) { context, arguments in
            try LetterDeclaration.settings(arguments, in: context)
            return LuaNoValue()
        },
        LuaAPIFunction(
            "Plugin:lambda", "Declares a function the plugin's letters may use as a Mustache lambda: `{{#name}}text{{/name}}` calls it with the section's text, `{{name}}` with \"\"; what it returns is rendered in the letter. A lambda that fails fails its letter.",
            parameters: [
                .init("name", "string", "the name templates use: lower-case letters, digits, dashes or underscores"),
                .init("fn", "fun(text: string): string?", "the function: the text to render in its place (a number or boolean is shown as text; nil, nothing)"),
            ],
            phase: .registering,
            example: """
                plugin:lambda("upper", function(text) return string.upper(text) end)
                """
        ) { context, arguments in
            try LetterDeclaration.lambda(arguments, in: context)
            return LuaNoValue()
        },
        LuaAPIFunction(
            "Plugin:feedback_categories", "Declares the organisation's taxonomy of feedback: each key a category, each name in its list (or key of its table) a category under it, up to four levels (`baggage/delayed`). Feedback is filed under one of them: `cordial feedback add` and imports refuse a category no plugin declares, naming the known ones. Reports count a category with those under it.",
            parameters: [.init("categories", "table<string, table>", "top categories, each with the table of those under it ({} for none)")],
            phase: .registering,
            example: """
                plugin:feedback_categories {
                  delay = { "departure", "arrival" },
                  baggage = { "delayed", "lost", damaged = { "bag", "contents" } },
                  ["check-in"] = { "queue", "documents" },
                  staff = { "attitude", "knowledge" },
                }
                """
        ) { context, arguments in
            try FeedbackDeclaration.categories(arguments, in: context)
            return LuaNoValue()
        },
        LuaAPIFunction(
            "Plugin:cause_families", "Groups feedback categories into families of causes — people, process, equipment, environment… — for the cause-and-effect (fishbone) view of `cordial feedback report`. A category belongs to at most one family; those under it come along.",
            parameters: [.init("families", "table<string, string[]>", "each family's name and its categories")],
            phase: .registering,
            example: """
                plugin:cause_families {
                  people = { "staff" },
                  process = { "delay", "check-in", "boarding" },
                  equipment = { "baggage/damaged", "information/app" },
                }
                """
        ) { context, arguments in
            try FeedbackDeclaration.causeFamilies(arguments, in: context)
            return LuaNoValue()
        },
        LuaAPIFunction(
            "Plugin:feedback_authority", "Declares who may grant which compensation on a case: each role with the forms it may grant and the most a case may be granted in all. `cordial feedback compensate` refuses an attempt above the member of staff's authority and names the roles that may grant it. One plugin declares it.",
            parameters: [.init("authority", "cordial.FeedbackAuthority", "currency, levels")],
            phase: .registering,
            example: """
                plugin:feedback_authority {
                  currency = "VND",
                  levels = {
                    { role = "agent", forms = { "apology-gift", "voucher" }, up_to = 500000 },
                    { role = "supervisor", forms = { "apology-gift", "voucher", "partial-refund" }, up_to = 5000000 },
                    { role = "manager" },   -- any form, any amount
                  },
                }
                """
        ) { context, arguments in
            try ServiceStandardDeclaration.authority(arguments, in: context)
            return LuaNoValue()
        },
        LuaAPIFunction(
            "Plugin:business_hours", "Declares the organisation's working hours, on which feedback clocks run: a time zone, opening hours per day, the holidays (from the campaigns' calendars) and dates it closes on, and teams that keep other hours. One plugin declares them; without them, clocks run on calendar time in UTC.",
            parameters: [.init("hours", "cordial.BusinessHours", "time_zone, hours, calendar, closed, teams")],
            phase: .registering,
            example: """
                plugin:business_hours {
                  time_zone = "Asia/Ho_Chi_Minh",
                  hours = { ["mon-fri"] = { "08:00-12:00", "13:00-17:30" }, sat = { "08:00-12:00" } },
                  calendar = "vi",
                  closed = { { holiday = "lunar-new-year", before = 1, after = 4 }, "reunification-day", "labour-day", "national-day" },
                  teams = { airport = { hours = { ["mon-sun"] = { "05:00-23:00" } } } },
                }
                """
        ) { context, arguments in
            try ServiceStandardDeclaration.businessHours(arguments, in: context)
            return LuaNoValue()
        },
        LuaAPIFunction(
            "Plugin:feedback_sla", "Declares a service standard for feedback: which cases it covers (kinds, severities, a segment label) and how soon each step is due. A case is held to the first standard that covers it, in the order plugins (by name) declare them; `cordial feedback breaches` lists the clocks that are late or about to be.",
            parameters: [
                .init("name", "string", "the standard's name"),
                .init("spec", "cordial.FeedbackSLA", "kind, severity, segment, first_contact, resolution, callback, pause_in"),
            ],
            phase: .registering,
            example: """
                plugin:feedback_sla("urgent-complaints", {
                  kind = "complaint", severity = { "high", "critical" },
                  first_contact = "1h",                       -- working time
                  resolution = "2bd",                         -- business days
                  callback = { after = "1d", within = "2d" }, -- calendar days after resolution
                })
                """
        ) { context, arguments in
            try ServiceStandardDeclaration.sla(arguments, in: context)
            return LuaNoValue()
        },
        LuaAPIFunction(
            "Plugin:event", "Declares an event customers can be invited to (`invite = \"NAME\"` in a care item): a date and a capacity that applies never exceed.",
            parameters: [
                .init("name", "string", "the event's name, unique across plugins"),
                .init("spec", "cordial.EventSpec", "title, date, capacity"),
            ],
            phase: .registering,
            example: "plugin:event(\"gala-2026\", { title = \"Year-end gala\", date = \"2026-12-20\", capacity = 200 })"
        ) { context, arguments in
            try PolicyDeclaration.event(arguments, in: context)
            return LuaNoValue()
        },
    ]
}
