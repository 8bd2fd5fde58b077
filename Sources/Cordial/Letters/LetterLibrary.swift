import CordialCore
import Foundation

/// A plugin's letters: `letters/NAME.LOCALE.mustache` templates and the partials they share,
/// `letters/partials/NAME[.LOCALE].mustache`. A letter in locale `vi-VN` is the first of
/// `birthday.vi-VN`, `birthday.vi`, the organisation's default locale, then `birthday`
/// (no locale); partials resolve along the same chain.
public struct LetterLibrary: Sendable {
    public let plugin: String
    /// Templates by name, then by locale ("" for the file without one).
    public let templates: [String: [String: LetterTemplate]]
    /// Partials by name, then by locale ("" for none).
    public let partials: [String: [String: LetterTemplate.LetterPart]]

    /// Reads `directory/letters`; a plugin without the folder has no letters. Any file that
    /// does not read is an error naming it (and its line).
    public init(plugin: String, directory: URL, displayRoot: String) throws(PluginError) {
        self.plugin = plugin
        let folder = directory.appendingPathComponent("letters")
        var templates: [String: [String: LetterTemplate]] = [:]
        var partials: [String: [String: LetterTemplate.LetterPart]] = [:]
        for (file, isPartial) in Self.files(in: folder) {
            let display = "\(displayRoot)/letters/\(isPartial ? "partials/" : "")\(file)"
            guard let (name, locale) = LetterTemplate.parseFileName(file) else {
                throw PluginError(location: display, message: "letter files are named NAME.LOCALE.mustache (birthday.vi.mustache) or NAME.mustache")
            }
            let url = isPartial ? folder.appendingPathComponent("partials").appendingPathComponent(file) : folder.appendingPathComponent(file)
            try PluginLoader.checkInside(url, directory, display: display)
            guard let data = try? Data(contentsOf: url), data.count <= Self.maximumFileBytes else {
                throw PluginError(location: display, message: "cannot read the file, or it is larger than \(Self.maximumFileBytes / 1024) KB")
            }
            guard let text = String(data: data, encoding: .utf8) else { throw PluginError(location: display, message: "the file is not UTF-8 text") }
            let key = locale?.lowercased() ?? ""
            if (isPartial ? partials[name]?[key] != nil : templates[name]?[key] != nil) {
                throw PluginError(location: display, message: "another file of '\(name)' has the same locale in other letter case; keep one")
            }
            if isPartial {
                partials[name, default: [:]][key] = try LetterTemplate.LetterPart(text, firstLine: 1, file: display)
            } else {
                templates[name, default: [:]][key] = try LetterTemplate(name: name, locale: locale, text: text, displayPath: display)
            }
        }
        self.templates = templates
        self.partials = partials
    }

    init(plugin: String, templates: [String: [String: LetterTemplate]], partials: [String: [String: LetterTemplate.LetterPart]]) {
        self.plugin = plugin
        self.templates = templates
        self.partials = partials
    }

    static let maximumFileBytes = 256 * 1024

    /// `(file name, is a partial)` of the `.mustache` files, sorted; hidden files skipped.
    static func files(in folder: URL) -> [(String, Bool)] {
        func names(_ url: URL) -> [String] {
            ((try? FileManager.default.contentsOfDirectory(atPath: url.path)) ?? [])
                .filter { !$0.hasPrefix(".") && $0.hasSuffix(".mustache") }.sorted()
        }
        return names(folder).map { ($0, false) } + names(folder.appendingPathComponent("partials")).map { ($0, true) }
    }

    /// The locales to try for `locale`, most specific first: "vi-VN" → "vi-VN", "vi", the
    /// default's chain, then "" (the file without a locale).
    public static func chain(_ locale: String, defaultLocale: String?) -> [String] {
        var out: [String] = []
        func add(_ locale: String) {
            var parts = locale.split(separator: "-").map(String.init)
            while !parts.isEmpty {
                let candidate = parts.joined(separator: "-").lowercased()
                if !out.contains(candidate) { out.append(candidate) }
                parts.removeLast()
            }
        }
        add(Self.withScript(locale.replacingOccurrences(of: "_", with: "-")))
        if let defaultLocale { add(Self.withScript(defaultLocale)) }
        out.append("")
        return out
    }

    /// Chinese written in Taiwan, Hong Kong and Macau is traditional, in the mainland and
    /// Singapore simplified: "zh-TW" tries "zh-Hant-TW", "zh-Hant", then "zh".
    static func withScript(_ locale: String) -> String {
        let parts = locale.split(separator: "-").map(String.init)
        guard parts.count == 2, parts[0].lowercased() == "zh" else { return locale }
        switch parts[1].uppercased() {
        case "TW", "HK", "MO": return "zh-Hant-\(parts[1])"
        case "CN", "SG": return "zh-Hans-\(parts[1])"
        default: return locale
        }
    }

    /// The template `name` for a customer writing `locale`; nil when the plugin has no such
    /// template in any locale of the chain.
    public func template(_ name: String, locale: String, defaultLocale: String?) -> LetterTemplate? {
        guard let variants = templates[name] else { return nil }
        let lowered = Dictionary(variants.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
        return Self.chain(locale, defaultLocale: defaultLocale).lazy.compactMap { lowered[$0] }.first
    }

    /// The partials for a letter in `locale`, each resolved along the chain, as the engine
    /// takes them (and as a strict render names their files and lines).
    func partials(locale: String, defaultLocale: String?) -> [String: LetterTemplate.LetterPart] {
        let chain = Self.chain(locale, defaultLocale: defaultLocale)
        var out: [String: LetterTemplate.LetterPart] = [:]
        for (name, variants) in partials {
            let lowered = Dictionary(variants.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { first, _ in first })
            if let part = chain.lazy.compactMap({ lowered[$0] }).first { out[name] = part }
        }
        return out
    }
}
