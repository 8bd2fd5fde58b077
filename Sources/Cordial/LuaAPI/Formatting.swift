import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// `cordial.format`: numbers, money and dates as people of a locale write them.
extension LuaAPI {
    static let formatting: [LuaAPIFunction] = [
        LuaAPIFunction(
            "format.number", "A number as people of `locale` write it: 1.250.000,5 (vi), 1,250,000.5 (en, zh).",
            parameters: [
                .init("value", "number", "the number"), .init("locale", "string", "\"vi\", \"zh\", \"en\", \"vi-VN\", …"),
                .init("decimals", "integer", "exact number of decimals (default: as needed, at most 3)", optional: true),
            ],
            results: [.init("string", "the text")]
        ) { _, arguments in
            let value = try arguments.get(1, "value", as: Double.self)
            let locale = try LuaFormats.locale(arguments, 2)
            let decimals = try arguments.get(3, "decimals", as: Int?.self)
            return LuaFormats.number(value, locale: locale, decimals: decimals)
        },
        LuaAPIFunction(
            "format.money", "An amount with its currency as people of `locale` write it: 1.250.000 ₫ (vi), US$1,234.50 (zh).",
            parameters: [
                .init("amount", "number|string", "the amount (a string keeps every digit: \"1250000.50\")"),
                .init("currency", "string", "ISO 4217 code: VND, CNY, USD, …"), .init("locale", "string", "\"vi\", \"zh\", \"en\", …"),
            ],
            results: [.init("string", "the text")]
        ) { _, arguments in
            let amount = try LuaFormats.decimal(arguments, 1)
            let currency = try arguments.get(2, "currency", as: String.self)
            guard currency.count == 3, currency.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
                throw arguments.invalid("currency", "expected an ISO 4217 code such as VND or USD, got '\(currency)'")
            }
            return amount.formatted(.currency(code: currency).locale(try LuaFormats.locale(arguments, 3)))
        },
        LuaAPIFunction(
            "format.pad", "Text with spaces up to `width` terminal columns, for tables that line up: Chinese characters count two columns, Vietnamese accents none.",
            parameters: [
                .init("text", "string", "the text"), .init("width", "integer", "columns, 0 to 1000"),
                .init("align", "\"left\"|\"right\"", "default \"left\": spaces after the text", optional: true),
            ],
            results: [.init("string", "the text, padded (as it is when it is as wide already)")]
        ) { _, arguments in
            let text = try arguments.get(1, "text", as: String.self)
            let width = try arguments.get(2, "width", as: Int.self)
            guard (0...1_000).contains(width) else { throw arguments.invalid("width", "expected 0 to 1000, got \(width)") }
            let align = try arguments.get(3, "align", as: String?.self) ?? "left"
            guard align == "left" || align == "right" else { throw arguments.invalid("align", "expected \"left\" or \"right\", got '\(align)'") }
            return DisplayWidth.padded(text, to: width, alignRight: align == "right")
        },
        LuaAPIFunction(
            "format.date", "A date as people of `locale` write it: \"long\" (ngày 15 tháng 11, 2023 · 2023年11月15日) or \"short\" (15/11/2023).",
            parameters: [
                .init("date", "string", "\"YYYY-MM-DD\""), .init("locale", "string", "\"vi\", \"zh\", \"en\", …"),
                .init("style", "\"long\"|\"short\"", "default \"long\"", optional: true),
            ],
            results: [.init("string", "the text")]
        ) { _, arguments in
            let day = try LuaDates.day(arguments, 1, "date")
            let locale = try LuaFormats.locale(arguments, 2)
            let style = try arguments.get(3, "style", as: String?.self) ?? "long"
            guard style == "long" || style == "short" else { throw arguments.invalid("style", "expected \"long\" or \"short\", got '\(style)'") }
            let date = CalendarDays.date(ofDay: day)
            let utc = TimeZone(identifier: "UTC")!
            return date.formatted(Date.FormatStyle(date: style == "long" ? .long : .numeric, time: .omitted, locale: locale, timeZone: utc))
        },
    ]
}
