import CordialCore
import Foundation
import Testing

@Suite struct LunisolarCalendarTests {
    /// Meeus, *Astronomical Algorithms*, worked examples 49.a, 25.b and 27.a.
    @Test func theEphemerisReproducesMeeussWorkedExamples() {
        // The new moon of 1977 February 18, 3h37m42s TD.
        #expect(abs(Ephemeris.newMoon(-283) - 2_443_192.65118) < 0.000_01)
        // The Sun's apparent longitude on 1992 October 13.0 TD: 199°54′21.818″ (full VSOP87).
        #expect(abs(Ephemeris.solarLongitude(2_448_908.5) - (199 + 54.0 / 60 + 21.818 / 3600)) < 1.0 / 3600)
        // The June solstice of 1962: 21h25m08s TD on June 21.
        #expect(abs(Ephemeris.solarTerm(90, inYear: 1962) - 2_437_837.39245) < 1.0 / 1440)
    }

    struct PublishedYear: CustomTestStringConvertible {
        let tradition: LunisolarCalendar.Tradition
        let year: Int
        let newYear: String
        let midAutumn: String
        let leapMonth: Int?
        var testDescription: String { "\(tradition) \(year)" }
    }

    static let published: [PublishedYear] = {
        let url = Bundle.module.url(forResource: "lunar-years", withExtension: "tsv", subdirectory: "published-calendars")!
        return try! String(contentsOf: url, encoding: .utf8).split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let fields = line.split(separator: "\t").map(String.init)
            let leap = Int(fields[4])!
            return PublishedYear(
                tradition: fields[0] == "vi" ? .vietnamese : .chinese, year: Int(fields[1])!, newYear: fields[2],
                midAutumn: fields[3], leapMonth: leap == 0 ? nil : leap)
        }
    }()

    /// Where a published table departs from the astronomical rule, and what the rule gives.
    /// Each was checked by the new moon's moment:
    /// - Chinese 1978: the new moon of the 8th month fell at 00:09 on September 3, Beijing
    ///   time, so the month began that day and Mid-Autumn was September 17, as the mainland's
    ///   calendar had it; the Hong Kong table, computed by older means, kept September 16.
    /// - Vietnamese 1916 and 1925: the new moons fell at 00:06 on February 4, 1916 and at
    ///   22:44 on January 24, 1925 (UTC+8); no meridian moves the latter to January 25. The
    ///   calendar Vietnam kept then was the Nguyễn court's own, not computed by this rule.
    static let knownDepartures: [String: String] = [
        "chinese 1978": "1978-02-07 1978-09-17 leap 0",
        "vietnamese 1916": "1916-02-04 1916-09-12 leap 0",
        "vietnamese 1925": "1925-01-24 1925-10-02 leap 4",
    ]

    /// Every lunar year both published tables hold: 300 Vietnamese, 200 Chinese.
    @Test func everyComputedYearMatchesThePublishedCalendars() {
        #expect(Self.published.count == 500)
        var mismatches: [String] = []
        var departures: [String: String] = [:]
        for row in Self.published {
            guard let year = LunisolarCalendar(row.tradition).year(row.year) else {
                mismatches.append("\(row.testDescription): not computed")
                continue
            }
            let newYear = CalendarDays.text(ofDay: year.newYear)
            let midAutumn = year.day(month: 8, day: 15).map(CalendarDays.text(ofDay:)) ?? "none"
            let computed = "\(newYear) \(midAutumn) leap \(year.leapMonth ?? 0)"
            if computed != "\(row.newYear) \(row.midAutumn) leap \(row.leapMonth ?? 0)" {
                departures[row.testDescription] = computed
                if Self.knownDepartures[row.testDescription] == nil {
                    mismatches.append("\(row.testDescription): computed \(computed), published \(row.newYear) \(row.midAutumn) leap \(row.leapMonth ?? 0)")
                }
            }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) years differ:\n\(mismatches.joined(separator: "\n"))")
        // The known departures give what the rule gives, and no more years depart.
        #expect(departures == Self.knownDepartures)
    }

    /// The years the two calendars part, as the issue and the histories tell them.
    @Test func theTwoNewYearsPartWhereTheMeridiansDisagree() {
        func newYear(_ tradition: LunisolarCalendar.Tradition, _ year: Int) -> String {
            CalendarDays.text(ofDay: LunisolarCalendar(tradition).year(year)!.newYear)
        }
        // 1968: North Vietnam's first Tết on UTC+7, a day before China's (the Tết offensive's confusion).
        #expect(newYear(.vietnamese, 1968) == "1968-01-29")
        #expect(newYear(.chinese, 1968) == "1968-01-30")
        // 1985: a month apart (Vietnam put the leap month after the 1st month of the year before).
        #expect(newYear(.vietnamese, 1985) == "1985-01-21")
        #expect(newYear(.chinese, 1985) == "1985-02-20")
        #expect(newYear(.vietnamese, 2007) == "2007-02-17")
        #expect(newYear(.chinese, 2007) == "2007-02-18")
        // 2033's leap month is the 11th (the "2033 problem" of the Chinese calendar).
        #expect(LunisolarCalendar(.chinese).year(2033)?.leapMonth == 11)
    }

    @Test func aYearHasTwelveOrThirteenMonthsOf29Or30DaysWithoutGaps() {
        for tradition in LunisolarCalendar.Tradition.allCases {
            let calendar = LunisolarCalendar(tradition)
            var previousEnd: Int?
            for number in 1960...2060 {
                let year = calendar.year(number)!
                #expect(year.months.count == (year.leapMonth == nil ? 12 : 13))
                #expect(year.months.allSatisfy { (29...30).contains($0.length) })
                #expect(year.months.filter { !$0.isLeap }.map(\.number) == Array(1...12))
                for (month, next) in zip(year.months, year.months.dropFirst()) {
                    #expect(month.firstDay + month.length == next.firstDay)
                }
                if let previousEnd, tradition == .chinese || number != 1968 { #expect(previousEnd == year.newYear) }
                previousEnd = year.months.last.map { $0.firstDay + $0.length }
            }
        }
    }

    @Test func aCivilDayReadsAsItsLunarDate() {
        let calendar = LunisolarCalendar(.vietnamese)
        let tet = CalendarDays.day(of: "2025-01-29")!
        #expect(calendar.lunarDate(ofDay: tet) == LunarDate(year: 2025, month: 1, day: 1, isLeapMonth: false))
        #expect(calendar.lunarDate(ofDay: tet - 1) == LunarDate(year: 2024, month: 12, day: 29, isLeapMonth: false))
        // 2025 has a leap 6th month: 2025-07-25 is its first day.
        #expect(calendar.lunarDate(ofDay: CalendarDays.day(of: "2025-07-25")!) == LunarDate(year: 2025, month: 6, day: 1, isLeapMonth: true))
        #expect(LunisolarCalendar(.chinese).year(1899) == nil)
        #expect(LunisolarCalendar(.chinese).year(2200) == nil)
    }
}
