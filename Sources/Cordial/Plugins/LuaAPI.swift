import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// The `cordial` Lua module, function by function: the one source of truth for registration
/// (``CordialModule``), `docs/lua-api.md` and `docs/lua/cordial.d.lua` (``LuaAPIDocs``).
public enum LuaAPI {
    public static let functions: [LuaAPIFunction] = plugins + customers + segments + logging + json + dates + formatting + PluginTestAPI.functions

    // MARK: - Plugins

    static let plugins: [LuaAPIFunction] = [
        LuaAPIFunction(
            "plugin", "Declares the plugin (its manifest). `plugin.lua` calls it once and returns the result.",
            parameters: [.init("manifest", "cordial.Manifest", "name, version, api, description, permissions")],
            results: [.init("cordial.Plugin", "the plugin, on which segments are registered")],
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

    // MARK: - Customers

    static let customers: [LuaAPIFunction] = [
        LuaAPIFunction(
            "customers.get", "One customer by store id, or by `\"SOURCE:EXTERNAL_ID\"`; nil when there is none.",
            parameters: [.init("id", "integer|string", "a store id (42) or a source and external id (\"crm:C-1042\")")],
            results: [.init("cordial.Customer?", "the customer view")], permission: .customersRead
        ) { context, arguments in
            let store = try context.store(needing: .customersRead)
            let id = try arguments.value(1, "id")
            let today = context.todayNumber
            let view: CustomerFacts?
            if let number = id.integerValue {
                view = try waitForStore { try await CustomerFacts.load(CustomerID(number), from: store) }
            } else if let text = id.stringValue, let colon = text.firstIndex(of: ":") {
                let source = String(text[..<colon]), external = String(text[text.index(after: colon)...])
                view = try waitForStore {
                    guard let customer = try await store.customer(source: source, externalID: external), let id = customer.id else { return nil }
                    return try await CustomerFacts.load(id, from: store)
                }
            } else {
                throw arguments.invalid("id", "expected a store id or \"SOURCE:EXTERNAL_ID\", got \(id.typeName == "string" ? "'\(id.stringValue ?? "")'" : id.typeName)")
            }
            return CustomerViewValue(view: view.map { CustomerView(facts: $0, today: today) }, metatables: context.viewMetatables)
        },
        LuaAPIFunction(
            "customers.find", "Customers matching every given filter, in id order (at most `limit`, 100 by default, 1000 at most).",
            parameters: [.init("filter", "cordial.CustomerFilter", "tag, tier, segment, label, after, limit", optional: true)],
            results: [.init("cordial.Customer[]", "the customers found")], permission: .customersRead,
            example: """
                for _, c in ipairs(cordial.customers.find { segment = "lifecycle", label = "lapsing", limit = 50 }) do
                  print(c.id, c.name)
                end
                """
        ) { context, arguments in
            let store = try context.store(needing: .customersRead)
            let query = try CustomerFilter.query(arguments, at: 1)
            let facts = try waitForStore { try await store.customerFacts(query) }
            return CustomerViewBatch(views: facts.map { CustomerView(facts: $0, today: context.todayNumber) }, metatables: context.viewMetatables)
        },
        LuaAPIFunction(
            "customers.count", "How many customers the store holds.",
            results: [.init("integer", "the number of customers")], permission: .customersRead
        ) { context, _ in
            let store = try context.store(needing: .customersRead)
            return Int64(try waitForStore { try await store.countCustomers() })
        },
        LuaAPIFunction(
            "customers.batches", "Iterates over every customer in batches (one query per batch, never one per customer).",
            parameters: [.init("size", "integer", "customers per batch, 1 to 1000 (default 200)", optional: true)],
            results: [.init("fun(): cordial.Customer[]?", "an iterator for a generic `for`")], permission: .customersRead,
            example: """
                for batch in cordial.customers.batches(500) do
                  for _, c in ipairs(batch) do total = total + c.purchases.total end
                end
                """
        ) { context, arguments in
            let store = try context.store(needing: .customersRead)
            let size = try arguments.get(1, "size", as: Int?.self) ?? 200
            guard (1...1000).contains(size) else { throw arguments.invalid("size", "expected 1 to 1000, got \(size)") }
            var after: CustomerID?
            var finished = false
            return arguments.luaState.dynamicFunction("cordial.customers.batches iterator") { _ in
                if finished { return LuaValue.nil }
                let query = CustomerQuery(after: after, limit: size)
                let facts = try waitForStore { try await store.customerFacts(query) }
                guard let last = facts.last else {
                    finished = true
                    return LuaValue.nil
                }
                after = last.id
                return CustomerViewBatch(views: facts.map { CustomerView(facts: $0, today: context.todayNumber) }, metatables: context.viewMetatables)
            }
        },
        LuaAPIFunction(
            "customers.update", "Changes a customer's tags and attributes. Changes are written together, in one transaction, when the handler returns without error.",
            parameters: [
                .init("id", "integer", "the customer's store id"),
                .init("changes", "cordial.CustomerChanges", "add_tags, remove_tags, attributes (a value of nil removes one)"),
            ],
            permission: .customersWrite,
            example: """
                cordial.customers.update(c.id, { add_tags = { "vip" }, attributes = { last_gift = "2026-01-20" } })
                """
        ) { context, arguments in
            _ = try context.store(needing: .customersWrite)
            let id = CustomerID(try arguments.get(1, "id", as: Int64.self))
            try context.pendingChanges.add(id, try arguments.value(2, "changes"), arguments: arguments)
            return LuaNoValue()
        },
    ]

    // MARK: - Segments

    static let segments: [LuaAPIFunction] = [
        LuaAPIFunction(
            "segments.members", "Store ids of a segment's current members, optionally of one label, in id order.",
            parameters: [
                .init("segment", "string", "the segment's name"),
                .init("label", "string", "only members with this label", optional: true),
                .init("limit", "integer", "at most this many (default: all)", optional: true),
            ],
            results: [.init("integer[]", "customer ids")], permission: .segmentsRead
        ) { context, arguments in
            let store = try context.store(needing: .segmentsRead)
            let segment = try arguments.get(1, "segment", as: String.self)
            let label = try arguments.get(2, "label", as: String?.self)
            let limit = try arguments.get(3, "limit", as: Int?.self)
            let members = try waitForStore { try await store.segmentMembers(segment, label: label, at: nil, limit: limit) }
            return LuaValue.table(LuaTable(array: members.map { .integer($0.customer.rawValue) }))
        },
        LuaAPIFunction(
            "segments.counts", "How many customers hold each label of a segment now.",
            parameters: [.init("segment", "string", "the segment's name")],
            results: [.init("table<string, integer>", "label → count")], permission: .segmentsRead
        ) { context, arguments in
            let store = try context.store(needing: .segmentsRead)
            let segment = try arguments.get(1, "segment", as: String.self)
            let counts = try waitForStore { try await store.segmentCounts(segment, at: nil) }
            return LuaValue.table(LuaTable(hash: Dictionary(uniqueKeysWithValues: counts.map { (.string(LuaString($0.key)), .integer(Int64($0.value))) })))
        },
        LuaAPIFunction(
            "segments.labels", "A customer's current label in every segment.",
            parameters: [.init("id", "integer", "the customer's store id")],
            results: [.init("table<string, string>", "segment → label")], permission: .segmentsRead
        ) { context, arguments in
            let store = try context.store(needing: .segmentsRead)
            let id = CustomerID(try arguments.get(1, "id", as: Int64.self))
            let labels = try waitForStore { try await store.segmentLabels(of: id) }
            return LuaValue.table(LuaTable(hash: Dictionary(uniqueKeysWithValues: labels.map { (.string(LuaString($0.key)), .string(LuaString($0.value))) })))
        },
    ]

    // MARK: - Logging

    static let logging: [LuaAPIFunction] = [Logger.Level.info, .warning, .error].map { level in
        let name = level == .warning ? "warn" : level.rawValue
        return LuaAPIFunction(
            "log.\(name)", "Writes a \(level.rawValue) line to the host's log, tagged with the plugin's name. Do not log personal data.",
            parameters: [.init("message", "string", "the text")]
        ) { context, arguments in
            let message = try arguments.get(1, "message", as: String.self)
            context.logger.log(level: level, "\(message)", metadata: ["plugin": "\(context.manifest?.name ?? context.file)"])
            return LuaNoValue()
        }
    }

    // MARK: - JSON

    static let json: [LuaAPIFunction] = [
        LuaAPIFunction(
            "json.encode", "JSON text of a value: tables with keys 1…n become arrays, tables with string keys objects (keys sorted).",
            parameters: [.init("value", "any", "nil, boolean, number, string or table")],
            results: [.init("string", "compact JSON")]
        ) { _, arguments in
            try LuaJSON.encode(try LuaJSON.jsonValue(try arguments.value(1, "value")))
        },
        LuaAPIFunction(
            "json.decode", "The value of JSON text (null becomes nil).",
            parameters: [.init("text", "string", "JSON text")],
            results: [.init("any", "the value")]
        ) { _, arguments in
            LuaJSON.luaValue(try LuaJSON.decode(try arguments.get(1, "text", as: String.self)))
        },
    ]

    // MARK: - Dates

    static let dates: [LuaAPIFunction] = [
        LuaAPIFunction(
            "dates.today", "Today as \"YYYY-MM-DD\" in the host's time zone; in a segment run, the date the run is as of.",
            results: [.init("string", "the date")]
        ) { context, _ in
            CalendarDays.text(ofDay: context.todayNumber)
        },
        LuaAPIFunction(
            "dates.add_days", "The date `days` after `date` (before, when negative).",
            parameters: [.init("date", "string", "\"YYYY-MM-DD\""), .init("days", "integer", "days to add")],
            results: [.init("string", "\"YYYY-MM-DD\"")]
        ) { _, arguments in
            CalendarDays.text(ofDay: try LuaDates.day(arguments, 1, "date") + (try arguments.get(2, "days", as: Int.self)))
        },
        LuaAPIFunction(
            "dates.days_between", "Days from `from` to `to` (negative when `to` is earlier).",
            parameters: [.init("from", "string", "\"YYYY-MM-DD\""), .init("to", "string", "\"YYYY-MM-DD\"")],
            results: [.init("integer", "days")]
        ) { _, arguments in
            Int64(try LuaDates.day(arguments, 2, "to") - (try LuaDates.day(arguments, 1, "from")))
        },
        LuaAPIFunction(
            "dates.weekday", "The day of the week of a date: 1 is Monday, 7 is Sunday (ISO 8601).",
            parameters: [.init("date", "string", "\"YYYY-MM-DD\"")],
            results: [.init("integer", "1…7")]
        ) { _, arguments in
            // 1970-01-01 was a Thursday (4).
            let day = try LuaDates.day(arguments, 1, "date")
            return Int64(((day + 3) % 7 + 7) % 7 + 1)
        },
        LuaAPIFunction(
            "dates.parse", "A \"YYYY-MM-DD\" date checked against the calendar; nil and the reason when it is not one.",
            parameters: [.init("text", "string", "the text to check")],
            results: [.init("string?", "the date"), .init("string?", "why it is not a date")]
        ) { _, arguments in
            let text = try arguments.get(1, "text", as: String.self)
            guard CalendarDays.day(of: text) != nil else {
                return LuaMultipleValues([.nil, .string(LuaString("'\(text)' is not a date (YYYY-MM-DD)"))])
            }
            return text
        },
    ]

    // MARK: - Formatting

    static let formatting: [LuaAPIFunction] = [
        LuaAPIFunction(
            "format.number", "A number as people of `locale` write it: 1.250.000,5 (vi), 1,250,000.5 (en, zh).",
            parameters: [
                .init("value", "number", "the number"), .init("locale", "string", "\"vi\", \"zh\", \"en\", \"vi-VN\", …"),
                .init("decimals", "integer", "exact number of decimals (default: as needed, at most 3)", optional: true),
            ],
            results: [.init("string", "the text")]
        ) { _, arguments in
            let value = try arguments.get(1, "value", as: Double.self)
            let locale = try LuaFormats.locale(arguments, 2)
            let decimals = try arguments.get(3, "decimals", as: Int?.self)
            return LuaFormats.number(value, locale: locale, decimals: decimals)
        },
        LuaAPIFunction(
            "format.money", "An amount with its currency as people of `locale` write it: 1.250.000 ₫ (vi), US$1,234.50 (zh).",
            parameters: [
                .init("amount", "number|string", "the amount (a string keeps every digit: \"1250000.50\")"),
                .init("currency", "string", "ISO 4217 code: VND, CNY, USD, …"), .init("locale", "string", "\"vi\", \"zh\", \"en\", …"),
            ],
            results: [.init("string", "the text")]
        ) { _, arguments in
            let amount = try LuaFormats.decimal(arguments, 1)
            let currency = try arguments.get(2, "currency", as: String.self)
            guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw arguments.invalid("currency", "expected an ISO 4217 code such as VND or USD, got '\(currency)'")
            }
            return amount.formatted(.currency(code: currency).locale(try LuaFormats.locale(arguments, 3)))
        },
        LuaAPIFunction(
            "format.date", "A date as people of `locale` write it: \"long\" (ngày 15 tháng 11, 2023 · 2023年11月15日) or \"short\" (15/11/2023).",
            parameters: [
                .init("date", "string", "\"YYYY-MM-DD\""), .init("locale", "string", "\"vi\", \"zh\", \"en\", …"),
                .init("style", "\"long\"|\"short\"", "default \"long\"", optional: true),
            ],
            results: [.init("string", "the text")]
        ) { _, arguments in
            let day = try LuaDates.day(arguments, 1, "date")
            let locale = try LuaFormats.locale(arguments, 2)
            let style = try arguments.get(3, "style", as: String?.self) ?? "long"
            guard style == "long" || style == "short" else { throw arguments.invalid("style", "expected \"long\" or \"short\", got '\(style)'") }
            let date = CalendarDays.date(ofDay: day)
            let utc = TimeZone(identifier: "UTC")!
            return date.formatted(Date.FormatStyle(date: style == "long" ? .long : .numeric, time: .omitted, locale: locale, timeZone: utc))
        },
    ]

    // MARK: - Table shapes

    /// The customer view; ``CustomerView`` builds exactly these fields (a test checks it).
    public static let customerClass = LuaAPIClass("cordial.Customer", "A customer as handlers see it: a read-only copy; unknown fields are errors.", fields: [
        .init("id", "integer", "store id"),
        .init("source", "string", "the system the customer came from (\"crm\", \"cdnow\")"),
        .init("external_id", "string", "the id in that system"),
        .init("given_name", "string", "given name"),
        .init("family_name", "string", "family name"),
        .init("name", "string", "the name as written in the customer's locale (family name first in vi and zh)"),
        .init("locale", "string", "\"vi\", \"zh\", \"en\", …"),
        .init("tier", "string?", "tier, if any"),
        .init("city", "string?", "city of the address"),
        .init("region", "string?", "region of the address"),
        .init("birthday", "string?", "\"YYYY-MM-DD\", or \"--MM-DD\" when the year is unknown"),
        .init("created", "string", "the day the customer entered the store, \"YYYY-MM-DD\""),
        .init("tags", "table<string, true>", "the customer's tags as a set: `if c.tags.vip then`"),
        .init("attributes", "table<string, any>", "free attributes from imports"),
        .init("purchases", "cordial.PurchaseSummary", "count, total, first, last, days_since_last"),
        .init("segments", "table<string, string>", "current label per segment (before the running segment's run)"),
        .init("value", "cordial.CustomerValue", "scores and models the host computes"),
    ])

    public static let classes: [LuaAPIClass] = [
        LuaAPIClass("cordial.Manifest", "What `cordial.plugin` declares.", fields: [
            .init("name", "string", "the plugin's name: its folder's name"),
            .init("version", "string", "semantic version, \"1.2.0\""),
            .init("api", "integer", "the cordial API version the plugin targets (this host: \(CordialVersion.luaAPI))"),
            .init("description", "string?", "one line for `cordial plugins list`"),
            .init("permissions", "string[]?", Permission.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")),
        ]),
        LuaAPIClass("cordial.SegmentOptions", "Options of `plugin:segment`.", fields: [
            .init("description", "string?", "one line for `cordial segments list`"),
            .init("labels", "string[]?", "the labels the segment may return; any other label is an error"),
            .init("rfm", "boolean?", "the run computes `c.value.rfm` (RFM quintile scores as of the run's date)"),
            .init("value", "boolean?", "the run loads the latest value fit's figures into `c.value` (`p_alive`, `clv`, …; reading them without it is an error)"),
        ]),
        customerClass,
        LuaAPIClass("cordial.PurchaseSummary", "A customer's purchases in five numbers.", fields: [
            .init("count", "integer", "number of purchases"),
            .init("total", "number", "sum of the amounts"),
            .init("first", "string?", "day of the first purchase, \"YYYY-MM-DD\""),
            .init("last", "string?", "day of the last purchase"),
            .init("days_since_last", "integer?", "days from the last purchase to today (the run's date)"),
        ]),
        LuaAPIClass("cordial.CustomerValue", "Values the host computes. In segment runs the fit's figures are loaded for segments declared with `value = true` (reading them otherwise is an error); they are nil before the first `cordial value fit` and for customers with no purchase by its end date.", fields: [
            .init("rfm", "cordial.RFMScore?", "RFM scores: as of the run in segments declared with `rfm = true`, otherwise as of the last value fit (with `value = true`)"),
            .init("p_alive", "number?", "probability that the customer is still buying (BG/NBD), 0…1"),
            .init("expected_purchases", "number?", "purchases expected over the fit's horizon (12 months unless set)"),
            .init("expected_spend", "number?", "expected value of a future purchase (Gamma-Gamma)"),
            .init("clv", "number?", "lifetime value: discounted margin expected over the horizon"),
            .init("spent", "number?", "current value: what the customer spent up to the fit's end date"),
            .init("referrals", "integer?", "customers whose `referred_by` attribute names this one"),
            .init("influence", "number?", "influence value: the sum of those customers' lifetime values"),
            .init("as_of", "string?", "the fit's end date, \"YYYY-MM-DD\""),
        ]),
        LuaAPIClass("cordial.RFMScore", "Quintile scores, 5 is best, among customers who bought.", fields: [
            .init("r", "integer", "recency 1…5 (5: bought most recently)"),
            .init("f", "integer", "frequency 1…5"),
            .init("m", "integer", "monetary 1…5"),
            .init("score", "string", "the three digits, \"545\""),
        ]),
        LuaAPIClass("cordial.CustomerFilter", "Filters of `cordial.customers.find`; all given ones must match.", fields: [
            .init("tag", "string?", "has this tag"),
            .init("tier", "string?", "has this tier"),
            .init("segment", "string?", "is in this segment now"),
            .init("label", "string?", "with this label (needs `segment`)"),
            .init("after", "integer?", "ids greater than this (paging)"),
            .init("limit", "integer?", "at most this many, 1…1000 (default 100)"),
        ]),
        LuaAPIClass("cordial.CustomerChanges", "Changes of `cordial.customers.update`.", fields: [
            .init("add_tags", "string[]?", "tags to add"),
            .init("remove_tags", "string[]?", "tags to remove"),
            .init("attributes", "table<string, any>?", "attributes to set"),
            .init("remove_attributes", "string[]?", "attributes to remove"),
        ]),
    ]
}
