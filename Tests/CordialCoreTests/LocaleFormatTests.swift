import CordialCore
import Foundation
import Testing

/// Dates and money as letters write them.
@Suite struct LocaleFormatTests {
    @Test func moneyAndDatesPerLanguage() {
        #expect(LocaleFormat("vi-VN").money(Money(1_500_000, "VND")) == "1.500.000 ₫")
        #expect(LocaleFormat("zh").money(Money(1_500, "CNY")) == "¥1,500")
        #expect(LocaleFormat("en").money(Money(Decimal(string: "1500.5")!, "USD")) == "$1,500.50")
        #expect(LocaleFormat("en").money(Money(Decimal(string: "-0.004")!, "USD")) == "$0.00")
        #expect(LocaleFormat("vi").money(Money(Decimal(string: "1234567.891")!, "USD")) == "$1.234.567,89")
        #expect(LocaleFormat("en").money(Money(Decimal(string: "999.995")!, "GBP")) == "£1,000.00")
        let day = CalendarDays.day(of: "2025-02-15")!
        #expect(LocaleFormat("vi").date(day) == "15 tháng 2 năm 2025")
        #expect(LocaleFormat("zh-CN").date(day) == "2025年2月15日")
        #expect(LocaleFormat("en").date(day) == "15 February 2025")
    }
}
