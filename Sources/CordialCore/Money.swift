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
        let trimmed = text.trimmedOfSpaces()
        // Strictly -?digits(.digits)?: Decimal(string:) alone would read "7.5.1" as 7.5.
        let unsigned = trimmed.hasPrefix("-") ? trimmed.dropFirst() : Substring(trimmed)
        let parts = unsigned.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } }),
              let amount = Decimal(string: trimmed, locale: Locale(identifier: "en_US_POSIX"))
        else { return nil }
        self.init(amount, currency)
    }

    /// The amount as text with a dot, "12.5": how it is stored and exported.
    public var amountText: String { amount.description }
}
