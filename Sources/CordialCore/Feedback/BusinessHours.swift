import Foundation

/// When a team is at work, in its time zone: opening hours per weekday and the days it is
/// closed (holidays). Service standards are timed on this clock — "first contact within one
/// working hour", "resolved within two business days" — so a complaint received on Friday
/// evening before Tết is not late on Saturday morning.
///
/// ```swift
/// let office = [8 * 60..<12 * 60, 13 * 60..<17 * 60]          // minutes of the day
/// let desk = BusinessHours(timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!,
///                          weekly: [2: office, 3: office, 4: office, 5: office, 6: office])
/// desk.deadline(after: .hours(1), from: fridayEvening)   // Monday 09:00 local
/// ```
public struct BusinessHours: Sendable, Hashable {
    public let timeZone: TimeZone
    /// Opening intervals in minutes of the local day (0..<1440), by weekday (1 = Sunday … 7 =
    /// Saturday, as `Calendar` counts), sorted and disjoint.
    public let weekly: [Int: [Range<Int>]]
    /// Local days (counted from 1970-01-01) on which the team is closed.
    public let closedDays: Set<Int>

    public init(timeZone: TimeZone, weekly: [Int: [Range<Int>]], closedDays: Set<Int> = []) {
        self.timeZone = timeZone
        self.weekly = weekly.mapValues { $0.sorted { $0.lowerBound < $1.lowerBound } }
        self.closedDays = closedDays
    }

    /// Every day, every hour: calendar time (a standard timed in calendar hours).
    public static func always(in timeZone: TimeZone = .gmt) -> BusinessHours {
        BusinessHours(timeZone: timeZone, weekly: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [0..<1_440]) }))
    }

    /// A standard's length.
    public enum Span: Sendable, Hashable, CustomStringConvertible {
        /// Working time: only open hours count.
        case minutes(Int)
        /// Whole working days: the deadline is the same local time on the `n`th open day after
        /// (from the next opening when received outside hours).
        case businessDays(Int)
        /// Calendar time, open or not.
        case calendarMinutes(Int)

        public static func hours(_ hours: Int) -> Span { .minutes(hours * 60) }

        public var description: String {
            switch self {
            case .minutes(let minutes): minutes % 60 == 0 ? "\(minutes / 60) working hour\(minutes == 60 ? "" : "s")" : "\(minutes) working minutes"
            case .businessDays(let days): "\(days) business day\(days == 1 ? "" : "s")"
            case .calendarMinutes(let minutes):
                minutes % 1_440 == 0 ? "\(minutes / 1_440) day\(minutes == 1_440 ? "" : "s")"
                    : minutes % 60 == 0 ? "\(minutes / 60) hour\(minutes == 60 ? "" : "s")" : "\(minutes) minutes"
            }
        }

        /// "1h", "90m", "2bd" (business days), "3d" (calendar days), "12ch" (calendar hours); at
        /// most 2,000 working hours, 250 business days or 366 calendar days.
        public init?(_ text: String) {
            let trimmed = text.trimmingCharacters(in: .whitespaces).lowercased()
            let digits = trimmed.prefix { $0.isASCII && $0.isNumber }
            guard let count = Int(digits), count > 0, count <= 100_000 else { return nil }
            // At most about a year, within the clock's horizon: a longer standard would never be due.
            switch trimmed.dropFirst(digits.count) {
            case "m" where count <= 2_000 * 60: self = .minutes(count)
            case "h" where count <= 2_000: self = .minutes(count * 60)
            case "bd" where count <= 250: self = .businessDays(count)
            case "d" where count <= 366: self = .calendarMinutes(count * 1_440)
            case "ch" where count <= 366 * 24: self = .calendarMinutes(count * 60)
            default: return nil
            }
        }
    }

    /// How far ahead a clock looks for opening hours before it gives up (a schedule with no
    /// open hours at all has no deadline).
    static let horizonDays = 800

    /// When `span` has run from `start`, not counting `paused` intervals (times the clock
    /// waits on the customer); nil when the schedule has no open hours within the horizon.
    public func deadline(after span: Span, from start: Date, paused: [DateInterval] = []) -> Date? {
        switch span {
        case .calendarMinutes(let minutes):
            return advance(seconds: Double(minutes) * 60, from: start, paused: paused, open: { _ in [DateInterval(start: start, duration: 1e10)] })
        case .minutes(let minutes):
            return advance(seconds: Double(minutes) * 60, from: start, paused: paused, open: openIntervals(onLocalDay:))
        case .businessDays(let days):
            // The same local time on the nth open day after the start's open moment.
            guard let first = advance(seconds: 0, from: start, paused: paused, open: openIntervals(onLocalDay:)) else { return nil }
            var day = localDay(of: first)
            var found = 0
            while found < days {
                day += 1
                guard day - localDay(of: first) <= Self.horizonDays else { return nil }
                if !openIntervals(onLocalDay: day).isEmpty { found += 1 }
            }
            // The wall-clock time of the first open moment (not the time elapsed since midnight,
            // which a daylight-saving change that day would shift), on the target day.
            let wallSeconds = first.timeIntervalSince1970 + Double(timeZone.secondsFromGMT(for: first)) - Double(localDay(of: first)) * 86_400
            let minute = Int(wallSeconds / 60)
            let target = localTime(day: day, minute: minute).addingTimeInterval(wallSeconds - Double(minute * 60))
            // Past that day's closing: its closing time. Pauses push it on by the working time they held.
            let due = min(target, openIntervals(onLocalDay: day).last!.end)
            let pausedWork = workingSeconds(from: first, to: due) - workingSeconds(from: first, to: due, paused: paused)
            return pausedWork > 0 ? advance(seconds: pausedWork, from: due, paused: paused, open: openIntervals(onLocalDay:)) : due
        }
    }

    /// Working seconds (open hours only) between `start` and `end`, not counting `paused`.
    public func workingSeconds(from start: Date, to end: Date, paused: [DateInterval] = []) -> TimeInterval {
        guard end > start else { return 0 }
        let whole = workingSeconds(in: DateInterval(start: start, end: end))
        let pausedWork = Self.merged(paused).reduce(0.0) { total, pause in
            guard let overlap = pause.intersection(with: DateInterval(start: start, end: end)) else { return total }
            return total + workingSeconds(in: overlap)
        }
        return max(0, whole - pausedWork)
    }

    /// Whether the team is at work at `date`.
    public func isOpen(at date: Date) -> Bool {
        openIntervals(onLocalDay: localDay(of: date)).contains { $0.start <= date && date < $0.end }
    }

    // MARK: - Days and intervals

    /// The local day (days since 1970-01-01 in the time zone) of an instant.
    public func localDay(of date: Date) -> Int {
        let offset = timeZone.secondsFromGMT(for: date)
        return Int(((date.timeIntervalSince1970 + Double(offset)) / 86_400).rounded(.down))
    }

    /// The instant a local day begins (its midnight, or the first moment after a gap).
    func startOfLocalDay(_ day: Int) -> Date {
        localTime(day: day, minute: 0)
    }

    /// The instant of `minute` past midnight on local `day` (offsets as they are on that day).
    func localTime(day: Int, minute: Int) -> Date {
        let guess = Date(timeIntervalSince1970: Double(day) * 86_400 + Double(minute) * 60)
        let offset = timeZone.secondsFromGMT(for: guess.addingTimeInterval(-Double(timeZone.secondsFromGMT(for: guess))))
        return guess.addingTimeInterval(-Double(offset))
    }

    /// The open intervals of a local day, as instants.
    func openIntervals(onLocalDay day: Int) -> [DateInterval] {
        guard !closedDays.contains(day) else { return [] }
        // 1970-01-01 was a Thursday (weekday 5).
        let weekday = ((day % 7) + 7 + 4) % 7 + 1
        return (weekly[weekday] ?? []).map { DateInterval(start: localTime(day: day, minute: $0.lowerBound), end: localTime(day: day, minute: $0.upperBound)) }
    }

    private func workingSeconds(in interval: DateInterval) -> TimeInterval {
        var total = 0.0
        let first = localDay(of: interval.start), last = localDay(of: interval.end)
        guard last >= first else { return 0 }
        for day in first...last {
            for open in openIntervals(onLocalDay: day) {
                if let overlap = open.intersection(with: interval) { total += overlap.duration }
            }
        }
        return total
    }

    /// Walks open intervals (from `open`) forward from `start`, skipping pauses, until
    /// `seconds` of them have passed.
    private func advance(seconds: TimeInterval, from start: Date, paused: [DateInterval], open: (Int) -> [DateInterval]) -> Date? {
        var remaining = seconds
        let pauses = Self.merged(paused)
        var day = localDay(of: start)
        let lastDay = day + Self.horizonDays
        while day <= lastDay {
            for window in open(day) where window.end > start {
                var cursor = max(window.start, start)
                // The window minus the pauses, in order.
                for pause in pauses where pause.end > cursor && pause.start < window.end {
                    if pause.start > cursor {
                        if remaining <= 0 { return cursor }
                        let stretch = pause.start.timeIntervalSince(cursor)
                        if stretch >= remaining { return cursor.addingTimeInterval(remaining) }
                        remaining -= stretch
                    }
                    cursor = max(cursor, pause.end)
                    if cursor >= window.end { break }
                }
                if cursor < window.end {
                    if remaining <= 0 { return cursor }
                    let stretch = window.end.timeIntervalSince(cursor)
                    if stretch >= remaining { return cursor.addingTimeInterval(remaining) }
                    remaining -= stretch
                }
            }
            day += 1
        }
        return nil
    }

    /// Intervals sorted and overlapping ones joined.
    static func merged(_ intervals: [DateInterval]) -> [DateInterval] {
        var out: [DateInterval] = []
        for interval in intervals.sorted(by: { $0.start < $1.start }) {
            if let last = out.last, interval.start <= last.end {
                out[out.count - 1] = DateInterval(start: last.start, end: max(last.end, interval.end))
            } else {
                out.append(interval)
            }
        }
        return out
    }
}
