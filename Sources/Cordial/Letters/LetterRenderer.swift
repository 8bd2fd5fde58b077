import CordialCore
import Foundation

/// Renders a plugin's letters for customers: the template for the customer's locale (along
/// the fallback chain), its context, then the engine's strict render, which refuses a value
/// the letter would print as a blank at its file and line. Used on one thread (its lambdas call into one Lua state).
public final class LetterRenderer {
    public let library: LetterLibrary
    public let settings: LetterSettings
    let lambdas: LetterLambdas?
    /// The engine's partial libraries, by the locale chain they were resolved for.
    private var engines: [String: (MustachePartials, [String: LetterTemplate.LetterPart])] = [:]
    private var templates: [TemplateKey: LetterTemplate?] = [:]
    private var senders: [String: EmailAddress?] = [:]
    private var lastShared: (
        occasion: LetterOccasion, language: String, letterDay: Int, sender: EmailAddress?, fields: [String: LetterValue], format: LocaleFormat
    )?

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
        let shared = sharedValues(occasion, language: language, sender: sender, letterDay: letterDay)
        var fields = shared.fields
        fields["customer"] = .object(LetterContext.customerValues(customer: customer, locale: language, format: shared.format))
        let context = LetterValues(fields)
        let (engine, partials) = partialLibrary(for: locale)
        // The render is the check: it stops at the first value the letter would leave blank.
        lambdas?.beginLetter()
        var subject: String?
        if let part = template.subject { subject = Self.oneLine(try render(part, context: context, partials: (engine, partials))) }
        let text = try render(template.body, context: context, partials: (engine, partials))
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

    /// One part of a letter rendered strictly: a blank is an error at the file and line it is in.
    private func render(
        _ part: LetterTemplate.LetterPart, context: LetterValues, partials: (MustachePartials, [String: LetterTemplate.LetterPart])
    ) throws(PluginError) -> String {
        do {
            return try part.engine.renderChecked(context, partials: partials.0, strict: true)
        } catch let problem as MustacheEngine.Problem {
            let file = problem.partial.flatMap { partials.1[$0] } ?? part
            throw PluginError(location: problem.line.map(file.location) ?? file.file, message: problem.message)
        } catch {
            throw PluginError(location: part.file, message: "\(error)")
        }
    }

    /// What letters of one occasion, day and language share — the occasion's values, the
    /// plugin's lambdas, the language's formats — made once for the letters of an occasion in
    /// a row (a run renders one occasion for many customers; the values are immutable, so shared).
    private func sharedValues(
        _ occasion: LetterOccasion, language: String, sender: EmailAddress?, letterDay: Int
    ) -> (fields: [String: LetterValue], format: LocaleFormat) {
        if let last = lastShared, last.language == language, last.letterDay == letterDay, last.sender == sender,
           last.occasion.hasSameValues(as: occasion) {
            return (last.fields, last.format)
        }
        let objects = LetterContext.occasionValues(
            occasion: occasion, locale: language, sender: sender, organisation: settings.organisation, letterDay: letterDay)
        let fields = LetterValues(objects, lambdas: lambdas?.lambdas ?? [:]).fields
        let format = LocaleFormat(language)
        lastShared = (occasion, language, letterDay, sender, fields, format)
        return (fields, format)
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
        // Most subjects are one clean line already: printable ASCII or UTF-8 past U+00BF
        // (C1 controls are U+0080–U+009F; U+2028/2029 start E2 80 A8/A9), single spaces inside.
        var previous: UInt8 = 0x20, clean = true
        var bytes = text.utf8.makeIterator()
        while clean, let byte = bytes.next() {
            clean = (byte > 0x20 && byte != 0x7F) || (byte == 0x20 && previous != 0x20)
            if byte == 0xC2 || byte == 0xE2 { clean = false }
            previous = byte
        }
        if clean, previous != 0x20 { return text }
        let cleaned = String(text.unicodeScalars.map { scalar -> Character in
            scalar.properties.generalCategory == .control || scalar == "\u{2028}" || scalar == "\u{2029}" ? " " : Character(scalar)
        })
        return cleaned.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
    }

    private func partialLibrary(for locale: String) -> (MustachePartials, [String: LetterTemplate.LetterPart]) {
        if let cached = engines[locale] { return cached }
        let partials = library.partials(locale: locale, defaultLocale: settings.defaultLocale)
        let made = (MustachePartials(partials.mapValues(\.text), firstLines: partials.mapValues(\.firstLine)), partials)
        engines[locale] = made
        return made
    }
}
