/// The Chinese and Vietnamese lunisolar calendars, computed from the Sun and the Moon
/// (``Ephemeris``) on the clocks of the tradition's own meridian — never a table of dates.
///
/// The rules are those of the 1645 Shixian reform that both calendars keep (China's
/// GB/T 33661-2017 writes them down): a month begins on the civil day of a new moon; the
/// month holding the December solstice is the 11th; when 13 months begin between two such
/// months, the first of them without a principal solar term (the Sun at a multiple of 30°)
/// is a leap month and repeats the number before it.
///
/// The day a new moon or a term falls on depends on the meridian: China counts on UTC+8
/// (Beijing's mean time, 7 h 45 min 40 s, before 1929); Vietnam on UTC+7 since 1968 and on
/// UTC+8 before, so the two New Years fell on different days in 1968 and 2007 and a month
/// apart in 1985.
public struct LunisolarCalendar: Sendable, Hashable {
    /// The two traditions the holidays use.
    public enum Tradition: String, Sendable, Hashable, CaseIterable {
        case chinese, vietnamese
    }

    public let tradition: Tradition

    public init(_ tradition: Tradition) { self.tradition = tradition }

    /// Lunar years computed (each is checked against published calendars in the tests).
    public static let years = 1900...2199

    /// The clocks' offset east of Greenwich, in seconds, for the months of lunar year `year`.
    public func offsetSeconds(lunarYear year: Int) -> Int {
        switch tradition {
        case .chinese: year >= 1929 ? 8 * 3600 : 7 * 3600 + 45 * 60 + 40
        case .vietnamese: year >= 1968 ? 7 * 3600 : 8 * 3600
        }
    }

    /// The months of lunar year `year` (the one whose New Year falls in January or February
    /// of the Gregorian year `year`), from month 1 to month 12, a leap month in its place.
    /// Nil outside ``years``.
    public func year(_ year: Int) -> LunarYear? {
        guard Self.years.contains(year) else { return nil }
        let offset = offsetSeconds(lunarYear: year)
        // Months 1 … 10 are in the run of months that starts at the 11th month of the
        // previous year; months 11 and 12 in the next run.
        let earlier = suiMonths(fromSolsticeOf: year - 1, offset: offset)
        let later = suiMonths(fromSolsticeOf: year, offset: offset)
        let firstOfYear = earlier.firstIndex { $0.number == 1 && !$0.isLeap }!
        let firstOfNext = later.firstIndex { $0.number == 1 }!
        let months = Array(earlier[firstOfYear...]) + Array(later[..<firstOfNext].filter { $0.number >= 11 })
        return LunarYear(year: year, months: months)
    }

    /// The lunar date of a civil day (counted from 1970-01-01); nil outside ``years``.
    public func lunarDate(ofDay day: Int) -> LunarDate? {
        let civil = CalendarDays.text(ofDay: day)
        guard let gregorianYear = Int(civil.prefix(4)) else { return nil }
        for candidate in [gregorianYear, gregorianYear - 1] {
            guard let lunar = year(candidate), let first = lunar.months.first, day >= first.firstDay else { continue }
            guard let month = lunar.months.last(where: { $0.firstDay <= day }), day < month.firstDay + month.length else {
                continue
            }
            return LunarDate(year: candidate, month: month.number, day: day - month.firstDay + 1, isLeapMonth: month.isLeap)
        }
        return nil
    }

    /// The months from the one holding the December solstice of Gregorian year `year` to the
    /// one before the month holding the next solstice, numbered 11, 12, 1 … 10 with any
    /// leap month in its place.
    func suiMonths(fromSolsticeOf year: Int, offset: Int) -> [LunarMonth] {
        let solstice = Ephemeris.civilDay(of: Ephemeris.solarTerm(270, inYear: year), offsetSeconds: offset)
        let nextSolstice = Ephemeris.civilDay(of: Ephemeris.solarTerm(270, inYear: year + 1), offsetSeconds: offset)
        let first = monthStart(holding: solstice, offset: offset)
        let last = monthStart(holding: nextSolstice, offset: offset)
        // The civil days on which months begin, up to and including the next 11th month's.
        var starts: [Int] = []
        var k = first.number
        while true {
            let day = Ephemeris.civilDay(of: Ephemeris.newMoon(k), offsetSeconds: offset)
            starts.append(day)
            if k == last.number { break }
            k += 1
        }
        let count = starts.count - 1
        // The principal terms between the two solstices, as civil days.
        var principalTerms: [Int] = []
        if count == 13 {
            for step in 0...12 {
                let longitude = Double((270 + 30 * step) % 360)
                let termYear = step == 0 ? year : year + 1
                principalTerms.append(
                    Ephemeris.civilDay(of: Ephemeris.solarTerm(longitude, inYear: termYear), offsetSeconds: offset))
            }
        }
        var months: [LunarMonth] = []
        var number = 11
        var leapTaken = false
        for index in 0..<count {
            let start = starts[index], end = starts[index + 1]
            let isLeap = count == 13 && !leapTaken && index > 0
                && !principalTerms.contains { start <= $0 && $0 < end }
            if isLeap {
                leapTaken = true
            } else if index > 0 {
                number = number % 12 + 1
            }
            months.append(LunarMonth(number: number, isLeap: isLeap, firstDay: start, length: end - start))
        }
        return months
    }

    /// The new moon number and civil day that begin the month holding civil day `day`.
    private func monthStart(holding day: Int, offset: Int) -> (number: Int, day: Int) {
        // Start from the new moon before the end of that day, then step back while it begins later.
        let endOfDay = Double(day + 1) + Ephemeris.unixEpochJulianDay - Double(offset) / 86_400
        var k = Ephemeris.newMoonNumber(atOrBefore: endOfDay + 0.01)
        while Ephemeris.civilDay(of: Ephemeris.newMoon(k), offsetSeconds: offset) > day { k -= 1 }
        return (k, Ephemeris.civilDay(of: Ephemeris.newMoon(k), offsetSeconds: offset))
    }
}

/// One month of a lunisolar year.
public struct LunarMonth: Sendable, Hashable {
    /// 1 … 12; a leap month repeats the number of the month before it.
    public let number: Int
    public let isLeap: Bool
    /// The civil day it begins on, counted from 1970-01-01.
    public let firstDay: Int
    /// 29 or 30 days.
    public let length: Int
}

/// A lunisolar year: its months in order.
public struct LunarYear: Sendable, Hashable {
    public let year: Int
    public let months: [LunarMonth]

    /// The civil day of New Year (month 1, day 1).
    public var newYear: Int { months[0].firstDay }
    /// The number of the leap month, if the year has one.
    public var leapMonth: Int? { months.first(where: \.isLeap)?.number }

    /// The civil day of `day` of month `month` (the leap month when `leap`); nil when the
    /// year has no such day (day 30 of a 29-day month, a leap month it lacks).
    public func day(month: Int, day: Int, leap: Bool = false) -> Int? {
        guard let found = months.first(where: { $0.number == month && $0.isLeap == leap }),
              (1...found.length).contains(day) else { return nil }
        return found.firstDay + day - 1
    }
}

/// A date of a lunisolar calendar.
public struct LunarDate: Sendable, Hashable {
    public let year: Int
    public let month: Int
    public let day: Int
    public let isLeapMonth: Bool

    public init(year: Int, month: Int, day: Int, isLeapMonth: Bool) {
        self.year = year
        self.month = month
        self.day = day
        self.isLeapMonth = isLeapMonth
    }
}
