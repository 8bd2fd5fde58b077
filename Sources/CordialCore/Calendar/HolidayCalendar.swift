/// The holidays a locale keeps, with their dates computed for any year of
/// ``HolidayCalendar/years``: fixed days, and for Vietnamese and Chinese the lunisolar
/// festivals (``LunisolarCalendar``, on the locale's own meridian) and solar terms.
///
/// ```swift
/// let vietnam = HolidayCalendar.forLocale("vi-VN")!
/// vietnam.date(of: "tet", in: 2025)          // the day of 2025-01-29
/// HolidayCalendar.forLocale("zh")!.date(of: "spring-festival", in: 1985)   // 1985-02-20
/// ```
public struct HolidayCalendar: Sendable {
    /// The language part of a locale tag: `vi`, `zh`, `en`.
    public let locale: String
    /// The lunisolar calendar of the locale, if it keeps one.
    public let lunisolar: LunisolarCalendar?
    public let holidays: [Holiday]

    /// Years whose holidays are computed (the lunisolar calendar's).
    public static let years = LunisolarCalendar.years

    /// Every locale with a holiday calendar.
    public static let all: [HolidayCalendar] = [english, vietnamese, chinese]

    static let english = HolidayCalendar(locale: "en", lunisolar: nil, holidays: [
        Holiday("new-year", name: "New Year's Day", .fixed(month: 1, day: 1)),
        Holiday("valentines-day", name: "Valentine's Day", .fixed(month: 2, day: 14)),
        Holiday("christmas", name: "Christmas Day", .fixed(month: 12, day: 25)),
    ])

    static let vietnamese = HolidayCalendar(locale: "vi", lunisolar: LunisolarCalendar(.vietnamese), holidays: [
        Holiday("new-year", name: "Tết Dương lịch", .fixed(month: 1, day: 1)),
        Holiday("lunar-new-year", aliases: ["tet"], name: "Tết Nguyên Đán", .lunar(month: 1, day: 1)),
        Holiday("womens-day", name: "Ngày Quốc tế Phụ nữ", .fixed(month: 3, day: 8)),
        Holiday("hung-kings", name: "Giỗ Tổ Hùng Vương", .lunar(month: 3, day: 10)),
        Holiday("reunification-day", name: "Ngày Giải phóng miền Nam", .fixed(month: 4, day: 30)),
        Holiday("labour-day", name: "Ngày Quốc tế Lao động", .fixed(month: 5, day: 1)),
        Holiday("national-day", name: "Quốc khánh", .fixed(month: 9, day: 2)),
        Holiday("mid-autumn", aliases: ["trung-thu"], name: "Tết Trung Thu", .lunar(month: 8, day: 15)),
        Holiday("vietnamese-womens-day", name: "Ngày Phụ nữ Việt Nam", .fixed(month: 10, day: 20)),
        Holiday("teachers-day", name: "Ngày Nhà giáo Việt Nam", .fixed(month: 11, day: 20)),
        Holiday("christmas", name: "Lễ Giáng sinh", .fixed(month: 12, day: 25)),
    ])

    static let chinese = HolidayCalendar(locale: "zh", lunisolar: LunisolarCalendar(.chinese), holidays: [
        Holiday("new-year", name: "元旦", .fixed(month: 1, day: 1)),
        Holiday("lunar-new-year", aliases: ["spring-festival"], name: "春节", .lunar(month: 1, day: 1)),
        Holiday("lantern-festival", name: "元宵节", .lunar(month: 1, day: 15)),
        Holiday("qingming", name: "清明节", .solarTerm(longitude: 15)),
        Holiday("labour-day", name: "劳动节", .fixed(month: 5, day: 1)),
        Holiday("dragon-boat", name: "端午节", .lunar(month: 5, day: 5)),
        Holiday("mid-autumn", name: "中秋节", .lunar(month: 8, day: 15)),
        Holiday("double-ninth", name: "重阳节", .lunar(month: 9, day: 9)),
        Holiday("national-day", name: "国庆节", .fixed(month: 10, day: 1)),
    ])

    /// The calendar of a locale tag (`vi-VN` reads as `vi`, `zh-Hant-TW` as `zh`); nil for a
    /// locale without one.
    public static func forLocale(_ tag: String) -> HolidayCalendar? {
        let language = tag.split(whereSeparator: { $0 == "-" || $0 == "_" }).first.map { $0.lowercased() } ?? ""
        return all.first { $0.locale == language }
    }

    /// Every holiday name (ids and aliases) some calendar knows, sorted.
    public static let knownNames: [String] = Array(Set(all.flatMap { $0.holidays.flatMap { [$0.id] + $0.aliases } })).sorted()

    /// The holiday called `name` (id or alias) in this locale.
    public func holiday(named name: String) -> Holiday? { holidays.first { $0.isNamed(name) } }

    /// The day (counted from 1970-01-01) of a holiday in Gregorian year `year`; nil when
    /// the locale does not keep it or the year is outside ``years``.
    public func date(of name: String, in year: Int) -> Int? {
        holiday(named: name).flatMap { date(of: $0, in: year) }
    }

    /// The day of `holiday` in Gregorian year `year` (every lunar festival kept here falls in
    /// the Gregorian year its lunar year begins in); nil outside ``years``.
    public func date(of holiday: Holiday, in year: Int) -> Int? {
        guard Self.years.contains(year) else { return nil }
        switch holiday.rule {
        case .fixed(let month, let day):
            return CalendarDays.since1970(year: year, month: month, day: day)
        case .lunar(let month, let day):
            return lunisolar?.year(year)?.day(month: month, day: day)
        case .solarTerm(let longitude):
            let offset = lunisolar?.offsetSeconds(lunarYear: year) ?? 0
            return Ephemeris.civilDay(of: Ephemeris.solarTerm(Double(longitude), inYear: year), offsetSeconds: offset)
        }
    }

    /// Every holiday of the year with its day, in date order.
    public func holidays(in year: Int) -> [(holiday: Holiday, day: Int)] {
        holidays.compactMap { holiday in date(of: holiday, in: year).map { (holiday, $0) } }.sorted { $0.day < $1.day }
    }
}
