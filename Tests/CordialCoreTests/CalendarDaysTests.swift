import CordialCore
import Foundation
import Testing

@Suite struct CalendarDaysTests {
    @Test func daysAndTextRoundTrip() {
        for (day, text) in [(0, "1970-01-01"), (-1, "1969-12-31"), (10_134, "1997-09-30"), (19_782, "2024-02-29"), (2_932_896, "9999-12-31")] {
            #expect(CalendarDays.text(ofDay: day) == text)
            #expect(CalendarDays.day(of: text) == day)
        }
        // Every day from 1900 to 2100 survives the round trip.
        let first = CalendarDays.since1970(year: 1900, month: 1, day: 1), last = CalendarDays.since1970(year: 2100, month: 12, day: 31)
        #expect((first...last).allSatisfy { CalendarDays.day(of: CalendarDays.text(ofDay: $0)) == $0 })
        #expect(CalendarDays.day(of: "2023-02-29") == nil)
    }
}
