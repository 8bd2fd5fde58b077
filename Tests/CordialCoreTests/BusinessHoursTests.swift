import CordialCore
import Foundation
import Testing

/// Service clocks on working time, each figure worked out by hand: a Vietnamese care desk
/// (UTC+7) open Monday to Friday 08:00–12:00 and 13:00–17:30, Saturday 08:00–12:00, closed
/// for Tết 2025 (28 January to 2 February).
@Suite struct BusinessHoursTests {
    static let zone = TimeZone(identifier: "Asia/Ho_Chi_Minh")!
    static let weekdays = [8 * 60..<12 * 60, 13 * 60..<17 * 60 + 30]
    static let desk = BusinessHours(
        timeZone: zone, weekly: [2: weekdays, 3: weekdays, 4: weekdays, 5: weekdays, 6: weekdays, 7: [8 * 60..<12 * 60]],
        closedDays: Set((0..<6).map { CalendarDays.day(of: "2025-01-28")! + $0 }))

    /// A local time in Vietnam: "2025-03-03 09:15".
    static func local(_ text: String) -> Date {
        let parts = text.split(separator: " ")
        let day = CalendarDays.day(of: String(parts[0]))!
        let clock = parts[1].split(separator: ":").map { Int($0)! }
        return Date(timeIntervalSince1970: Double(day) * 86_400 + Double(clock[0] * 3_600 + clock[1] * 60) - 7 * 3_600)
    }

    @Test func workingHoursSkipLunchNightsAndWeekends() {
        let desk = Self.desk
        // 2025-03-03 is a Monday.
        #expect(desk.deadline(after: .hours(1), from: Self.local("2025-03-03 09:15")) == Self.local("2025-03-03 10:15"))
        #expect(desk.deadline(after: .hours(1), from: Self.local("2025-03-03 11:30")) == Self.local("2025-03-03 13:30"), "half an hour before lunch, half after")
        #expect(desk.deadline(after: .hours(1), from: Self.local("2025-03-03 16:30")) == Self.local("2025-03-03 17:30"), "an hour that ends at closing ends there")
        #expect(desk.deadline(after: .hours(1), from: Self.local("2025-03-07 17:00")) == Self.local("2025-03-08 08:30"), "Friday evening into Saturday morning")
        #expect(desk.deadline(after: .hours(1), from: Self.local("2025-03-08 11:45")) == Self.local("2025-03-10 08:45"), "Saturday noon, Sunday closed, Monday")
        #expect(desk.deadline(after: .minutes(0), from: Self.local("2025-03-09 20:00")) == Self.local("2025-03-10 08:00"))
        #expect(desk.workingSeconds(from: Self.local("2025-03-07 16:00"), to: Self.local("2025-03-10 09:00")) == 6.5 * 3_600,
                "Friday 1.5 h, Saturday 4 h, Monday 1 h")
        #expect(desk.isOpen(at: Self.local("2025-03-03 12:30")) == false)
        #expect(desk.isOpen(at: Self.local("2025-03-03 13:00")))
    }

    @Test func businessDaysLandOnTheSameTimeOfAnOpenDay() {
        let desk = Self.desk
        #expect(desk.deadline(after: .businessDays(2), from: Self.local("2025-01-27 10:00")) == Self.local("2025-02-04 10:00"), "Tết closes six days")
        #expect(desk.deadline(after: .businessDays(1), from: Self.local("2025-03-08 10:00")) == Self.local("2025-03-10 10:00"), "Saturday to Monday")
        #expect(desk.deadline(after: .businessDays(1), from: Self.local("2025-03-07 17:20")) == Self.local("2025-03-08 12:00"),
                "Saturday closes at noon: its closing time")
        #expect(desk.deadline(after: .businessDays(1), from: Self.local("2025-03-09 20:00")) == Self.local("2025-03-11 08:00"),
                "received on Sunday evening: from Monday's opening")
    }

    @Test func pausesStopTheClock() {
        let desk = Self.desk
        // Four working hours from Monday 09:00, the customer deciding from 10:00 to 14:00: one
        // hour before, three working hours held (10–12, 13–14), three after from 14:00.
        let pause = DateInterval(start: Self.local("2025-03-03 10:00"), end: Self.local("2025-03-03 14:00"))
        #expect(desk.deadline(after: .hours(4), from: Self.local("2025-03-03 09:00"), paused: [pause]) == Self.local("2025-03-03 17:00"))
        #expect(desk.workingSeconds(from: Self.local("2025-03-03 09:00"), to: Self.local("2025-03-03 17:00"), paused: [pause]) == 4 * 3_600)
        // Overlapping pauses count once.
        let overlapping = [pause, DateInterval(start: Self.local("2025-03-03 11:00"), end: Self.local("2025-03-03 13:30"))]
        #expect(desk.workingSeconds(from: Self.local("2025-03-03 09:00"), to: Self.local("2025-03-03 17:00"), paused: overlapping) == 4 * 3_600)
        // Two business days, a day's pause (Tuesday, 8.5 working hours) pushes the deadline on by as much.
        let tuesday = DateInterval(start: Self.local("2025-03-04 08:00"), end: Self.local("2025-03-04 17:30"))
        #expect(desk.deadline(after: .businessDays(2), from: Self.local("2025-03-03 10:00"), paused: [tuesday]) == Self.local("2025-03-06 10:00"))
    }

    /// A New York desk open every day 08:00–20:00: a business day keeps the clock time across
    /// the spring and autumn changes (2025-03-09 and 2025-11-02).
    @Test func businessDaysKeepTheClockTimeAcrossDaylightSaving() {
        let zone = TimeZone(identifier: "America/New_York")!
        let desk = BusinessHours(timeZone: zone, weekly: Dictionary(uniqueKeysWithValues: (1...7).map { ($0, [8 * 60..<20 * 60]) }))
        func newYork(_ text: String, offset: Int) -> Date {
            let parts = text.split(separator: " ")
            let clock = parts[1].split(separator: ":").map { Int($0)! }
            return Date(timeIntervalSince1970: Double(CalendarDays.day(of: String(parts[0]))!) * 86_400 + Double(clock[0] * 3_600 + clock[1] * 60 - offset * 3_600))
        }
        #expect(desk.deadline(after: .businessDays(1), from: newYork("2025-03-08 10:00", offset: -5)) == newYork("2025-03-09 10:00", offset: -4))
        #expect(desk.deadline(after: .businessDays(1), from: newYork("2025-11-01 10:00", offset: -4)) == newYork("2025-11-02 10:00", offset: -5))
        #expect(desk.deadline(after: .hours(1), from: newYork("2025-03-09 19:30", offset: -4)) == newYork("2025-03-10 08:30", offset: -4))
    }

    @Test func calendarTimeAndTheSpansStaffWrite() {
        #expect(Self.desk.deadline(after: .calendarMinutes(2 * 1_440), from: Self.local("2025-03-08 10:00")) == Self.local("2025-03-10 10:00"))
        #expect(BusinessHours.Span("1h") == .minutes(60) && BusinessHours.Span("90m") == .minutes(90))
        #expect(BusinessHours.Span("2bd") == .businessDays(2) && BusinessHours.Span("3d") == .calendarMinutes(4_320))
        #expect(BusinessHours.Span("12ch") == .calendarMinutes(720))
        #expect(BusinessHours.Span("2x") == nil && BusinessHours.Span("0h") == nil && BusinessHours.Span("h") == nil)
        #expect(BusinessHours.Span("5000h") == nil && BusinessHours.Span("600bd") == nil && BusinessHours.Span("400d") == nil, "never due: refused")
        #expect(BusinessHours.Span.businessDays(2).description == "2 business days" && BusinessHours.Span.minutes(60).description == "1 working hour")
        let closed = BusinessHours(timeZone: Self.zone, weekly: [:])
        #expect(closed.deadline(after: .hours(1), from: Self.local("2025-03-03 09:00")) == nil, "no open hours: no deadline")
    }
}
