import CordialCore
import Testing

@Suite struct OccasionTests {
    func day(_ text: String) -> Int { CalendarDays.day(of: text)! }
    func window(_ from: String, _ to: String) -> ClosedRange<Int> { day(from)...day(to) }
    let holidays: Occasion.HolidayLookup = { name, year, locale in
        HolidayCalendar.forLocale(locale)?.date(of: name, in: year)
    }
    func occurrences(_ occasion: Occasion, _ from: String, _ to: String, _ facts: Occasion.Facts) -> [String] {
        occasion.occurrences(in: window(from, to), of: facts, holidays: holidays).map {
            "\($0.key) \(CalendarDays.text(ofDay: $0.occasionDay)) \(CalendarDays.text(ofDay: $0.actionDay))"
        }
    }

    @Test func aTwentyNinthOfFebruaryBirthdayIsKeptOnTheTwentyEighthInCommonYears() {
        let leapling = Occasion.Facts(birthday: Birthday(year: 1992, month: 2, day: 29))
        #expect(occurrences(.birthday(leadDays: 0), "2023-01-01", "2028-12-31", leapling) == [
            "birthday:2023 2023-02-28 2023-02-28", "birthday:2024 2024-02-29 2024-02-29", "birthday:2025 2025-02-28 2025-02-28",
            "birthday:2026 2026-02-28 2026-02-28", "birthday:2027 2027-02-28 2027-02-28", "birthday:2028 2028-02-29 2028-02-29",
        ])
        // A week's lead counts back across the month end, leap day or not.
        #expect(occurrences(.birthday(leadDays: 7), "2024-02-01", "2024-02-29", leapling) == ["birthday:2024 2024-02-29 2024-02-22"])
        #expect(occurrences(.birthday(leadDays: 30), "2025-01-01", "2025-01-31", leapling) == ["birthday:2025 2025-02-28 2025-01-29"])
    }

    @Test func aLeadCarriesABirthdayIntoTheYearBeforeAndTheWindowSelectsTheActionDay() {
        let newYearBaby = Occasion.Facts(birthday: Birthday(year: nil, month: 1, day: 3))
        // Acting in December 2025 for the birthday of January 2026: the instance is 2026.
        #expect(occurrences(.birthday(leadDays: 7), "2025-12-01", "2025-12-31", newYearBaby) == ["birthday:2026 2026-01-03 2025-12-27"])
        #expect(occurrences(.birthday(leadDays: 7), "2026-01-01", "2026-01-31", newYearBaby).isEmpty)
        // No birthday before the customer was born, none without a birthday.
        #expect(occurrences(.birthday(leadDays: 0), "2020-01-01", "2021-12-31", .init(birthday: Birthday(year: 2021, month: 6, day: 1))) == [
            "birthday:2021 2021-06-01 2021-06-01",
        ])
        #expect(occurrences(.birthday(leadDays: 0), "2020-01-01", "2021-12-31", .init()).isEmpty)
        // The longest lead, 366 days, from a 1 January after a common year reaches back two
        // years: 2028-01-01 less 366 days is 2026-12-31, in this window and no later one.
        #expect(occurrences(.birthday(leadDays: 366), "2026-12-01", "2026-12-31", .init(birthday: Birthday(year: nil, month: 1, day: 1))) == [
            "birthday:2028 2028-01-01 2026-12-31",
        ])
    }

    @Test func anniversariesStartTheYearAfterTheFirstPurchase() {
        let facts = Occasion.Facts(firstPurchaseDay: day("2020-02-29"))
        #expect(occurrences(.anniversary(leadDays: 0), "2020-01-01", "2024-12-31", facts) == [
            "anniversary:2021 2021-02-28 2021-02-28", "anniversary:2022 2022-02-28 2022-02-28",
            "anniversary:2023 2023-02-28 2023-02-28", "anniversary:2024 2024-02-29 2024-02-29",
        ])
    }

    @Test func holidaysFollowTheCustomersLocale() {
        let tet = Occasion.holiday(name: "lunar-new-year", leadDays: 10)
        #expect(occurrences(tet, "1985-01-01", "1985-02-28", .init(locale: "vi-VN")) == ["holiday:lunar-new-year:1985 1985-01-21 1985-01-11"])
        #expect(occurrences(tet, "1985-01-01", "1985-02-28", .init(locale: "zh")) == ["holiday:lunar-new-year:1985 1985-02-20 1985-02-10"])
        #expect(occurrences(tet, "1985-01-01", "1985-02-28", .init(locale: "en")).isEmpty)
        // A lead across the year end: Tết 2026 is on 17 February; 60 days before is in 2025.
        #expect(occurrences(.holiday(name: "tet", leadDays: 60), "2025-12-01", "2025-12-31", .init(locale: "vi")) == [
            "holiday:tet:2026 2026-02-17 2025-12-19",
        ])
    }

    @Test func monthlyAndQuarterlyDatesClampToTheMonthsLastDay() {
        #expect(occurrences(.every(.month(day: 31)), "2024-01-15", "2024-05-01", .init()) == [
            "month:2024-01 2024-01-31 2024-01-31", "month:2024-02 2024-02-29 2024-02-29", "month:2024-03 2024-03-31 2024-03-31",
            "month:2024-04 2024-04-30 2024-04-30",
        ])
        #expect(occurrences(.every(.month(day: 29)), "2025-02-01", "2025-02-28", .init()) == ["month:2025-02 2025-02-28 2025-02-28"])
        #expect(occurrences(.every(.quarter(day: 1)), "2025-11-15", "2026-07-01", .init()) == [
            "quarter:2026-Q1 2026-01-01 2026-01-01", "quarter:2026-Q2 2026-04-01 2026-04-01", "quarter:2026-Q3 2026-07-01 2026-07-01",
        ])
    }

    @Test func everyNDaysCountsFromItsStart() {
        let fortnightly = Occasion.every(.days(14, start: day("2024-02-15")))
        #expect(occurrences(fortnightly, "2024-01-01", "2024-03-31", .init()) == [
            "every-14d:2024-02-15 2024-02-15 2024-02-15", "every-14d:2024-02-29 2024-02-29 2024-02-29",
            "every-14d:2024-03-14 2024-03-14 2024-03-14", "every-14d:2024-03-28 2024-03-28 2024-03-28",
        ])
        #expect(occurrences(fortnightly, "2024-03-01", "2024-03-13", .init()).isEmpty)
    }

    @Test func daysAfterAnEventKeyEachEventDayOnce() {
        let facts = Occasion.Facts(eventDays: [.purchase: [day("2024-02-27"), day("2024-02-27"), day("2024-03-30")]])
        #expect(occurrences(.after(event: .purchase, days: 3), "2024-02-01", "2024-04-30", facts) == [
            "after-purchase:2024-02-27 2024-03-01 2024-03-01", "after-purchase:2024-03-30 2024-04-02 2024-04-02",
        ])
        #expect(occurrences(.after(event: .visit, days: 3), "2024-02-01", "2024-04-30", facts).isEmpty)
    }
}
