import CordialCore
import Foundation

/// Holiday days by (name, year, language), each computed once: a lunisolar holiday takes
/// new moons and solar terms to compute, and a plan asks for the same few a million times.
final class HolidayLookupCache: @unchecked Sendable {
    private struct Key: Hashable {
        var name: String
        var year: Int
        var language: String
    }

    private let lock = NSLock()
    private var days: [Key: Int?] = [:]
    private var calendars: [String: HolidayCalendar?] = [:]

    /// The day of holiday `name` in `year` for a customer of `locale`; nil where the locale
    /// keeps no such holiday.
    func lookup(_ name: String, _ year: Int, _ locale: String) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        let language = locale.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        let key = Key(name: name, year: year, language: language)
        if let known = days[key] { return known }
        let calendar: HolidayCalendar?
        if let known = calendars[language] {
            calendar = known
        } else {
            calendar = HolidayCalendar.forLocale(language)
            calendars[language] = calendar
        }
        let day = calendar?.date(of: name, in: year)
        days[key] = day
        return day
    }
}
