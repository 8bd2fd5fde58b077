import Foundation

/// The organisation's working hours as a plugin declares them (`plugin:business_hours`):
/// a time zone, opening hours per weekday, the holidays and dates it closes on — holidays
/// from the same calendars as the care campaigns, so Tết closes the clock in Vietnam — and
/// teams that keep other hours (an airport desk open every day).
public struct OrganisationHours: Sendable, Hashable {
    /// A day the organisation (or a team) is closed.
    public enum Closure: Sendable, Hashable {
        /// A holiday of the calendar, with days before and after it (Tết: one before, four after).
        case holiday(String, before: Int, after: Int)
        /// One date (days since 1970-01-01).
        case date(Int)
    }

    public struct Team: Sendable, Hashable {
        public var weekly: [Int: [Range<Int>]]
        /// nil: the organisation's closures.
        public var closed: [Closure]?

        public init(weekly: [Int: [Range<Int>]], closed: [Closure]? = nil) {
            self.weekly = weekly
            self.closed = closed
        }
    }

    public var timeZone: TimeZone
    public var weekly: [Int: [Range<Int>]]
    /// The holiday calendar's locale (`vi`, `zh`, `en`) closures name holidays of.
    public var calendar: String?
    public var closed: [Closure]
    public var teams: [String: Team]
    public var definedAt: String

    public init(
        timeZone: TimeZone, weekly: [Int: [Range<Int>]], calendar: String? = nil, closed: [Closure] = [], teams: [String: Team] = [:],
        definedAt: String
    ) {
        self.timeZone = timeZone
        self.weekly = weekly
        self.calendar = calendar
        self.closed = closed
        self.teams = teams
        self.definedAt = definedAt
    }

    /// The working hours of `team` (the organisation's for a team without hours of its own),
    /// with closed days for `years`.
    public func hours(team: String?, years: ClosedRange<Int>) -> BusinessHours {
        let own = team.flatMap { teams[$0] }
        return BusinessHours(timeZone: timeZone, weekly: own?.weekly ?? weekly, closedDays: closedDays(own?.closed ?? closed, years: years))
    }

    func closedDays(_ closures: [Closure], years: ClosedRange<Int>) -> Set<Int> {
        let holidays = calendar.flatMap(HolidayCalendar.forLocale)
        var days: Set<Int> = []
        for closure in closures {
            switch closure {
            case .date(let day):
                days.insert(day)
            case .holiday(let name, let before, let after):
                for year in years {
                    guard let day = holidays?.date(of: name, in: year) else { continue }
                    for offset in -before...after { days.insert(day + offset) }
                }
            }
        }
        return days
    }

    /// Weekday names as plugins write them, to `Calendar`'s numbers (1 = Sunday).
    public static let weekdays = ["sun": 1, "mon": 2, "tue": 3, "wed": 4, "thu": 5, "fri": 6, "sat": 7]

    /// "mon-fri" → [2, 3, 4, 5, 6]; "sat" → [7]; "fri-mon" wraps → [6, 7, 1, 2]; nil for anything else.
    public static func weekdays(_ text: String) -> [Int]? {
        let ends = text.lowercased().split(separator: "-", omittingEmptySubsequences: false).map(String.init)
        guard (1...2).contains(ends.count), let first = weekdays[ends[0]], let last = weekdays[ends.last!] else { return nil }
        var out = [first]
        var day = first
        while day != last {
            day = day % 7 + 1
            out.append(day)
        }
        return out
    }

    /// "08:00-12:00" → 480..<720 (minutes of the day); "24:00" ends a day; nil for anything else.
    public static func interval(_ text: String) -> Range<Int>? {
        let ends = text.split(separator: "-").map { $0.trimmingCharacters(in: .whitespaces) }
        guard ends.count == 2, let start = minute(ends[0]), let end = minute(ends[1]), start < end else { return nil }
        return start..<end
    }

    static func minute(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0...24).contains(hour), (0...59).contains(minute), hour * 60 + minute <= 1_440 else { return nil }
        return hour * 60 + minute
    }
}
