@testable import CordialCore
import Foundation
import Testing

/// The one-pass amount parser gives what `Decimal(string:)` and its `description` gave,
/// value and stored text, for every shape of amount a file writes; and refuses the same texts.
struct MoneyParsingTests {
    static let written: [String] = {
        var texts = ["0", "-0", "00", "0.0", "-0.00", "7", "007", "12.50", "12.05", "-12.5", "1000", "1000.000", "0.001",
                     " 42 ", "\t3.10", "999999999999999999", "9999999999999999999", "123456789012.123456",
                     "1234567890123456789012345.5", "0.000000000000000000001", "-99999999999999999.99"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let whole = String(Int.random(in: 0...999_999_999, using: &generator))
            let zeros = String(repeating: "0", count: Int.random(in: 0...2, using: &generator))
            let fraction = Bool.random(using: &generator) ? "" : "." + String(Int.random(in: 0...9_999, using: &generator)) + zeros
            texts.append((Bool.random(using: &generator) ? "-" : "") + zeros + whole + fraction)
        }
        return texts
    }()

    static let refused = ["", "-", ".", ".5", "5.", "1.2.3", "1,5", "1e5", "+5", "--5", "٣", "5 5", "0x10", "- 5", "12.5€"]

    @Test func readsAmountsAsDecimalDid() throws {
        for text in Self.written {
            let expected = try #require(Money.parsedByDecimal(text), "\(text)")
            let parsed = try #require(Money.parse(text), "\(text)")
            #expect(parsed.amount == expected, "\(text)")
            #expect(parsed.text == expected.description, "\(text)")
            #expect(Money(parsing: text, currency: "VND")?.amountText == parsed.text, "\(text)")
        }
    }

    @Test func refusesWhatDecimalRefused() {
        for text in Self.refused {
            #expect(Money.parse(text) == nil, "\(text)")
            #expect(Money.parsedByDecimal(text) == nil, "\(text)")
        }
    }
}
