import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// `cordial.dates`: calendar days as "YYYY-MM-DD" text.
extension LuaAPI {
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
            // Any count that keeps the date within the years 0000 to 9999.
            let day = try LuaDates.day(arguments, 1, "date")
            let writable = CalendarDays.writableDays
            let days = try arguments.integer(
                2, "days", in: Int64(writable.lowerBound - day)...Int64(writable.upperBound - day))
            return CalendarDays.text(ofDay: day + days)
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
}
