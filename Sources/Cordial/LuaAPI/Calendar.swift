import CordialCore
import LuaHost

/// `cordial.calendar`: holidays per locale and lunisolar dates, computed (never looked up).
extension LuaAPI {
    static let calendar: [LuaAPIFunction] = [
        LuaAPIFunction(
            "calendar.holiday",
            "The date of a holiday in a year for a locale (`vi-VN` reads as `vi`); nil when that locale does not keep it. Lunisolar festivals are computed on the locale's meridian: Tết and the Spring Festival can fall on different days.",
            parameters: [
                .init("name", "string", "a holiday's name or alias: `lunar-new-year` (`tet`, `spring-festival`), `mid-autumn`, `christmas`, … (`cordial calendar holidays YEAR` lists them)"),
                .init("year", "integer", "the Gregorian year, 1900 to 2199"),
                .init("locale", "string", "a locale tag such as `vi`, `zh-CN` or the customer's `c.locale`"),
            ],
            results: [.init("string?", "\"YYYY-MM-DD\", or nil")],
            example: "local tet = cordial.calendar.holiday(\"lunar-new-year\", 2026, c.locale or \"vi\")"
        ) { _, arguments in
            let name = try knownHolidayName(arguments)
            let year = try holidayYear(arguments, 2)
            let locale = try arguments.get(3, "locale", as: String.self)
            return HolidayCalendar.forLocale(locale)?.date(of: name, in: year).map(CalendarDays.text(ofDay:))
        },
        LuaAPIFunction(
            "calendar.holidays",
            "Every holiday a locale keeps in a year, in date order; an empty list for a locale without a calendar.",
            parameters: [
                .init("year", "integer", "the Gregorian year, 1900 to 2199"),
                .init("locale", "string", "a locale tag"),
            ],
            results: [.init("cordial.Holiday[]", "the holidays")]
        ) { _, arguments in
            let year = try holidayYear(arguments, 1)
            let locale = try arguments.get(2, "locale", as: String.self)
            let days = HolidayCalendar.forLocale(locale)?.holidays(in: year) ?? []
            return LuaValue.table(LuaTable(array: days.map { entry in
                .table(LuaTable(hash: [
                    "id": .string(LuaString(entry.holiday.id)), "name": .string(LuaString(entry.holiday.name)),
                    "date": .string(LuaString(CalendarDays.text(ofDay: entry.day))),
                ]))
            }))
        },
        LuaAPIFunction(
            "calendar.lunar_date",
            "A date of the Vietnamese (`vi`) or Chinese (`zh`) lunisolar calendar; nil for other locales or outside 1900–2199.",
            parameters: [
                .init("date", "string", "\"YYYY-MM-DD\""),
                .init("locale", "string", "`vi` or `zh` (or a tag of either)"),
            ],
            results: [.init("cordial.LunarDate?", "the lunar date")],
            example: "local lunar = cordial.calendar.lunar_date(c.birthday, \"vi\")  -- lunar.month, lunar.day"
        ) { _, arguments in
            let day = try LuaDates.day(arguments, 1, "date")
            let locale = try arguments.get(2, "locale", as: String.self)
            guard let lunar = HolidayCalendar.forLocale(locale)?.lunisolar?.lunarDate(ofDay: day) else { return LuaValue.nil }
            return LuaValue.table(LuaTable(hash: [
                "year": .integer(Int64(lunar.year)), "month": .integer(Int64(lunar.month)),
                "day": .integer(Int64(lunar.day)), "leap": .boolean(lunar.isLeapMonth),
            ]))
        },
    ]

    /// Argument 1 as a holiday name some locale knows; a misspelt name is an error, not nil.
    private static func knownHolidayName(_ arguments: LuaArguments) throws(LuaArgumentError) -> String {
        let name = try arguments.get(1, "name", as: String.self)
        guard HolidayCalendar.knownNames.contains(name) else {
            throw arguments.invalid("name", "no holiday '\(name)' (known: \(HolidayCalendar.knownNames.joined(separator: ", ")))")
        }
        return name
    }

    private static func holidayYear(_ arguments: LuaArguments, _ index: Int) throws(LuaArgumentError) -> Int {
        let years = HolidayCalendar.years
        return try arguments.integer(index, "year", in: Int64(years.lowerBound)...Int64(years.upperBound))
    }
}
