import Foundation

/// Dates and money written the way a letter in the customer's language writes them:
/// `15 tháng 2 năm 2025`, `2025年2月15日`, `15 February 2025`; `1.500.000 ₫`, `¥1,500`,
/// `$1,500.50`. Written here rather than through the platform's formatters so that a letter
/// reads the same on every machine, whatever ICU version it carries.
/// ```swift
/// LocaleFormat("vi-VN").money(Money(1_500_000, "VND"))   // "1.500.000 ₫"
/// LocaleFormat("zh").date(CalendarDays.day(of: "2025-02-15")!)  // "2025年2月15日"
/// ```
public struct LocaleFormat: Sendable {
    /// The language part of the locale: "vi", "zh", "en", …
    public let language: String

    public init(_ locale: String) {
        language = PersonName.language(locale)
    }

    static let englishMonths = [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ]

    /// A day (days since 1970) as a letter writes it.
    public func date(_ day: Int) -> String {
        let (year, month, dayOfMonth) = CalendarDays.civil(ofDay: day)
        switch language {
        case "vi": return "\(dayOfMonth) tháng \(month) năm \(year)"
        case "zh", "ja": return "\(year)年\(month)月\(dayOfMonth)日"
        default: return "\(dayOfMonth) \(Self.englishMonths[month - 1]) \(year)"
        }
    }

    /// Digits grouped by thousands with the language's separators.
    public func number(_ value: Decimal, fractionDigits: Int) -> String {
        var rounded = Decimal()
        var source = value
        NSDecimalRound(&rounded, &source, fractionDigits, .plain)
        let negative = rounded < 0
        let plain = (negative ? -rounded : rounded).description  // "1500000" or "1500.5"
        let pieces = plain.split(separator: ".", omittingEmptySubsequences: false)
        let whole = String(pieces[0])
        var fraction = pieces.count > 1 ? String(pieces[1]) : ""
        if fractionDigits > 0 {
            fraction = String((fraction + String(repeating: "0", count: fractionDigits)).prefix(fractionDigits))
        }
        let (group, decimal) = language == "vi" ? (".", ",") : (",", ".")
        var grouped = ""
        for (index, digit) in whole.enumerated() {
            if index > 0, (whole.count - index) % 3 == 0 { grouped += group }
            grouped.append(digit)
        }
        return (negative ? "-" : "") + grouped + (fraction.isEmpty ? "" : decimal + fraction)
    }

    /// An amount with its currency: the đồng after the number (it has no minor unit), the
    /// yuan, dollar, euro and pound signs before it; cents only when the amount has them.
    public func money(_ money: Money) -> String {
        let minor = Self.minorUnits[money.currency] ?? 2
        var whole = Decimal()
        var amount = money.amount
        NSDecimalRound(&whole, &amount, 0, .plain)
        let digits = whole == money.amount ? 0 : minor
        let number = self.number(money.amount, fractionDigits: digits)
        switch money.currency {
        case "VND": return "\(number) ₫"
        case "CNY": return language == "zh" ? "¥\(number)" : "CN¥\(number)"
        case "JPY": return language == "ja" ? "¥\(number)" : "JP¥\(number)"
        case "USD": return "$\(number)"
        case "EUR": return "€\(number)"
        case "GBP": return "£\(number)"
        default: return "\(number) \(money.currency)"
        }
    }

    static let minorUnits: [String: Int] = ["VND": 0, "JPY": 0, "KRW": 0, "CNY": 2, "USD": 2, "EUR": 2, "GBP": 2]
}
