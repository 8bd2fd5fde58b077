import Cordial
import CordialCore
import Foundation
import Testing

/// Every letter the shipped plugins carry renders for a Vietnamese, a Chinese and an English
/// customer — salutation in the language's formal form, no value missing — and lint finds no
/// error in them.
@Suite struct ShippedLettersTests {
    static let plugins = RunCommandTests.packageRoot.appendingPathComponent("plugins")

    static let customers = [
        Customer(id: CustomerID(1), source: "demo", externalID: "D-1", name: PersonName(given: "Thị Lan", family: "Nguyễn"), honorific: "Chị",
                 emails: ["lan@example.vn"], address: Address(city: "Huế"), locale: "vi-VN"),
        Customer(id: CustomerID(2), source: "demo", externalID: "D-2", name: PersonName(given: "伟", family: "王"), honorific: "先生",
                 emails: ["wang@example.cn"], address: Address(city: "上海"), locale: "zh-CN"),
        Customer(id: CustomerID(3), source: "demo", externalID: "D-3", name: PersonName(given: "Emily", family: "Carter"), honorific: "Ms",
                 emails: ["emily@example.com"], address: Address(city: "London"), locale: "en-GB"),
    ]

    static let salutations = ["Kính gửi Chị Nguyễn Thị Lan,", "尊敬的王先生：", "Dear Ms Carter,"]

    @Test func everyShippedLetterRendersInEachLanguage() throws {
        let registry = PluginRegistry(roots: [Self.plugins], loader: PluginLoader(chunkNameRoot: RunCommandTests.packageRoot))
        let report = registry.reload()
        #expect(report.problems.isEmpty, "\(report.problems)")
        let desk = LetterDesk(plugins: registry.plugins)
        let gift = GiftItem(catalog: "birthday", code: "tea-set", name: "Bộ ấm chén Bát Tràng", cost: Money(450_000, "VND"), stock: 1)
        let day = CalendarDays.day(of: "2025-02-15")!
        var rendered = 0
        for plugin in registry.plugins {
            for (template, variants) in plugin.letters.templates {
                for (customer, salutation) in zip(Self.customers, Self.salutations)
                where plugin.letters.template(template, locale: customer.locale, defaultLocale: desk.settings?.defaultLocale) != nil {
                    let occasion = LetterOccasion(
                        campaign: "c", occasion: "o", actionDay: day, actionKey: "k", gift: gift,
                        visit: LetterVisit(day: day + 3, time: "14:30", staff: "Lê Thu Hà", place: "12 Lê Lợi, Huế"),
                        feedbackCase: LetterCase(
                            reference: "FB-2025-0042", summary: "the parcel arrived two weeks late", finding: "it was held at the depot.",
                            remedy: "refund the delivery fee.", followUpDay: day + 2))
                    let letter = try desk.render("\(plugin.name)/\(template)", customer: customer, occasion: occasion, letterDay: day)
                    let ownLanguage = variants.keys.contains(String(customer.locale.prefix(2)))
                    if ownLanguage {
                        #expect(letter.text.hasPrefix(salutation), "\(plugin.name)/\(template) for \(customer.locale): \(letter.text.prefix(60))")
                    }
                    #expect(letter.subject?.isEmpty == false)
                    rendered += 1
                }
            }
        }
        #expect(rendered >= 19, "birthday, thanks, gift-sent, complaint-response, visit-confirmation in three languages; new-year for all, season for English")
    }

    @Test func lintFindsNoErrorInTheShippedLetters() throws {
        let registry = PluginRegistry(roots: [Self.plugins], loader: PluginLoader(chunkNameRoot: RunCommandTests.packageRoot))
        _ = registry.reload()
        let settings = registry.plugins.compactMap(\.registrations.letters).first
        for folder in registry.folders() {
            let plugin = registry.plugins.first { $0.directory.standardizedFileURL == folder.url.standardizedFileURL }
            let findings = LetterLint.lint(
                directory: folder.url, displayRoot: folder.display, plugin: plugin, plugins: registry.plugins, settings: settings,
                reach: ["birthday-gifts": ["vi": 1, "zh": 1, "en": 1], "thank-you-letters": ["vi": 1, "zh": 1, "en": 1]])
            #expect(findings.filter { $0.severity == .error }.isEmpty, "\(findings)")
        }
    }

    /// A complaint answered before anything was found: the paragraphs that would say it are
    /// left out whole, and no blank paragraph is left in their place.
    @Test func aComplaintResponseLeavesOutWhatIsNotKnownYet() throws {
        let registry = PluginRegistry(roots: [Self.plugins], loader: PluginLoader(chunkNameRoot: RunCommandTests.packageRoot))
        _ = registry.reload()
        let desk = LetterDesk(plugins: registry.plugins)
        let day = CalendarDays.day(of: "2025-02-15")!
        for customer in Self.customers {
            let letter = try desk.render(
                "complaint-response", customer: customer,
                occasion: LetterOccasion(feedbackCase: LetterCase(reference: "FB-7", summary: "the shop was closed at opening time")), letterDay: day)
            #expect(!letter.text.contains("\n\n\n"), "\(letter.text)")
            #expect(letter.text.contains("FB-7") && letter.text.contains("the shop was closed at opening time"))
            let full = try desk.render(
                "complaint-response", customer: customer,
                occasion: LetterOccasion(feedbackCase: LetterCase(reference: "FB-7", summary: "s", finding: "F.", remedy: "R.", followUpDay: day + 2)),
                letterDay: day)
            #expect(full.text.split(separator: "\n\n").count == letter.text.split(separator: "\n\n").count + 3, "\(full.text)")
        }
    }
}
