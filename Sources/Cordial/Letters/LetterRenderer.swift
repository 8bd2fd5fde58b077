import CordialCore
import Foundation
import Mustache

/// Renders a plugin's letters for customers: the template for the customer's locale (along
/// the fallback chain), its context, a check that no value the letter prints is missing, then
/// the engine. Used on one thread (its lambdas call into one Lua state).
public final class LetterRenderer {
    public let library: LetterLibrary
    public let settings: LetterSettings
    let lambdas: LetterLambdas?
    /// The engine's partial libraries, by the locale chain they were resolved for.
    private var engines: [[String]: (MustacheLibrary, [String: LetterTemplate.LetterPart])] = [:]

    public init(library: LetterLibrary, settings: LetterSettings?, lambdas: LetterLambdas? = nil) {
        self.library = library
        self.settings = settings ?? LetterSettings()
        self.lambdas = lambdas
    }

    /// Template `name` rendered for `customer` in `locale` (the customer's own by default).
    public func render(
        _ name: String, customer: Customer, locale: String? = nil, occasion: LetterOccasion = LetterOccasion(), letterDay: Int
    ) throws(PluginError) -> RenderedLetter {
        let locale = locale ?? customer.locale
        guard let template = library.template(name, locale: locale, defaultLocale: settings.defaultLocale) else {
            let tried = LetterLibrary.chain(locale, defaultLocale: settings.defaultLocale).map { $0.isEmpty ? "\(name).mustache" : "\(name).\($0).mustache" }
            throw PluginError(
                location: "plugin '\(library.plugin)'",
                message: library.templates[name] == nil
                    ? "no letter template '\(name)' (letters/\(name).LOCALE.mustache)"
                    : "no letter template '\(name)' for locale '\(locale)' (tried \(tried.joined(separator: ", ")))")
        }
        let senderText = template.sender ?? settings.sender
        let sender = senderText.flatMap(EmailAddress.init)
        // Names, dates and money in the letter's own language: a customer whose language has
        // no template reads the default locale's letter, written throughout in that language.
        let language = template.locale ?? locale
        var context = LetterContext.make(
            customer: customer, locale: language, occasion: occasion, sender: sender, organisation: settings.organisation, letterDay: letterDay)
        for (lambda, function) in lambdas?.lambdas ?? [:] where context[lambda] == nil { context[lambda] = function }
        let (engine, partials) = partialLibrary(for: locale)
        let check = LetterValueCheck(partials: partials)
        if let subject = template.subject { try check.check(subject, context: context) }
        try check.check(template.body, context: context)
        lambdas?.beginLetter(context: context)
        let text = template.body.compiled.render(context, library: engine)
        let subject = template.subject.map { Self.oneLine($0.compiled.render(context, library: engine)) }
        if let failure = lambdas?.failure {
            let reason = switch failure.error {
            case let error as PluginError: "\(error.location): \(error.message)"
            case let error as any LocalizedError: error.errorDescription ?? "\(error)"
            default: "\(failure.error)"
            }
            throw PluginError(location: template.displayPath, message: "lambda '\(failure.name)' failed: \(reason)")
        }
        if let subject, subject.isEmpty {
            throw PluginError(location: template.subject.map { $0.location($0.firstLine) } ?? template.displayPath, message: "the subject renders empty")
        }
        return RenderedLetter(
            template: name, locale: template.locale ?? "", file: template.displayPath, channel: template.channel, sender: sender,
            subject: subject, text: text)
    }

    /// Line breaks and other control characters as spaces, runs of spaces as one: a subject
    /// is one header line whatever its values hold.
    static func oneLine(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.map { scalar -> Character in
            scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" ? " " : Character(scalar)
        })
        return cleaned.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    private func partialLibrary(for locale: String) -> (MustacheLibrary, [String: LetterTemplate.LetterPart]) {
        let chain = LetterLibrary.chain(locale, defaultLocale: settings.defaultLocale)
        if let cached = engines[chain] { return cached }
        let partials = library.partials(locale: locale, defaultLocale: settings.defaultLocale)
        let made = (MustacheLibrary(templates: partials.mapValues(\.compiled)), partials)
        engines[chain] = made
        return made
    }
}
