import CordialCore
import Foundation
import LuaHost

/// Argument readers and formatters of `cordial.dates` and `cordial.format`.
enum LuaDates {
    /// The day of a "YYYY-MM-DD" argument.
    static func day(_ arguments: LuaArguments, _ index: Int, _ name: String) throws -> Int {
        let text = try arguments.get(index, name, as: String.self)
        guard let day = CalendarDays.day(of: text) else { throw arguments.invalid(name, "expected a date \"YYYY-MM-DD\", got '\(text)'") }
        return day
    }
}

enum LuaFormats {
    static func locale(_ arguments: LuaArguments, _ index: Int) throws -> Locale {
        let identifier = try arguments.get(index, "locale", as: String.self)
        guard !identifier.isEmpty, identifier.count <= 35,
              identifier.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw arguments.invalid("locale", "expected a locale such as \"vi\", \"zh\" or \"en-GB\", got '\(identifier)'")
        }
        return Locale(identifier: identifier.replacingOccurrences(of: "-", with: "_"))
    }

    static func number(_ value: Double, locale: Locale, decimals: Int?) -> String {
        var style = FloatingPointFormatStyle<Double>.number.locale(locale)
        if let decimals {
            style = style.precision(.fractionLength(max(0, min(decimals, 10))))
        } else {
            style = style.precision(.fractionLength(0...3))
        }
        return value.formatted(style)
    }

    /// An amount from a number or from decimal text (text keeps every digit).
    static func decimal(_ arguments: LuaArguments, _ index: Int) throws -> Decimal {
        let value = try arguments.value(index, "amount")
        if let integer = value.integerValue { return Decimal(integer) }
        if let text = value.stringValue {
            guard let money = Money(parsing: text, currency: "XXX") else {
                throw arguments.invalid("amount", "expected a number or decimal text such as \"1250000.50\", got '\(text)'")
            }
            return money.amount
        }
        if let number = value.doubleValue, number.isFinite { return Decimal(string: String(number)) ?? Decimal(number) }
        throw arguments.invalid("amount", "expected a number, got \(value.typeName)")
    }
}
