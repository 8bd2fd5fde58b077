import CordialCore
import Testing

@Suite struct HolidayCalendarTests {
    func date(_ name: String, _ year: Int, _ locale: String) -> String? {
        HolidayCalendar.forLocale(locale)?.date(of: name, in: year).map(CalendarDays.text(ofDay:))
    }

    /// 2025's festivals as the Vietnamese and Chinese governments announced them.
    @Test func the2025FestivalsFallOnTheirPublishedDays() {
        #expect(date("tet", 2025, "vi-VN") == "2025-01-29")
        #expect(date("hung-kings", 2025, "vi") == "2025-04-07")
        #expect(date("trung-thu", 2025, "vi") == "2025-10-06")
        #expect(date("spring-festival", 2025, "zh-CN") == "2025-01-29")
        #expect(date("lantern-festival", 2025, "zh") == "2025-02-12")
        #expect(date("qingming", 2025, "zh") == "2025-04-04")
        #expect(date("dragon-boat", 2025, "zh") == "2025-05-31")
        #expect(date("mid-autumn", 2025, "zh") == "2025-10-06")
        #expect(date("double-ninth", 2025, "zh") == "2025-10-29")
        #expect(date("lunar-new-year", 2026, "vi") == "2026-02-17")
        // Qingming moves with the Sun: April 5 in 2019, April 4 in 2020 and 2024.
        #expect(date("qingming", 2019, "zh") == "2019-04-05")
        #expect(date("qingming", 2020, "zh") == "2020-04-04")
        #expect(date("qingming", 2024, "zh") == "2024-04-04")
    }

    @Test func aLocaleKeepsOnlyItsOwnHolidays() {
        #expect(date("christmas", 2025, "en-GB") == "2025-12-25")
        #expect(date("national-day", 2025, "vi") == "2025-09-02")
        #expect(date("national-day", 2025, "zh") == "2025-10-01")
        // English has no lunar new year; Chinese does not call it Tết.
        #expect(date("lunar-new-year", 2025, "en") == nil)
        #expect(date("tet", 2025, "zh") == nil)
        #expect(HolidayCalendar.forLocale("fr") == nil)
        #expect(HolidayCalendar.knownNames.contains("tet"))
        #expect(!HolidayCalendar.knownNames.contains("tett"))
    }

    @Test func holidaysOfAYearComeInDateOrder() {
        let days = HolidayCalendar.forLocale("vi")!.holidays(in: 2025)
        #expect(days.count == 11)
        #expect(days.map(\.day) == days.map(\.day).sorted())
        #expect(days.first?.holiday.id == "new-year")
        #expect(days.first { $0.holiday.id == "lunar-new-year" }?.holiday.name == "Tết Nguyên Đán")
        // Outside the computed years nothing is given, not a guess.
        #expect(HolidayCalendar.forLocale("vi")!.date(of: "tet", in: 2200) == nil)
        #expect(HolidayCalendar.forLocale("en")!.date(of: "christmas", in: 1899) == nil)
    }
}
