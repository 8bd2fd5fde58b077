import CordialCore
import Foundation

/// One thing `cordial letters lint` found: an error (a letter that cannot be sent as written)
/// or a warning (a letter that reads worse than it should, or a template nothing uses).
public struct LetterFinding: Sendable, Encodable, Equatable, CustomStringConvertible {
    public enum Severity: String, Sendable, Encodable { case error, warning }
    public let severity: Severity
    public let location: String
    public let message: String
    public var description: String { "\(location): \(severity.rawValue): \(message)" }
}

/// Lint of a plugin's letters: files that do not read (unbalanced sections, bad front
/// matter), variables no context provides, partials that do not exist, locales the policies'
/// customers write that have no variant, and templates no policy uses.
public enum LetterLint {
    /// `directory` is the plugin's folder; `plugin` its loaded form when it loaded (its
    /// policies and lambdas); `plugins` every loaded plugin (whose policies may use these
    /// templates); `reach`: per policy name, the customers it reaches by locale.
    public static func lint(
        directory: URL, displayRoot: String, plugin: Plugin?, plugins: [Plugin], settings: LetterSettings?, reach: [String: [String: Int]]
    ) -> [LetterFinding] {
        var findings: [LetterFinding] = []
        func error(_ problem: PluginError) { findings.append(LetterFinding(severity: .error, location: problem.location, message: problem.message)) }
        let folder = directory.appendingPathComponent("letters")
        var templates: [LetterTemplate] = []
        var partials: [String: [String: LetterTemplate.LetterPart]] = [:]
        for (file, isPartial) in LetterLibrary.files(in: folder) {
            let display = "\(displayRoot)/letters/\(isPartial ? "partials/" : "")\(file)"
            guard let (name, locale) = LetterTemplate.parseFileName(file) else {
                error(PluginError(location: display, message: "letter files are named NAME.LOCALE.mustache (birthday.vi.mustache) or NAME.mustache"))
                continue
            }
            let url = isPartial ? folder.appendingPathComponent("partials").appendingPathComponent(file) : folder.appendingPathComponent(file)
            do {
                try PluginLoader.checkInside(url, directory, display: display)
            } catch let problem {
                error(problem)
                continue
            }
            guard let data = try? Data(contentsOf: url), data.count <= LetterLibrary.maximumFileBytes, let text = String(data: data, encoding: .utf8) else {
                error(PluginError(location: display, message: "cannot read the file as UTF-8 text of at most \(LetterLibrary.maximumFileBytes / 1024) KB"))
                continue
            }
            do {
                if isPartial {
                    partials[name, default: [:]][locale ?? ""] = try LetterTemplate.LetterPart(text, firstLine: 1, file: display)
                } else {
                    templates.append(try LetterTemplate(name: name, locale: locale, text: text, displayPath: display))
                }
            } catch let problem {
                error(problem)
            }
        }
        let library = LetterLibrary(plugin: plugin?.name ?? directory.lastPathComponent, templates: Dictionary(grouping: templates, by: \.name).mapValues {
            Dictionary($0.map { ($0.locale ?? "", $0) }, uniquingKeysWith: { first, _ in first })
        }, partials: partials)

        // Values: each template against a context holding everything a letter can hold.
        for template in templates {
            let locale = template.locale ?? settings?.defaultLocale ?? "en"
            var context = LetterContext.complete(locale: locale)
            for lambda in plugin?.registrations.lambdas ?? [] where context[lambda] == nil { context[lambda] = LetterLambda { _ in "" } }
            let check = LetterValueCheck(
                partials: library.partials(locale: locale, defaultLocale: settings?.defaultLocale), lambdasKnown: plugin != nil)
            for part in [template.subject, template.body].compactMap({ $0 }) {
                check.problems(part, context: LetterValue(reading: context) ?? .object(LetterValues([:]))).forEach(error)
            }
        }

        // Locales: for every policy using a template of this plugin, the customers it reaches
        // whose locale has no variant (an error) or only the default's (a warning).
        var used: Set<String> = []
        for policy in plugins.flatMap(\.registrations.policies) {
            for item in policy.items {
                guard case .letter(let name, _, _) = item.action, library.templates[name] != nil,
                      policy.plugin == library.plugin || !plugins.contains(where: { $0.name == policy.plugin && $0.letters.templates[name] != nil })
                else { continue }
                used.insert(name)
                for (locale, customers) in (reach[policy.name] ?? [:]).sorted(by: { $0.key < $1.key }) where customers > 0 {
                    let chain = LetterLibrary.chain(locale, defaultLocale: nil)
                    let own = chain.dropLast().contains { library.templates[name]?.keys.map { $0.lowercased() }.contains($0) == true }
                    if own { continue }
                    let fallback = library.template(name, locale: locale, defaultLocale: settings?.defaultLocale)
                    let who = "\(customers) customer\(customers == 1 ? "" : "s") policy '\(policy.name)' reaches write '\(locale)'"
                    if let fallback {
                        findings.append(LetterFinding(
                            severity: .warning, location: item.definedAt,
                            message: "\(who); template '\(name)' has no variant for it, so they get \(fallback.displayPath)"))
                    } else {
                        findings.append(LetterFinding(
                            severity: .error, location: item.definedAt,
                            message: "\(who); template '\(name)' has no variant for it and no default: add letters/\(name).\(LocaleFormat(locale).language).mustache"))
                    }
                }
            }
        }
        // Which templates policies use is known only when the plugin loaded.
        for name in library.templates.keys.sorted() where plugin != nil && !used.contains(name) {
            let file = library.templates[name]!.values.map(\.displayPath).sorted().first ?? name
            findings.append(LetterFinding(severity: .warning, location: file, message: "no policy uses template '\(name)' (campaign scripts may)"))
        }
        return findings
    }
}
