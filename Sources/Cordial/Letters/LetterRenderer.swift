import CordialCore
import Foundation

/// Renders a plugin's letters for customers: the template for the customer's locale (along
/// the fallback chain), its context, a check that no value the letter prints is missing, then
/// the engine. Used on one thread (its lambdas call into one Lua state).
public final class LetterRenderer {
    public let library: LetterLibrary
    public let settings: LetterSettings
    let lambdas: LetterLambdas?
    /// The engine's partial libraries, by the locale chain they were resolved for.
    private var engines: [String: (MustachePartials, [String: LetterTemplate.LetterPart])] = [:]
    private var templates: [TemplateKey: LetterTemplate?] = [:]
    private var senders: [String: EmailAddress?] = [:]

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
        guard let template = template(name, locale: locale) else {
            let tried = LetterLibrary.chain(locale, defaultLocale: settings.defaultLocale).map { $0.isEmpty ? "\(name).mustache" : "\(name).\($0).mustache" }
            throw PluginError(
                location: "plugin '\(library.plugin)'",
                message: library.templates[name] == nil
                    ? "no letter template '\(name)' (letters/\(name).LOCALE.mustache)"
                    : "no letter template '\(name)' for locale '\(locale)' (tried \(tried.joined(separator: ", ")))")
        }
        let sender = self.sender(of: template)
        // Names, dates and money in the letter's own language: a customer whose language has
        // no template reads the default locale's letter, written throughout in that language.
        let language = template.locale ?? locale
        let fields = LetterContext.fields(
            customer: customer, locale: language, occasion: occasion, sender: sender, organisation: settings.organisation, letterDay: letterDay)
        let context = LetterValues(fields: fields, lambdas: lambdas?.lambdas ?? [:])
        let (engine, partials) = partialLibrary(for: locale)
        let check = LetterValueCheck(partials: partials)
        if let subject = template.subject { try check.check(subject, context: context) }
        try check.check(template.body, context: context)
        lambdas?.beginLetter(context: context)
        let text: String, subject: String?
        do {
            text = try template.body.engine.renderChecked(context, partials: engine)
            subject = try template.subject.map { Self.oneLine(try $0.engine.renderChecked(context, partials: engine)) }
        } catch {
            throw PluginError(location: template.displayPath, message: "\(error)")
        }
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

    /// The template for `name` in `locale`, resolved once per pair (a run renders one
    /// template for many customers of a few locales).
    private func template(_ name: String, locale: String) -> LetterTemplate? {
        let key = TemplateKey(name: name, locale: locale)
        if let found = templates[key] { return found }
        let found = library.template(name, locale: locale, defaultLocale: settings.defaultLocale)
        templates[key] = found
        return found
    }

    /// The template's sender, or the organisation's, parsed once.
    private func sender(of template: LetterTemplate) -> EmailAddress? {
        if let parsed = senders[template.displayPath] { return parsed }
        let parsed = (template.sender ?? settings.sender).flatMap(EmailAddress.init)
        senders[template.displayPath] = parsed
        return parsed
    }

    private struct TemplateKey: Hashable {
        let name: String
        let locale: String
    }

    /// Line breaks and other control characters as spaces, runs of spaces as one: a subject
    /// is one header line whatever its values hold.
    static func oneLine(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.map { scalar -> Character in
            scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" ? " " : Character(scalar)
        })
        return cleaned.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    private func partialLibrary(for locale: String) -> (MustachePartials, [String: LetterTemplate.LetterPart]) {
        if let cached = engines[locale] { return cached }
        let partials = library.partials(locale: locale, defaultLocale: settings.defaultLocale)
        let made = (MustachePartials(partials.mapValues(\.text)), partials)
        engines[locale] = made
        return made
    }
}
