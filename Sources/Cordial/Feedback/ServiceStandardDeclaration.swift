import CordialCore
import Foundation
import LuaHost

/// `plugin:business_hours` and `plugin:feedback_sla`: the clocks feedback is handled against.
enum ServiceStandardDeclaration {
    static func businessHours(_ arguments: LuaArguments, in context: PluginContext) throws {
        let value = try arguments.value(2, "hours")
        guard let spec = value.tableValue, spec.array.isEmpty else {
            throw arguments.invalid("hours", "expected a table such as { time_zone = \"Asia/Ho_Chi_Minh\", hours = { [\"mon-fri\"] = { \"08:00-17:00\" } } }, got \(value.typeName)")
        }
        guard context.registrations.businessHours == nil else { throw PluginAPIError("business hours are declared twice") }
        try PolicyDeclaration.checkKeys(spec, ["time_zone", "hours", "calendar", "closed", "teams"], "unknown field")
        guard let zoneName = spec["time_zone"].stringValue, let zone = TimeZone(identifier: zoneName) else {
            throw PluginAPIError("time_zone must be a time zone such as \"Asia/Ho_Chi_Minh\" or \"Asia/Shanghai\"")
        }
        var calendar: String?
        if !spec["calendar"].isNil {
            guard let name = spec["calendar"].stringValue, HolidayCalendar.forLocale(name) != nil else {
                throw PluginAPIError("calendar must be a holiday calendar: \(HolidayCalendar.all.map(\.locale).joined(separator: ", "))")
            }
            calendar = name
        }
        let closed = try closures(spec["closed"], "closed", calendar: calendar)
        var teams: [String: OrganisationHours.Team] = [:]
        if !spec["teams"].isNil {
            guard let table = spec["teams"].tableValue, table.array.isEmpty else { throw PluginAPIError("teams must be a table of teams by name") }
            for (key, entry) in table.hash {
                guard let name = key.stringValue, PluginManifest.isValidName(name) else {
                    throw PluginAPIError("teams: '\(key.stringValue ?? key.typeName)' is not a team name (lower-case letters, digits, dashes)")
                }
                guard let team = entry.tableValue, team.array.isEmpty else { throw PluginAPIError("teams.\(name) must be a table { hours = …, closed = … }") }
                try PolicyDeclaration.checkKeys(team, ["hours", "closed"], "teams.\(name): unknown field")
                teams[name] = OrganisationHours.Team(
                    weekly: try weekly(team["hours"], "teams.\(name).hours"),
                    closed: team["closed"].isNil ? nil : try closures(team["closed"], "teams.\(name).closed", calendar: calendar))
            }
        }
        context.registrations.businessHours = OrganisationHours(
            timeZone: zone, weekly: try weekly(spec["hours"], "hours"), calendar: calendar, closed: closed, teams: teams,
            definedAt: arguments.callerLocation ?? context.file)
    }

    /// `{ ["mon-fri"] = { "08:00-12:00", "13:00-17:30" }, sat = { "08:00-12:00" } }`
    static func weekly(_ value: LuaValue, _ place: String) throws -> [Int: [Range<Int>]] {
        guard let table = value.tableValue, table.array.isEmpty, !table.hash.isEmpty else {
            throw PluginAPIError("\(place) must be a table of opening hours by day, such as { [\"mon-fri\"] = { \"08:00-12:00\", \"13:00-17:30\" } }")
        }
        var weekly: [Int: [Range<Int>]] = [:]
        for (key, entry) in table.hash {
            guard let text = key.stringValue, let days = OrganisationHours.weekdays(text) else {
                throw PluginAPIError("\(place): '\(key.stringValue ?? key.typeName)' is not a day or days (mon, sat-sun, mon-fri)")
            }
            guard let list = entry.tableValue, list.hash.isEmpty else { throw PluginAPIError("\(place).\(text) must be a list of hours such as { \"08:00-12:00\" }") }
            var intervals: [Range<Int>] = []
            for item in list.array {
                guard let written = item.stringValue, let interval = OrganisationHours.interval(written) else {
                    throw PluginAPIError("\(place).\(text): '\(item.stringValue ?? item.typeName)' is not hours such as \"08:00-12:00\"")
                }
                intervals.append(interval)
            }
            intervals.sort { $0.lowerBound < $1.lowerBound }
            for (earlier, later) in zip(intervals, intervals.dropFirst()) where earlier.upperBound > later.lowerBound {
                throw PluginAPIError("\(place).\(text): hours overlap")
            }
            for day in days {
                guard weekly[day] == nil else { throw PluginAPIError("\(place): a day is given twice ('\(text)')") }
                weekly[day] = intervals
            }
        }
        return weekly
    }

    /// `{ "national-day", { holiday = "lunar-new-year", before = 1, after = 4 }, "2025-09-01" }`
    static func closures(_ value: LuaValue, _ place: String, calendar: String?) throws -> [OrganisationHours.Closure] {
        if value.isNil { return [] }
        guard let list = value.tableValue, list.hash.isEmpty else {
            throw PluginAPIError("\(place) must be a list of holidays and dates, such as { \"national-day\", \"2025-09-01\" }")
        }
        let holidays = calendar.flatMap(HolidayCalendar.forLocale)
        func holiday(_ name: String) throws -> String {
            guard let holidays else { throw PluginAPIError("\(place): '\(name)' is a holiday: give the calendar (calendar = \"vi\")") }
            guard holidays.holiday(named: name) != nil else {
                throw PluginAPIError("\(place): '\(name)' is not a holiday of calendar '\(holidays.locale)' (\(holidays.holidays.map(\.id).joined(separator: ", ")))")
            }
            return name
        }
        return try list.array.map { item in
            if let text = item.stringValue {
                if let day = CalendarDays.day(of: text) { return .date(day) }
                return .holiday(try holiday(text), before: 0, after: 0)
            }
            guard let table = item.tableValue, table.array.isEmpty, let name = table["holiday"].stringValue else {
                throw PluginAPIError("\(place): an item must be a holiday, a date \"YYYY-MM-DD\", or { holiday = \"…\", before = 1, after = 4 }")
            }
            try PolicyDeclaration.checkKeys(table, ["holiday", "before", "after"], "\(place): unknown field")
            let before = table["before"].isNil ? 0 : try PolicyDeclaration.count(table["before"], "\(place): before", in: 0...30)
            let after = table["after"].isNil ? 0 : try PolicyDeclaration.count(table["after"], "\(place): after", in: 0...30)
            return .holiday(try holiday(name), before: before, after: after)
        }
    }

    static func sla(_ arguments: LuaArguments, in context: PluginContext) throws {
        let name = try arguments.get(2, "name", as: String.self)
        guard PluginManifest.isValidName(name) else { throw arguments.invalid("name", "'\(name.prefix(40))' is not a valid name: lower-case letters, digits and dashes") }
        guard !context.registrations.feedbackSLAs.contains(where: { $0.name == name }) else { throw PluginAPIError("feedback SLA '\(name)' is declared twice") }
        let value = try arguments.value(3, "spec")
        guard let spec = value.tableValue, spec.array.isEmpty else {
            throw arguments.invalid("spec", "expected a table such as { kind = \"complaint\", first_contact = \"1h\", resolution = \"2bd\" }, got \(value.typeName)")
        }
        try PolicyDeclaration.checkKeys(spec, ["kind", "severity", "segment", "first_contact", "resolution", "callback", "pause_in"], "'\(name)': unknown field")
        func choices<Value: RawRepresentable & CaseIterable & Hashable>(_ key: String, _: Value.Type) throws -> Set<Value>? where Value.RawValue == String {
            let entry = spec[key]
            if entry.isNil { return nil }
            let texts = entry.stringValue.map { [$0] } ?? entry.tableValue?.array.compactMap(\.stringValue) ?? []
            guard !texts.isEmpty, texts.count == (entry.tableValue?.array.count ?? 1) else {
                throw PluginAPIError("'\(name)': \(key) must be one of \(Value.allCases.map(\.rawValue).joined(separator: ", ")), or a list of them")
            }
            return Set(try texts.map { text in
                guard let value = Value(rawValue: text) else {
                    throw PluginAPIError("'\(name)': \(key) '\(text.prefix(40))' is not one of \(Value.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return value
            })
        }
        func span(_ entry: LuaValue, _ key: String) throws -> BusinessHours.Span? {
            if entry.isNil { return nil }
            guard let text = entry.stringValue, let span = BusinessHours.Span(text) else {
                throw PluginAPIError("'\(name)': \(key) must be a span such as \"1h\" or \"90m\" (working time), \"2bd\" (business days), \"2d\" or \"12ch\" (calendar)")
            }
            return span
        }
        var sla = FeedbackSLA(
            name: name, kinds: try choices("kind", FeedbackKind.self), severities: try choices("severity", FeedbackSeverity.self),
            firstContact: try span(spec["first_contact"], "first_contact"), resolution: try span(spec["resolution"], "resolution"),
            definedAt: arguments.callerLocation ?? context.file)
        if let pause = try choices("pause_in", FeedbackStatus.self) {
            guard pause.allSatisfy(\.isOpen) else { throw PluginAPIError("'\(name)': pause_in names statuses of open cases only") }
            sla.pauseIn = pause
        }
        if !spec["segment"].isNil {
            guard let text = spec["segment"].stringValue else { throw PluginAPIError("'\(name)': segment must be \"SEGMENT\" or \"SEGMENT:LABEL\"") }
            let parts = text.split(separator: ":", maxSplits: 1).map(String.init)
            guard let segment = parts.first, PluginManifest.isValidName(segment) else {
                throw PluginAPIError("'\(name)': segment must be \"SEGMENT\" or \"SEGMENT:LABEL\"")
            }
            sla.segment = segment
            sla.label = parts.count == 2 ? parts[1] : nil
        }
        if !spec["callback"].isNil {
            guard let callback = spec["callback"].tableValue, callback.array.isEmpty else {
                throw PluginAPIError("'\(name)': callback must be { after = \"1d\", within = \"2d\" }")
            }
            try PolicyDeclaration.checkKeys(callback, ["after", "within"], "'\(name)': callback: unknown field")
            sla.callbackAfter = try span(callback["after"], "callback.after")
            guard let within = try span(callback["within"], "callback.within") else { throw PluginAPIError("'\(name)': callback needs within = \"2d\"") }
            sla.callbackWithin = within
        }
        guard sla.firstContact != nil || sla.resolution != nil || sla.callbackWithin != nil else {
            throw PluginAPIError("'\(name)': give first_contact, resolution or callback")
        }
        context.registrations.feedbackSLAs.append(sla)
    }
}

extension ServiceStandardDeclaration {
    /// `{ currency = "VND", levels = { { role = "agent", forms = { "voucher" }, up_to = 500000 }, { role = "manager" } } }`
    static func authority(_ arguments: LuaArguments, in context: PluginContext) throws {
        let value = try arguments.value(2, "authority")
        guard let spec = value.tableValue, spec.array.isEmpty else {
            throw arguments.invalid("authority", "expected a table such as { currency = \"VND\", levels = { { role = \"agent\", forms = { \"voucher\" }, up_to = 500000 } } }, got \(value.typeName)")
        }
        guard context.registrations.compensationAuthority == nil else { throw PluginAPIError("the authority to compensate is declared twice") }
        try PolicyDeclaration.checkKeys(spec, ["currency", "levels"], "unknown field")
        let currency = try PolicyDeclaration.currencyCode(spec["currency"], "feedback_authority")
        guard let list = spec["levels"].tableValue, list.hash.isEmpty, !list.array.isEmpty else {
            throw PluginAPIError("levels must be a non-empty list such as { { role = \"agent\", forms = { \"voucher\" }, up_to = 500000 }, { role = \"manager\" } }")
        }
        var levels: [CompensationAuthority.Level] = []
        for (index, entry) in list.array.enumerated() {
            let place = "levels[\(index + 1)]"
            guard let level = entry.tableValue, level.array.isEmpty else { throw PluginAPIError("\(place) must be a table such as { role = \"agent\", up_to = 500000 }") }
            try PolicyDeclaration.checkKeys(level, ["role", "forms", "up_to"], "\(place): unknown field")
            guard let role = level["role"].stringValue, PluginManifest.isValidName(role) else {
                throw PluginAPIError("\(place): role must be a role name in lower-case letters, digits and dashes, such as \"supervisor\"")
            }
            guard !levels.contains(where: { $0.role == role }) else { throw PluginAPIError("\(place): role '\(role)' is given twice") }
            var forms: Set<String>?
            if !level["forms"].isNil {
                guard let names = level["forms"].tableValue, names.hash.isEmpty, !names.array.isEmpty,
                      names.array.allSatisfy({ $0.stringValue.map(PluginManifest.isValidName) ?? false })
                else { throw PluginAPIError("\(place): forms must be a list of names such as { \"apology-gift\", \"voucher\", \"refund\" }") }
                forms = Set(names.array.compactMap(\.stringValue))
            }
            levels.append(CompensationAuthority.Level(role: role, forms: forms, upTo: try PolicyDeclaration.amount(level["up_to"], "\(place): up_to")))
        }
        context.registrations.compensationAuthority = CompensationAuthority(
            currency: currency, levels: levels, definedAt: arguments.callerLocation ?? context.file)
    }
}
