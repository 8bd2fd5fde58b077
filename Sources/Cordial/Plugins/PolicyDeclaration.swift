import CordialCore
import Foundation
import LuaHost

/// What `plugin:policy`, `plugin:frequency_cap` and `plugin:event` check and record. A bad
/// policy is refused here, at the line of `plugin.lua` that registers it, never when a plan
/// is made or applied; what only the other plugins can tell (the segments and events it
/// names) is checked when the registry loads the set (``PolicyReferences``).
enum PolicyDeclaration {
    static let policyKeys: Set<String> = ["description", "segment", "segments", "care", "budget", "currency", "most_valuable"]
    static let budgetKeys: Set<String> = ["total", "per_customer", "per_period"]
    static let occasionKeys: Set<String> = ["on", "every", "after"]
    static let formKeys: Set<String> = ["gift", "letter", "call", "invite", "visit"]
    static let itemKeys: Set<String> = occasionKeys.union(formKeys).union(["lead_days", "day", "days", "start"])
    static let occasionNames = ["birthday", "anniversary", "holiday:NAME"]
    /// Care items a policy holds, policies, caps and events a plugin registers: bounded, as
    /// registration keeps them in Swift.
    static let maximumItems = 100
    static let maximumRegistrations = 1_000

    // MARK: plugin:policy(name, spec)

    static func policy(_ arguments: LuaArguments, in context: PluginContext) throws {
        let name = try arguments.get(2, "name", as: String.self)
        guard PluginManifest.isValidName(name) else {
            throw arguments.invalid("name", "'\(name)' is not a valid policy name: use lower-case letters, digits and dashes")
        }
        guard !context.registrations.policies.contains(where: { $0.name == name }) else {
            throw PluginAPIError("policy '\(name)' is registered twice")
        }
        guard context.registrations.policies.count < maximumRegistrations else {
            throw PluginAPIError("a plugin registers at most \(maximumRegistrations) policies")
        }
        let value = try arguments.value(3, "spec")
        guard let spec = value.tableValue, spec.array.isEmpty else {
            throw arguments.invalid("spec", "expected a table such as { segment = \"value-tier:gold\", care = { … } }, got \(value.typeName)")
        }
        let place = "policy '\(name)'"
        try checkKeys(spec, policyKeys, "\(place): unknown field")
        let definedAt = arguments.callerLocation ?? context.file

        var description = ""
        if !spec["description"].isNil {
            guard let text = spec["description"].stringValue, text.utf8.count <= SegmentLabels.maximumDescriptionBytes else {
                throw PluginAPIError("\(place): description must be text of at most \(SegmentLabels.maximumDescriptionBytes) bytes")
            }
            description = text
        }
        let segments = try selectors(spec, place)
        let currency = try currencyCode(spec["currency"], place)
        let budget = try budget(spec["budget"], currency: currency, place)

        guard let care = spec["care"].tableValue, care.hash.isEmpty, !care.array.isEmpty else {
            throw PluginAPIError("\(place): care must be a non-empty list of care items, such as { { on = \"birthday\", letter = \"birthday\" } }")
        }
        guard care.array.count <= maximumItems else { throw PluginAPIError("\(place): at most \(maximumItems) care items") }
        var items: [CareItem] = []
        for (index, entry) in care.array.enumerated() {
            let itemPlace = "\(place): care[\(index + 1)]"
            guard let item = entry.tableValue, item.array.isEmpty else {
                throw PluginAPIError("\(itemPlace) must be a table such as { on = \"birthday\", letter = \"birthday\" }, got \(entry.typeName)")
            }
            try checkKeys(item, itemKeys, "\(itemPlace): unknown field")
            let occasion = try occasion(item, itemPlace)
            let (action, chooser) = try action(item, itemPlace)
            if let chooser { context.giftChoosers[GiftChooserKey(policy: name, item: index)] = chooser }
            items.append(CareItem(occasion: occasion, action: action, definedAt: definedAt))
        }
        var policy = CarePolicy(
            name: name, plugin: context.manifest?.name ?? "", description: description, segments: segments, items: items,
            budget: budget, definedAt: definedAt)
        if !spec["most_valuable"].isNil {
            policy.mostValuable = try count(spec["most_valuable"], "\(place): most_valuable (customers)", in: 1...10_000_000)
        }
        context.registrations.policies.append(policy)
    }

    private static func selectors(_ spec: LuaTable, _ place: String) throws -> [SegmentSelector] {
        var texts: [LuaValue] = []
        if !spec["segment"].isNil { texts.append(spec["segment"]) }
        if !spec["segments"].isNil {
            guard let list = spec["segments"].tableValue, list.hash.isEmpty else {
                throw PluginAPIError("\(place): segments must be a list such as { \"value-tier:gold\", \"value-tier:silver\" }")
            }
            texts += list.array
        }
        guard !texts.isEmpty else {
            throw PluginAPIError("\(place): name the customers it is for: segment = \"SEGMENT[:LABEL]\" or segments = { … }")
        }
        return try texts.map { value in
            guard let text = value.stringValue, let selector = SegmentSelector(text),
                  PluginManifest.isValidName(selector.segment), selector.label.map(SegmentLabels.isValid) ?? true else {
                throw PluginAPIError("\(place): '\(value.stringValue ?? value.typeName)' is not a segment (SEGMENT or SEGMENT:LABEL)")
            }
            return selector
        }
    }

    static func currencyCode(_ value: LuaValue, _ place: String) throws -> String {
        guard !value.isNil else { return "VND" }
        guard let code = value.stringValue, code.count == 3, code.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw PluginAPIError("\(place): currency must be an ISO 4217 code such as \"VND\", \"CNY\" or \"USD\"")
        }
        return code
    }

    static func budget(_ value: LuaValue, currency: String, _ place: String) throws -> CareBudget {
        var budget = CareBudget(currency: currency)
        guard !value.isNil else { return budget }
        guard let table = value.tableValue, table.array.isEmpty else {
            throw PluginAPIError("\(place): budget must be a table such as { total = 20000000, per_customer = 500000 }")
        }
        try checkKeys(table, budgetKeys, "\(place): unknown budget field")
        budget.total = try amount(table["total"], "\(place): budget.total")
        budget.perCustomer = try amount(table["per_customer"], "\(place): budget.per_customer")
        if !table["per_period"].isNil {
            guard let period = table["per_period"].tableValue, period.array.isEmpty else {
                throw PluginAPIError("\(place): budget.per_period must be a table such as { amount = 5000000, days = 30 }")
            }
            try checkKeys(period, ["amount", "days"], "\(place): unknown budget.per_period field")
            guard let amount = try amount(period["amount"], "\(place): budget.per_period.amount") else {
                throw PluginAPIError("\(place): budget.per_period needs an amount")
            }
            let days = try count(period["days"], "\(place): budget.per_period.days", in: 1...3660)
            budget.perPeriod = CareBudget.Period(amount: amount, days: days)
        }
        return budget
    }

    /// A sum of money: an integer, a float or decimal text ("1250.50"); never negative.
    static func amount(_ value: LuaValue, _ place: String) throws -> Decimal? {
        let parsed: Decimal?
        switch value {
        case .nil: return nil
        case .integer(let number): parsed = Decimal(number)
        case .number(let number) where number.isFinite: parsed = Decimal(string: "\(number)", locale: Locale(identifier: "en_US_POSIX"))
        case .string: parsed = value.stringValue.flatMap { Money(parsing: $0, currency: "XXX")?.amount }
        default: parsed = nil
        }
        guard let parsed else { throw PluginAPIError("\(place) must be an amount (a number or text such as \"1250.50\"), got \(value.typeName)") }
        guard parsed >= 0 else { throw PluginAPIError("\(place) must not be negative, got \(parsed)") }
        guard parsed < Decimal(string: "1e15")! else { throw PluginAPIError("\(place) is too large: \(parsed)") }
        return parsed
    }

    static func count(_ value: LuaValue, _ place: String, in range: ClosedRange<Int>) throws -> Int {
        guard let number = value.integerValue else {
            throw PluginAPIError("\(place) must be an integer from \(range.lowerBound) to \(range.upperBound), got \(value.typeName)")
        }
        guard number >= range.lowerBound, number <= range.upperBound else {
            throw PluginAPIError("\(place) must be from \(range.lowerBound) to \(range.upperBound), got \(number)")
        }
        return Int(number)
    }

    // MARK: Occasions

    private static func occasion(_ item: LuaTable, _ place: String) throws -> Occasion {
        let given = occasionKeys.filter { !item[$0].isNil }.sorted()
        guard given.count == 1, let kind = given.first else {
            throw PluginAPIError("\(place): give one occasion: on = \"birthday\" | \"anniversary\" | \"holiday:NAME\", every = \"month\" | \"quarter\" | DAYS, or after = \"purchase\" | \"visit\"")
        }
        func lead() throws -> Int { item["lead_days"].isNil ? 0 : try count(item["lead_days"], "\(place): lead_days", in: 0...366) }
        func refuse(_ keys: [String]) throws {
            for key in keys where !item[key].isNil { throw PluginAPIError("\(place): '\(key)' does not apply to this occasion") }
        }
        switch kind {
        case "on":
            guard let name = item["on"].stringValue else { throw PluginAPIError("\(place): on must be text such as \"birthday\"") }
            try refuse(["day", "days", "start"])
            if name == "birthday" { return .birthday(leadDays: try lead()) }
            if name == "anniversary" { return .anniversary(leadDays: try lead()) }
            if name.hasPrefix("holiday:") {
                let holiday = String(name.dropFirst("holiday:".count))
                guard HolidayCalendar.knownNames.contains(holiday) else {
                    throw PluginAPIError("\(place): no holiday '\(holiday)' (known: \(HolidayCalendar.knownNames.joined(separator: ", ")))")
                }
                return .holiday(name: holiday, leadDays: try lead())
            }
            throw PluginAPIError("\(place): unknown occasion '\(name)' (known: \(occasionNames.joined(separator: ", ")))")
        case "every":
            try refuse(["lead_days", "days"])
            let every = item["every"]
            if let days = every.integerValue {
                guard (1...3660).contains(days) else { throw PluginAPIError("\(place): every must be 1 to 3660 days, got \(days)") }
                guard item["day"].isNil else { throw PluginAPIError("\(place): 'day' applies to every = \"month\" or \"quarter\"") }
                var start = 0
                if !item["start"].isNil {
                    guard let text = item["start"].stringValue, let day = CalendarDays.day(of: text) else {
                        throw PluginAPIError("\(place): start must be a date \"YYYY-MM-DD\"")
                    }
                    start = day
                }
                return .every(.days(Int(days), start: start))
            }
            guard let unit = every.stringValue, unit == "month" || unit == "quarter" else {
                throw PluginAPIError("\(place): every must be \"month\", \"quarter\" or a number of days, got \(every.stringValue.map { "'\($0)'" } ?? every.typeName)")
            }
            guard item["start"].isNil else { throw PluginAPIError("\(place): 'start' applies to every = DAYS") }
            let day = item["day"].isNil ? 1 : try count(item["day"], "\(place): day", in: 1...31)
            return .every(unit == "month" ? .month(day: day) : .quarter(day: day))
        default:
            try refuse(["lead_days", "day", "start"])
            guard let name = item["after"].stringValue else { throw PluginAPIError("\(place): after must be text such as \"purchase\"") }
            guard let event = Occasion.Event(rawValue: name) else {
                if name == "complaint-resolved" {
                    throw PluginAPIError("\(place): after = \"complaint-resolved\" needs feedback records, which this version does not keep yet")
                }
                throw PluginAPIError("\(place): unknown event '\(name)' (known: \(Occasion.Event.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let days = item["days"].isNil ? 0 : try count(item["days"], "\(place): days", in: 0...3660)
            return .after(event: event, days: days)
        }
    }

    // MARK: Care forms

    private static func action(_ item: LuaTable, _ place: String) throws -> (CareAction, LuaFunction?) {
        let given = formKeys.filter { !item[$0].isNil }.sorted()
        guard given.count == 1, let form = given.first else {
            throw PluginAPIError("\(place): give one care form: gift = { … }, letter = \"TEMPLATE\", call = { … }, invite = \"EVENT\" or visit = { … }")
        }
        let value = item[form]
        switch form {
        case "gift":
            guard let gift = value.tableValue, gift.array.isEmpty else {
                throw PluginAPIError("\(place): gift must be a table such as { catalog = \"premium\", item = \"tea-set\" }")
            }
            try checkKeys(gift, ["catalog", "item", "choose", "max_cost"], "\(place): unknown gift field")
            guard let catalog = gift["catalog"].stringValue, PluginManifest.isValidName(catalog) else {
                throw PluginAPIError("\(place): gift.catalog must name a catalog (lower-case letters, digits, dashes)")
            }
            let chooser = gift["choose"].functionValue
            guard gift["choose"].isNil || chooser != nil else { throw PluginAPIError("\(place): gift.choose must be a function") }
            let itemName = gift["item"].stringValue
            guard gift["item"].isNil || (itemName.map { !$0.isEmpty && $0.utf8.count <= 64 } ?? false) else {
                throw PluginAPIError("\(place): gift.item must be an item's code (text)")
            }
            guard (itemName == nil) != (chooser == nil) else {
                throw PluginAPIError("\(place): a gift names its item (item = \"CODE\") or chooses it per customer (choose = function(c, items) … end), one of the two")
            }
            let maxCost = try amount(gift["max_cost"], "\(place): gift.max_cost")
            return (.gift(catalog: catalog, item: itemName, chooses: chooser != nil, maxCost: maxCost), chooser)
        case "letter":
            var template = value.stringValue, channel = ContactChannel.email, cost: Decimal?
            if let letter = value.tableValue {
                try checkKeys(letter, ["template", "channel", "cost"], "\(place): unknown letter field")
                template = letter["template"].stringValue
                channel = try letterChannel(letter["channel"], place)
                cost = try amount(letter["cost"], "\(place): letter.cost")
            }
            guard let template, PluginManifest.isValidName(template) else {
                throw PluginAPIError("\(place): letter must name a template (\"birthday\" for letters/birthday.LOCALE.mustache), or be { template = …, channel = \"email\" | \"post\" | \"sms\" }")
            }
            return (.letter(template: template, channel: channel, cost: cost), nil)
        case "call":
            guard let call = value.tableValue, call.array.isEmpty else {
                throw PluginAPIError("\(place): call must be a table such as { role = \"agent\", script = \"Thank them for …\" }")
            }
            try checkKeys(call, ["role", "script", "cost"], "\(place): unknown call field")
            guard let role = call["role"].stringValue, PluginManifest.isValidName(role) else {
                throw PluginAPIError("\(place): call.role must name the role of the agent who calls (\"agent\", \"account-manager\")")
            }
            guard let script = call["script"].stringValue, !script.isEmpty, script.utf8.count <= 4000 else {
                throw PluginAPIError("\(place): call.script must be the text the agent follows (1 to 4000 bytes)")
            }
            return (.call(script: script, role: role, cost: try amount(call["cost"], "\(place): call.cost")), nil)
        case "visit":
            return (.visit(try visitCare(value, place)), nil)
        default:
            var event = value.stringValue, channel = ContactChannel.email
            if let invite = value.tableValue {
                try checkKeys(invite, ["event", "channel"], "\(place): unknown invite field")
                event = invite["event"].stringValue
                channel = try letterChannel(invite["channel"], place)
            }
            guard let event, PluginManifest.isValidName(event) else {
                throw PluginAPIError("\(place): invite must name an event the plugin declares with plugin:event")
            }
            return (.invitation(event: event, channel: channel), nil)
        }
    }

    /// `visit = { role = "account-manager", minutes = 60, within = 14, buffer = 30, own_manager = true, cost = … }`.
    static func visitCare(_ value: LuaValue, _ place: String) throws -> VisitCare {
        guard let visit = value.tableValue, visit.array.isEmpty else {
            throw PluginAPIError("\(place): visit must be a table such as { role = \"account-manager\", minutes = 60, within = 14 }")
        }
        try checkKeys(visit, ["role", "minutes", "within", "buffer", "own_manager", "cost"], "\(place): unknown visit field")
        return try visitCare(fields: visit, place)
    }

    /// A visit's fields (role, minutes, within, buffer, own_manager, cost) from a table whose
    /// keys the caller checked.
    static func visitCare(fields visit: LuaTable, _ place: String) throws -> VisitCare {
        guard let role = visit["role"].stringValue, Staff.isRoleName(role) else {
            throw PluginAPIError("\(place): visit.role must name the role of the staff who visit (\"account-manager\")")
        }
        var care = VisitCare(role: role)
        if !visit["minutes"].isNil { care.minutes = try count(visit["minutes"], "\(place): visit.minutes", in: 5...720) }
        if !visit["within"].isNil { care.within = try count(visit["within"], "\(place): visit.within (days)", in: 1...366) }
        if !visit["buffer"].isNil { care.buffer = try count(visit["buffer"], "\(place): visit.buffer (minutes)", in: 0...480) }
        let ownManager = visit["own_manager"]
        if ownManager.boolValue == true {
            care.ownManagerAttribute = "account_manager"
        } else if let attribute = ownManager.stringValue, !attribute.isEmpty, attribute.utf8.count <= 64 {
            care.ownManagerAttribute = attribute
        } else if !ownManager.isNil && ownManager.boolValue != false {
            throw PluginAPIError("\(place): visit.own_manager must be true (the customer attribute account_manager) or the name of the attribute holding their manager's staff id")
        }
        care.cost = try amount(visit["cost"], "\(place): visit.cost")
        return care
    }

    static func letterChannel(_ value: LuaValue, _ place: String) throws -> ContactChannel {
        guard !value.isNil else { return .email }
        guard let text = value.stringValue, let channel = ContactChannel(rawValue: text), channel != .phone, channel != .visit else {
            throw PluginAPIError("\(place): channel must be \"email\", \"post\" or \"sms\"")
        }
        return channel
    }

    // MARK: plugin:frequency_cap(spec), plugin:event(name, spec)

    static func frequencyCap(_ arguments: LuaArguments, in context: PluginContext) throws {
        let value = try arguments.value(2, "cap")
        guard let cap = value.tableValue, cap.array.isEmpty else {
            throw arguments.invalid("cap", "expected a table such as { form = \"gift\", count = 1, days = 90 }, got \(value.typeName)")
        }
        guard context.registrations.frequencyCaps.count < maximumRegistrations else {
            throw PluginAPIError("a plugin registers at most \(maximumRegistrations) frequency caps")
        }
        try checkKeys(cap, ["form", "forms", "count", "days"], "frequency cap: unknown field")
        var names: [LuaValue] = []
        if !cap["form"].isNil { names.append(cap["form"]) }
        if let list = cap["forms"].tableValue { names += list.array } else if !cap["forms"].isNil {
            throw PluginAPIError("frequency cap: forms must be a list such as { \"letter\", \"call\" }")
        }
        var forms: Set<CareForm> = []
        for name in names {
            if name.stringValue == "any" { forms.formUnion(CareForm.allCases); continue }
            guard let text = name.stringValue, let form = CareForm(rawValue: text == "invite" ? "invitation" : text) else {
                throw PluginAPIError("frequency cap: unknown form '\(name.stringValue ?? name.typeName)' (known: any, gift, letter, call, invite)")
            }
            forms.insert(form)
        }
        guard !forms.isEmpty else { throw PluginAPIError("frequency cap: name the care forms it limits: form = \"gift\", or \"any\" for every contact") }
        let most = try count(cap["count"], "frequency cap: count", in: 1...1000)
        let days = try count(cap["days"], "frequency cap: days", in: 1...3660)
        context.registrations.frequencyCaps.append(
            FrequencyCap(forms: forms, count: most, days: days, definedAt: arguments.callerLocation ?? context.file))
    }

    static func approvals(_ arguments: LuaArguments, in context: PluginContext) throws {
        let value = try arguments.value(2, "levels")
        guard let spec = value.tableValue, spec.array.isEmpty else {
            throw arguments.invalid("levels", "expected a table such as { without_approval = { cost = 5000000 }, levels = { { role = \"director\" } } }, got \(value.typeName)")
        }
        guard context.registrations.approvals == nil else { throw PluginAPIError("approval levels are declared twice") }
        try checkKeys(spec, ["currency", "without_approval", "levels"], "approvals: unknown field")
        let currency = try currencyCode(spec["currency"], "approvals")
        var freeCost: Decimal?, freeCustomers: Int?
        if !spec["without_approval"].isNil {
            guard let free = spec["without_approval"].tableValue, free.array.isEmpty else {
                throw PluginAPIError("approvals: without_approval must be a table such as { cost = 5000000, customers = 200 }")
            }
            try checkKeys(free, ["cost", "customers"], "approvals: unknown without_approval field")
            freeCost = try amount(free["cost"], "approvals: without_approval.cost")
            freeCustomers = free["customers"].isNil ? nil : try count(free["customers"], "approvals: without_approval.customers", in: 0...1_000_000_000)
        }
        guard let list = spec["levels"].tableValue, list.hash.isEmpty, !list.array.isEmpty else {
            throw PluginAPIError("approvals: levels must be a non-empty list such as { { role = \"marketing-lead\", cost = 50000000 }, { role = \"director\" } }")
        }
        guard list.array.count <= maximumRegistrations else { throw PluginAPIError("approvals: at most \(maximumRegistrations) levels") }
        var levels: [ApprovalRules.Level] = []
        for (index, entry) in list.array.enumerated() {
            let place = "approvals: levels[\(index + 1)]"
            guard let level = entry.tableValue, level.array.isEmpty else {
                throw PluginAPIError("\(place) must be a table such as { role = \"marketing-lead\", cost = 50000000, customers = 5000 }")
            }
            try checkKeys(level, ["role", "cost", "customers"], "\(place): unknown field")
            guard let role = level["role"].stringValue, PluginManifest.isValidName(role) else {
                throw PluginAPIError("\(place): role must be a role name in lower-case letters, digits and dashes, such as \"marketing-lead\"")
            }
            guard !levels.contains(where: { $0.role == role }) else { throw PluginAPIError("\(place): role '\(role)' is given twice") }
            let customers = level["customers"].isNil ? nil : try count(level["customers"], "\(place): customers", in: 1...1_000_000_000)
            levels.append(ApprovalRules.Level(role: role, maxCost: try amount(level["cost"], "\(place): cost"), maxCustomers: customers))
        }
        context.registrations.approvals = ApprovalRules(
            currency: currency, freeCost: freeCost, freeCustomers: freeCustomers, levels: levels, definedAt: arguments.callerLocation ?? context.file)
    }

    static func event(_ arguments: LuaArguments, in context: PluginContext) throws {
        let name = try arguments.get(2, "name", as: String.self)
        guard PluginManifest.isValidName(name) else {
            throw arguments.invalid("name", "'\(name)' is not a valid event name: use lower-case letters, digits and dashes")
        }
        guard !context.registrations.events.contains(where: { $0.name == name }) else { throw PluginAPIError("event '\(name)' is declared twice") }
        guard context.registrations.events.count < maximumRegistrations else {
            throw PluginAPIError("a plugin declares at most \(maximumRegistrations) events")
        }
        let value = try arguments.value(3, "spec")
        guard let spec = value.tableValue, spec.array.isEmpty else {
            throw arguments.invalid("spec", "expected a table such as { title = \"Year-end gala\", date = \"2026-12-20\", capacity = 200 }, got \(value.typeName)")
        }
        try checkKeys(spec, ["title", "date", "capacity"], "event '\(name)': unknown field")
        guard let title = spec["title"].stringValue, !title.isEmpty, title.utf8.count <= 200 else {
            throw PluginAPIError("event '\(name)': title must be text of 1 to 200 bytes")
        }
        guard let date = spec["date"].stringValue, let day = CalendarDays.day(of: date) else {
            throw PluginAPIError("event '\(name)': date must be a date \"YYYY-MM-DD\"")
        }
        let capacity = try count(spec["capacity"], "event '\(name)': capacity", in: 1...1_000_000)
        context.registrations.events.append(
            CareEvent(name: name, title: title, day: day, capacity: capacity, definedAt: arguments.callerLocation ?? context.file))
    }

    static func checkKeys(_ table: LuaTable, _ known: Set<String>, _ problem: String) throws {
        for key in table.hash.keys {
            guard let name = key.stringValue, known.contains(name) else {
                throw PluginAPIError("\(problem) '\(key.stringValue ?? key.typeName)' (known: \(known.sorted().joined(separator: ", ")))")
            }
        }
    }
}

/// A policy's care item whose gift the plugin chooses per customer.
struct GiftChooserKey: Hashable {
    var policy: String
    var item: Int
}
