import Foundation

/// An amount of money: a `Decimal` and an ISO 4217 currency code. Never a `Double`.
///
/// The money rule, for every backend: amounts are stored exactly (decimal text in SQLite,
/// `NUMERIC` in PostgreSQL), and money that is shown, charged or budgeted — a customer's
/// total, a gift's cost, a campaign's budget — is summed exactly, in `Decimal` (or the
/// database's exact type). Statistics — segmentation facts (``PurchaseFacts/total``), the
/// value models' histories (``PurchaseDays/amounts``), quantiles — are `Double`s: each
/// amount is converted once, correctly rounded, and the statistic is computed on those
/// numbers, never fed back into a stored amount.
public struct Money: Codable, Sendable, Hashable {
    public var amount: Decimal
    public var currency: String

    public init(_ amount: Decimal, _ currency: String) {
        self.amount = amount
        self.currency = currency
    }

    /// Parses "12.50" (a dot as decimal separator, no grouping), as data files write amounts.
    public init?(parsing text: String, currency: String) {
        guard let (amount, _) = Self.parse(text) else { return nil }
        self.init(amount, currency)
    }

    /// The amount "12.50" stands for and its ``amountText`` ("12.5"), read in one pass over
    /// the bytes: imports read millions of amounts, and `Decimal(string:)` with `description`
    /// cost more than the rest of a row. Amounts of more than 18 significant digits take the
    /// `Decimal` route. Nil unless the text is -?digits(.digits)? with spaces around.
    public static func parse(_ text: String) -> (amount: Decimal, text: String)? {
        var text = text
        return text.withUTF8 { bytes -> (Decimal, String)? in
            var start = 0, end = bytes.count
            while start < end, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
            while end > start, bytes[end - 1] == 0x20 || bytes[end - 1] == 0x09 { end -= 1 }
            let negative = start < end && bytes[start] == UInt8(ascii: "-")
            if negative { start += 1 }
            var dot = end
            for index in start..<end where !(48...57).contains(bytes[index]) {
                guard bytes[index] == UInt8(ascii: "."), dot == end else { return nil }
                dot = index
            }
            guard dot > start, dot != end - 1 else { return nil }  // digits before a dot, and after one
            // Significant digits: leading zeros of the whole part and trailing zeros of the
            // fraction do not count.
            var wholeStart = start
            while wholeStart < dot - 1, bytes[wholeStart] == UInt8(ascii: "0") { wholeStart += 1 }
            var fractionEnd = end
            if dot < end {
                while fractionEnd > dot + 1, bytes[fractionEnd - 1] == UInt8(ascii: "0") { fractionEnd -= 1 }
                if fractionEnd == dot + 1 { fractionEnd = dot }  // "12.00": no fraction
            }
            let fractionDigits = fractionEnd > dot ? fractionEnd - dot - 1 : 0
            guard dot - wholeStart + fractionDigits <= 18 else {
                let written = String(decoding: UnsafeBufferPointer(rebasing: bytes[(negative ? start - 1 : start)..<end]), as: UTF8.self)
                guard let amount = Decimal(string: written, locale: Locale(identifier: "en_US_POSIX")) else { return nil }
                return (amount, amount.description)
            }
            var significand: UInt64 = 0
            for index in wholeStart..<dot { significand = significand * 10 + UInt64(bytes[index] - 48) }
            if fractionDigits > 0 {
                for index in (dot + 1)..<fractionEnd { significand = significand * 10 + UInt64(bytes[index] - 48) }
            }
            let signed = negative && significand != 0
            let amount = Decimal(sign: signed ? .minus : .plus, exponent: -fractionDigits, significand: Decimal(significand))
            var shown = signed ? "-" : ""
            shown += String(decoding: UnsafeBufferPointer(rebasing: bytes[wholeStart..<dot]), as: UTF8.self)
            if fractionDigits > 0 { shown += String(decoding: UnsafeBufferPointer(rebasing: bytes[dot..<fractionEnd]), as: UTF8.self) }
            return (amount, shown)
        }
    }

    /// The former parser, kept for the parse tests' comparison.
    static func parsedByDecimal(_ text: String) -> Decimal? {
        let trimmed = text.trimmedOfSpaces()
        // Strictly -?digits(.digits)?: Decimal(string:) alone would read "7.5.1" as 7.5.
        let unsigned = trimmed.hasPrefix("-") ? trimmed.dropFirst() : Substring(trimmed)
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let amount = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        return amount
    }

    /// The amount as text with a dot, "12.5": how it is stored and exported.
    public var amountText: String { amount.description }
}
