import ArgumentParser
import CordialCore
import Foundation

/// `cordial calendar holidays YEAR [--locale L] [--json]`
struct CalendarCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "calendar", abstract: "Show the holidays care policies can name.",
        subcommands: [HolidaysCommand.self])
}

struct HolidaysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "holidays", abstract: "List a year's holidays per locale, with their dates.",
        discussion: """
            Lunisolar festivals (Tết, the Spring Festival, Mid-Autumn, …) are computed from the Sun and the
            Moon on the locale's own meridian: UTC+7 for Vietnamese since 1968, UTC+8 for Chinese. Policies
            name a holiday by the first column (`on = "holiday:lunar-new-year"`) or an alias.
            """)

    @Argument(help: "The Gregorian year (1900 to 2199).")
    var year: Int

    @Option(help: "Only this locale (vi, zh, en; vi-VN reads as vi).")
    var locale: String?

    @Flag(help: "Machine-readable output.")
    var json = false

    struct Row: Encodable {
        let locale: String
        let id: String
        let aliases: [String]
        let name: String
        let date: String
    }

    func validate() throws {
        guard HolidayCalendar.years.contains(year) else {
            throw ValidationError("year \(year) is outside the computed years \(HolidayCalendar.years.lowerBound) to \(HolidayCalendar.years.upperBound)")
        }
        if let locale, HolidayCalendar.forLocale(locale) == nil {
            let known = HolidayCalendar.all.map(\.locale).joined(separator: ", ")
            throw ValidationError("no holiday calendar for locale '\(locale)' (known: \(known))")
        }
    }

    func run() throws {
        let calendars = locale.flatMap(HolidayCalendar.forLocale).map { [$0] } ?? HolidayCalendar.all
        let rows = calendars.flatMap { calendar in
            calendar.holidays(in: year).map {
                Row(locale: calendar.locale, id: $0.holiday.id, aliases: $0.holiday.aliases, name: $0.holiday.name,
                    date: CalendarDays.text(ofDay: $0.day))
            }
        }
        if json { return try StoreOptions.printJSON(rows) }
        let idWidth = rows.map { ($0.id + ($0.aliases.isEmpty ? "" : " (\($0.aliases.joined(separator: ", ")))")).count }.max() ?? 0
        for (index, calendar) in calendars.enumerated() {
            if index > 0 { print() }
            print("\(calendar.locale)  \(year)")
            for row in rows where row.locale == calendar.locale {
                let id = row.id + (row.aliases.isEmpty ? "" : " (\(row.aliases.joined(separator: ", ")))")
                print("  \(row.date)  \(id.padding(toLength: idWidth, withPad: " ", startingAt: 0))  \(row.name)")
            }
        }
    }
}
