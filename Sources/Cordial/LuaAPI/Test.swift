import CordialCore
import CordialStore
import Foundation
import LuaHost

/// `require "cordial.test"`: what a plugin's `tests/*_test.lua` use. Part of ``LuaAPI``'s
/// table, so it is documented with the rest.
enum PluginTestAPI {
    static let functions: [LuaAPIFunction] = [
        LuaAPIFunction(
            "case", "Declares a test case; the runner runs each one and reports failures at their file:line.", module: "cordial.test",
            parameters: [.init("name", "string", "what the case checks"), .init("body", "fun()", "the case")],
            example: """
                local test = require "cordial.test"
                test.case("a customer who bought last week is active", function()
                  test.today("2026-03-01")
                  local id = test.customer { purchases = { { date = "2026-02-22", amount = 120000 } } }
                  test.equal(test.classify("lifecycle", id), "new")
                end)
                """
        ) { context, arguments in
            let session = try session(context)
            session.cases.append((try arguments.get(1, "name", as: String.self), try arguments.get(2, "body", as: LuaFunction.self)))
            return LuaNoValue()
        },
        LuaAPIFunction(
            "today", "Sets the date the plugin sees as today (`cordial.dates.today()`, `days_since_last`).", module: "cordial.test",
            parameters: [.init("date", "string", "\"YYYY-MM-DD\"")]
        ) { context, arguments in
            context.run.today = CalendarDays.date(ofDay: try LuaDates.day(arguments, 1, "date")) + 43_200  // noon
            return LuaNoValue()
        },
        LuaAPIFunction(
            "customer", "Adds a fixture customer (with purchases) to the test's temporary store.", module: "cordial.test",
            parameters: [.init("fields", "cordial.TestCustomer", "profile fields and purchases; all optional", optional: true)],
            results: [.init("integer", "the customer's store id")]
        ) { context, arguments in
            let session = try session(context)
            let batch = try TestFixtures.batch(try arguments.value(1, "fields"), number: session.nextCustomer(), context: context, arguments: arguments)
            let store = session.store
            _ = try context.wait { try await store.apply(batch, dryRun: false) }
            let source = batch.customers[0].source, external = batch.customers[0].externalID
            guard let id = try context.wait({ try await store.customer(source: source, externalID: external)?.id }) else {
                throw PluginAPIError("the fixture customer was not stored")
            }
            let fields = try arguments.value(1, "fields").tableValue
            if let value = fields?["value"], !value.isNil {
                session.values[id] = try TestFixtures.value(value, customer: id, context: context, arguments: arguments)
            }
            return id.rawValue
        },
        LuaAPIFunction(
            "classify", "Runs one of the plugin's segment functions on a fixture customer, as a segment run would.", module: "cordial.test",
            parameters: [.init("segment", "string", "the segment's name"), .init("id", "integer", "a fixture customer's id")],
            results: [.init("string?", "the label, or nil")]
        ) { context, arguments in
            let session = try session(context)
            let name = try arguments.get(1, "segment", as: String.self)
            let id = CustomerID(try arguments.get(2, "id", as: Int64.self))
            guard let segment = context.registrations.segments.first(where: { $0.name == name }) else {
                throw arguments.invalid("segment", "the plugin registers no segment '\(name)' (it has: \(context.registrations.segments.map(\.name).joined(separator: ", ")))")
            }
            return try session.classify(segment, customer: id, context: context)
        },
        LuaAPIFunction(
            "hook", "Runs one of the plugin's feedback hooks (`plugin:on`) on a fixture case, as the host would, and returns what it asked for instead of writing it: `changes` (each with `action` — assign, classify, note — and its fields) and `recovery` (each planned action with `form`, `date`, `occasion`, `template`, `role`, …).", module: "cordial.test",
            parameters: [
                .init("hook", "string", "\"feedback.created\", \"feedback.updated\" or \"feedback.breached\""),
                .init("case", "cordial.TestCase", "the fixture case's fields; all optional", optional: true),
                .init("event", "table", "the second argument: the step ({ action = \"status\", from = …, to = … }) or the late clock ({ clock = \"first-contact\", late_minutes = 30 })", optional: true),
            ],
            results: [.init("{changes: table[], recovery: table[]}", "what the hook asked for")]
        ) { context, arguments in
            try FeedbackHookTest.run(arguments, in: context)
        },
        LuaAPIFunction(
            "equal", "Fails unless `actual` equals `expected` (tables: same keys and equal values).", module: "cordial.test",
            parameters: [
                .init("actual", "any", "the value the code produced"), .init("expected", "any", "the value it should be"),
                .init("message", "string", "what is being checked", optional: true),
            ]
        ) { _, arguments in
            let actual = try arguments.value(1, "actual"), expected = try arguments.value(2, "expected")
            guard actual == expected || (actual.doubleValue != nil && actual.doubleValue == expected.doubleValue) else {
                let message = try arguments.get(3, "message", as: String?.self).map { "\($0): " } ?? ""
                throw PluginAPIError("\(message)expected \(expected.description), got \(actual.description)")
            }
            return LuaNoValue()
        },
        LuaAPIFunction(
            "truthy", "Fails when `value` is nil or false.", module: "cordial.test",
            parameters: [.init("value", "any", "the value"), .init("message", "string", "what is being checked", optional: true)]
        ) { _, arguments in
            guard try arguments.value(1, "value").isTruthy else {
                throw PluginAPIError(try arguments.get(2, "message", as: String?.self) ?? "expected a true value, got \(try arguments.value(1, "value").description)")
            }
            return LuaNoValue()
        },
        LuaAPIFunction(
            "fails", "Fails unless calling `body` raises an error whose message contains `text`; returns the message.", module: "cordial.test",
            parameters: [.init("body", "fun()", "code that should fail"), .init("text", "string", "a part of the expected message", optional: true)],
            results: [.init("string", "the error message")]
        ) { _, arguments in
            let body = try arguments.get(1, "body", as: LuaFunction.self)
            let text = try arguments.get(2, "text", as: String?.self)
            do {
                try body.run()
            } catch let error as LuaRunError where !error.isLimit {
                guard text.map(error.message.contains) ?? true else {
                    throw PluginAPIError("expected an error containing '\(text!)', got: \(error.message)")
                }
                return error.message
            }
            throw PluginAPIError("expected an error" + (text.map { " containing '\($0)'" } ?? "") + ", but the code succeeded")
        },
    ]

    /// The fields of `test.customer`'s table (``TestFixtures`` reads them).
    static let customerFixture = LuaAPIClass("cordial.TestCustomer", "A fixture customer for `test.customer`; every field is optional.", fields: [
        .init("external_id", "string?", "id in the fixture source \"test\" (default test-N)"),
        .init("given_name", "string?", "given name"),
        .init("family_name", "string?", "family name"),
        .init("locale", "string?", "default \"en\""),
        .init("tier", "string?", "tier"),
        .init("city", "string?", "city"),
        .init("region", "string?", "region (with city)"),
        .init("birthday", "string?", "\"YYYY-MM-DD\" or \"--MM-DD\""),
        .init("tags", "string[]?", "tags"),
        .init("attributes", "table<string, any>?", "free attributes"),
        .init("purchases", "{date: string?, days_ago: integer?, amount: number|string, currency: string?}[]?", "purchases; `days_ago` counts back from `test.today`"),
        .init("value", "{p_alive: number?, expected_purchases: number?, expected_spend: number?, clv: number?, spent: number?, referrals: integer?, influence: number?, rfm: {r: integer, f: integer, m: integer}?}?", "what a value fit would have stored (`c.value`, as of `test.today`)"),
    ])

    static func session(_ context: PluginContext) throws -> PluginTestSession {
        guard let session = context.testSession else { throw PluginAPIError("cordial.test is only available in plugin tests") }
        return session
    }
}

/// The fixture table of `test.customer`.
enum TestFixtures {
    static let keys: Set<String> = [
        "external_id", "given_name", "family_name", "locale", "tier", "city", "region", "birthday", "tags", "attributes", "purchases",
        "value",
    ]

    static let valueKeys: Set<String> = ["p_alive", "expected_purchases", "expected_spend", "clv", "spent", "referrals", "influence", "rfm"]

    /// A fixture's `value` table: what a value fit would have stored for the customer, as
    /// of the test's today. Absent figures are nil in the view, as for a customer the fit
    /// could not score.
    static func value(_ value: LuaValue, customer: CustomerID, context: PluginContext, arguments: LuaArguments) throws -> CustomerValue {
        guard let table = value.tableValue, table.array.isEmpty else { throw arguments.invalid("fields", "value must be a table of value figures") }
        try checkKeys(of: table, known: valueKeys, naming: "value field", arguments: arguments)
        func number(_ key: String) throws -> Double? {
            let field = table[key]
            if field.isNil { return nil }
            guard let number = field.doubleValue else { throw arguments.invalid("fields", "value.\(key) must be a number, got \(field.typeName)") }
            guard number.isFinite else { throw arguments.invalid("fields", "value.\(key) must be a finite number, got \(number)") }
            return number
        }
        func count(_ key: String) throws -> Int {
            guard let number = try number(key) else { return 0 }
            guard let count = Int(exactly: number), (0...1_000_000_000).contains(count) else {
                throw arguments.invalid("fields", "value.\(key) must be a whole number from 0 to 1000000000, got \(number)")
            }
            return count
        }
        var rfm: RFMScore?
        if let scores = table["rfm"].tableValue {
            func score(_ key: String) throws -> Int {
                guard let n = scores[key].doubleValue, let score = Int(exactly: n), (1...5).contains(score) else {
                    throw arguments.invalid("fields", "value.rfm.\(key) must be an integer 1…5")
                }
                return score
            }
            rfm = RFMScore(recency: try score("r"), frequency: try score("f"), monetary: try score("m"))
        } else if !table["rfm"].isNil {
            throw arguments.invalid("fields", "value.rfm must be a table { r = …, f = …, m = … }")
        }
        return CustomerValue(
            customer: customer, fit: 0, endDay: context.todayNumber,
            summary: RepeatPurchaseSummary(customer: customer, frequency: 0, recency: 0, age: 0, repeatMean: 0),
            spent: try number("spent") ?? 0, rfm: rfm,
            scores: ModelScores(
                probabilityAlive: try number("p_alive") ?? .nan, expectedPurchases: try number("expected_purchases") ?? .nan,
                expectedSpend: try number("expected_spend") ?? .nan, lifetimeValue: try number("clv") ?? .nan),
            referrals: try count("referrals"), influenceValue: try number("influence") ?? 0)
    }

    /// Refuses a key of `table` outside `known`, listing the known ones (a misspelt fixture
    /// field would otherwise test something else than meant).
    static func checkKeys(of table: LuaTable, known: Set<String>, naming: String, arguments: LuaArguments) throws {
        for key in table.hash.keys where !known.contains(key.stringValue ?? "") {
            throw arguments.invalid("fields", "unknown \(naming) '\(key.stringValue ?? key.typeName)' (known: \(known.sorted().joined(separator: ", ")))")
        }
    }

    static func batch(_ value: LuaValue, number: Int, context: PluginContext, arguments: LuaArguments) throws -> ImportBatch {
        let fields = value.isNil ? LuaTable() : (value.tableValue ?? LuaTable(array: [.nil]))
        guard fields.array.isEmpty else { throw arguments.invalid("fields", "expected a table of customer fields") }
        try checkKeys(of: fields, known: keys, naming: "field", arguments: arguments)
        func text(_ key: String) throws -> String? {
            let field = fields[key]
            if field.isNil { return nil }
            guard let text = field.stringValue else { throw arguments.invalid("fields", "\(key) must be a string") }
            return text
        }
        let external = try text("external_id") ?? "test-\(number)"
        var customer = Customer(
            source: "test", externalID: external, name: PersonName(given: try text("given_name") ?? "Test", family: try text("family_name") ?? "Customer \(number)"),
            locale: try text("locale") ?? "en", tier: try text("tier"))
        if let city = try text("city") { customer.address = Address(city: city, region: try text("region")) }
        if let birthday = try text("birthday") {
            let parts = birthday.split(separator: "-", omittingEmptySubsequences: false)
            let parsed = parts.count == 3 ? Birthday(year: Int(parts[0]), month: Int(parts[1]) ?? 0, day: Int(parts[2]) ?? 0)
                : parts.count == 4 ? Birthday(year: nil, month: Int(parts[2]) ?? 0, day: Int(parts[3]) ?? 0) : nil
            guard let parsed else { throw arguments.invalid("fields", "birthday must be \"YYYY-MM-DD\" or \"--MM-DD\", got '\(birthday)'") }
            customer.birthday = parsed
        }
        if let tags = fields["tags"].tableValue { customer.tags = tags.array.compactMap(\.stringValue) }
        if !fields["attributes"].isNil, case .object(let object) = try LuaJSON.jsonValue(fields["attributes"], path: "attributes") {
            customer.attributes = object
        }
        var purchases: [ImportedPurchase] = []
        let today = context.todayNumber
        for (index, entry) in (fields["purchases"].tableValue?.array ?? []).enumerated() {
            guard let purchase = entry.tableValue else { throw arguments.invalid("fields", "purchases[\(index + 1)] must be a table") }
            let day: Int
            if let date = purchase["date"].stringValue {
                guard let parsed = CalendarDays.day(of: date) else { throw arguments.invalid("fields", "purchases[\(index + 1)].date '\(date)' is not YYYY-MM-DD") }
                day = parsed
            } else if let ago = purchase["days_ago"].integerValue {
                guard (-36_500...36_500).contains(ago) else {
                    throw arguments.invalid("fields", "purchases[\(index + 1)].days_ago must be -36500 to 36500, got \(ago)")
                }
                day = today - Int(ago)
            } else {
                throw arguments.invalid("fields", "purchases[\(index + 1)] needs date = \"YYYY-MM-DD\" or days_ago = N")
            }
            let amountValue = purchase["amount"]
            let amountText = amountValue.stringValue ?? amountValue.integerValue.map(String.init) ?? amountValue.doubleValue.map { String($0) } ?? "0"
            let currency = purchase["currency"].stringValue ?? "VND"
            guard let money = Money(parsing: amountText, currency: currency) else {
                throw arguments.invalid("fields", "purchases[\(index + 1)].amount '\(amountText)' is not an amount")
            }
            purchases.append(ImportedPurchase(
                customerSource: "test", customerExternalID: external,
                purchase: Purchase(
                    customerID: CustomerID(0), source: "test", externalID: "\(external)-\(index + 1)",
                    time: CalendarDays.date(ofDay: day) + 43_200, amount: money)))
        }
        return ImportBatch(customers: [customer], purchases: purchases)
    }
}
