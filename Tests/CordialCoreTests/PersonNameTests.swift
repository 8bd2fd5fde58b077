import CordialCore
import Foundation
import Testing

@Suite struct PersonNameTests {
    @Test func displayOrderFollowsTheLanguage() {
        #expect(PersonName(given: "Văn An", family: "Nguyễn").display(locale: "vi") == "Nguyễn Văn An")
        #expect(PersonName(given: "伟", family: "王").display(locale: "zh-Hans") == "王伟")
        #expect(PersonName(given: "Wei", family: "Wang").display(locale: "zh") == "Wang Wei")
        #expect(PersonName(given: "Emily", family: "Carter").display(locale: "en-GB") == "Emily Carter")
        #expect(PersonName(given: "Emily", family: "").display(locale: "en") == "Emily")
    }

    @Test func formalAddressFollowsTheLanguage() {
        #expect(PersonName(given: "Thị Lan", family: "Nguyễn").formal(honorific: "Chị", locale: "vi") == "Chị Lan")
        #expect(PersonName(given: "伟", family: "王").formal(honorific: "先生", locale: "zh") == "王先生")
        #expect(PersonName(given: "Emily", family: "Carter").formal(honorific: "Ms.", locale: "en") == "Ms. Carter")
        #expect(PersonName(given: "Emily", family: "Carter").formal(honorific: nil, locale: "en") == "Emily Carter")
    }

    @Test func birthdaysRefuseImpossibleDates() {
        #expect(Birthday(year: 1990, month: 2, day: 31) == nil)
        #expect(Birthday(year: 1991, month: 2, day: 29) == nil)
        #expect(Birthday(year: 2000, month: 2, day: 29)?.description == "2000-02-29")
        #expect(Birthday(year: nil, month: 2, day: 29)?.description == "--02-29")
        #expect(Birthday(year: nil, month: 13, day: 1) == nil)
    }

    @Test func moneyParsesExactDecimals() {
        #expect(Money(parsing: "11.77", currency: "USD")?.amount == Decimal(string: "11.77"))
        #expect(Money(parsing: "0.1", currency: "USD")!.amount + Money(parsing: "0.2", currency: "USD")!.amount == Decimal(string: "0.3"))
        #expect(Money(parsing: "1,5", currency: "EUR") == nil)
        #expect(Money(parsing: "", currency: "EUR") == nil)
        #expect(Money(parsing: "12abc", currency: "EUR") == nil)
        #expect(Money(parsing: "7.5.1", currency: "EUR") == nil)
        #expect(Money(parsing: "-3.25", currency: "EUR")?.amount == Decimal(string: "-3.25"))
        #expect(Money(parsing: ".5", currency: "EUR") == nil)
    }
}
