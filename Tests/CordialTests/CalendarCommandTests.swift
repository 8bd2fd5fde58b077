import Foundation
import Testing

/// `cordial calendar holidays` as a user runs it.
@Suite struct CalendarCommandTests {
    @Test func holidaysOfAYearPerLocale() throws {
        let all = try RunCommandTests.cordial(["calendar", "holidays", "2025"])
        #expect(all.status == 0, "\(all.standardError)")
        #expect(all.standardOutput.contains("vi  2025\n"))
        #expect(all.standardOutput.contains("  2025-01-29  lunar-new-year (tet)"))
        #expect(all.standardOutput.contains("Tết Nguyên Đán"))
        #expect(all.standardOutput.contains("  2025-01-29  lunar-new-year (spring-festival)  春节"))
        #expect(all.standardOutput.contains("  2025-12-25  christmas"))

        let json = try RunCommandTests.cordial(["calendar", "holidays", "1985", "--locale", "vi-VN", "--json"])
        #expect(json.status == 0)
        let rows = try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [[String: Any]] ?? []
        let tet = rows.first { $0["id"] as? String == "lunar-new-year" }
        #expect(tet?["date"] as? String == "1985-01-21")
        #expect(tet?["locale"] as? String == "vi")
        #expect(rows.allSatisfy { $0["locale"] as? String == "vi" })
    }

    @Test func aYearOrLocaleWithoutACalendarIsRefused() throws {
        let late = try RunCommandTests.cordial(["calendar", "holidays", "2300"])
        #expect(late.status != 0)
        #expect(late.standardError.contains("year 2300 is outside the computed years 1900 to 2199"))
        let french = try RunCommandTests.cordial(["calendar", "holidays", "2025", "--locale", "fr"])
        #expect(french.status != 0)
        #expect(french.standardError.contains("no holiday calendar for locale 'fr' (known: en, vi, zh)"))
    }
}
