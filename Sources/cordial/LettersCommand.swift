import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial letters list|preview|lint`
struct LettersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letters", abstract: "Letter templates: list them, preview one for a customer, lint them.",
        subcommands: [ListLetters.self, PreviewLetter.self, LintLetters.self])
}

enum LetterFormat: String, ExpressibleByArgument, CaseIterable {
    case text, html, eml
}

struct ListLetters: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Templates with their locales, channels and the policies using them.")

    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "Only this plugin's.")
    var plugin: String?

    @Flag(help: "Machine-readable output.")
    var json = false

    struct Listed: Encodable {
        var plugin: String
        var template: String
        var locales: [String]
        var channels: [String]
        var policies: [String]
        var files: [String]
    }

    func run() throws {
        let (registry, report) = pluginOptions.registry()
        let plugins = registry.plugins.filter { plugin == nil || $0.name == plugin }
        if let plugin, plugins.isEmpty, report.problems.isEmpty { throw CommandFailure("no plugin '\(plugin)' is loaded") }
        let policies = registry.plugins.flatMap(\.registrations.policies)
        var listed: [Listed] = []
        for owner in plugins {
            for (name, variants) in owner.letters.templates.sorted(by: { $0.key < $1.key }) {
                let sorted = variants.sorted { $0.key < $1.key }
                let users = policies.filter { policy in
                    policy.plugin == owner.name && policy.items.contains { if case .letter(name, _, _) = $0.action { true } else { false } }
                }
                listed.append(Listed(
                    plugin: owner.name, template: name, locales: sorted.map { $0.value.locale ?? "(any)" },
                    channels: Array(Set(sorted.map(\.value.channel.rawValue))).sorted(), policies: users.map(\.name),
                    files: sorted.map(\.value.displayPath)))
            }
        }
        if json {
            try StoreOptions.printJSON(listed)
        } else {
            printTable(["PLUGIN", "TEMPLATE", "LOCALES", "CHANNEL", "POLICIES"], listed.map {
                [$0.plugin, $0.template, $0.locales.joined(separator: ", "), $0.channels.joined(separator: ", "), $0.policies.joined(separator: ", ")]
            })
        }
        printProblems(report.problems)
        if !report.problems.isEmpty { throw ExitCode.failure }
    }
}

struct PreviewLetter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "preview", abstract: "Render a template for one customer, as the letter would be sent.",
        discussion: """
            TEMPLATE is a template's name (birthday) or PLUGIN/NAME when several plugins have one. A value the \
            letter needs and the customer's file lacks is an error naming the template's line, never a blank.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The template: NAME or PLUGIN/NAME.")
    var template: String

    @Option(help: "The customer: the store id (42) or SOURCE:EXTERNAL_ID.")
    var customer: String

    @Option(help: "Render in this locale instead of the customer's.")
    var locale: String?

    @Option(help: "text, html or eml (the RFC 5322 message as it would be sent).")
    var format: LetterFormat = .text

    @Option(help: "Preview with this gift: CATALOG/CODE from the gift catalog.")
    var gift: String?

    @Option(help: "The letter's date (YYYY-MM-DD; default today).")
    var date: String?

    struct Shown: Encodable {
        var template: String
        var file: String
        var locale: String
        var channel: String
        var sender: String?
        var subject: String?
        var text: String
        var html: String
    }

    func run() async throws {
        let opened = try await store.open()
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        let person = try await lookUpCustomer(customer, in: opened)
        var occasion = LetterOccasion()
        if let gift {
            let items = try await opened.giftItems()
            guard let item = items.first(where: { "\($0.catalog)/\($0.code)" == gift }) else {
                throw CommandFailure("no gift item '\(gift)' in the catalogs (`cordial catalog list`)")
            }
            occasion.gift = item
        }
        let day: Int
        if let date {
            guard let parsed = CalendarDays.day(of: date) else { throw ValidationError("--date '\(date)' is not a date (YYYY-MM-DD)") }
            day = parsed
        } else {
            day = CalendarDays.day(of: Date())
        }
        let letter: RenderedLetter
        do {
            letter = try LetterDesk(plugins: registry.plugins).render(template, customer: person, locale: locale, occasion: occasion, letterDay: day)
        } catch {
            throw CommandFailure(error.description)
        }
        if store.json {
            return try store.printJSON(Shown(
                template: letter.template, file: letter.file, locale: letter.locale, channel: letter.channel.rawValue,
                sender: letter.sender?.text,
                subject: letter.subject, text: letter.text, html: letter.html))
        }
        switch format {
        case .text:
            print("template: \(letter.file) (\(letter.channel.rawValue))")
            if let subject = letter.subject { print("subject:  \(subject)") }
            print("")
            print(letter.text)
        case .html:
            print(letter.html, terminator: "")
        case .eml:
            guard let sender = letter.sender else {
                throw CommandFailure("\(letter.file): no sender: add 'sender: Name <address>' to its front matter, or plugin:letters { sender = … }")
            }
            guard let address = person.emails.first, let to = EmailAddress(name: person.name.display(locale: person.locale), address: address) else {
                throw CommandFailure("customer \(person.id?.rawValue ?? 0) has no usable email address")
            }
            print(EmailMessage.make(letter, from: sender, to: to, actionKey: "preview/\(template)/\(person.id?.rawValue ?? 0)", date: Date()), terminator: "")
        }
        if !report.problems.isEmpty { throw ExitCode.failure }
    }
}

struct LintLetters: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint", abstract: "Find what would make a letter wrong before it is sent.",
        discussion: """
            Errors: files that do not read (front matter, unbalanced sections), variables no letter's context \
            provides, partials that do not exist, locales of customers a policy reaches with no variant at all. \
            Warnings: customers who get the default locale's letter, templates no policy uses. Exits 1 on errors.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "Only this plugin's letters.")
    var plugin: String?

    func run() async throws {
        let (registry, report) = pluginOptions.registry()
        let folders = registry.folders().filter { plugin == nil || $0.url.lastPathComponent == plugin }
        if let plugin, folders.isEmpty { throw CommandFailure("no plugin folder '\(plugin)' in \(pluginOptions.roots.map(\.path).joined(separator: ", "))") }
        let settings = registry.plugins.compactMap(\.registrations.letters).first
        // The locales each policy's customers write, when there is a store to ask.
        var reach: [String: [String: Int]] = [:]
        var notes: [String] = []
        if let opened = try? await StoreLocation.open(store.location, creating: false) {
            for policy in registry.plugins.flatMap(\.registrations.policies)
            where policy.items.contains(where: { if case .letter = $0.action { true } else { false } }) {
                var counts: [String: Int] = [:]
                for selector in policy.segments {
                    let found = try await opened.localeCounts(matching: CustomerQuery(segment: selector.segment, label: selector.label))
                    counts.merge(found, uniquingKeysWith: +)
                }
                reach[policy.name] = counts
            }
        } else {
            notes.append("no store at \(store.location): the locales policies reach are not checked (--db)")
        }
        var findings: [LetterFinding] = []
        for folder in folders {
            let loaded = registry.plugins.first { $0.directory.standardizedFileURL == folder.url.standardizedFileURL }
            findings += LetterLint.lint(
                directory: folder.url, displayRoot: folder.display, plugin: loaded, plugins: registry.plugins, settings: settings, reach: reach)
        }
        let errors = findings.filter { $0.severity == .error }.count
        if store.json {
            try store.printJSON(findings)
        } else {
            for finding in findings { print(finding.description.forTerminal) }
            for note in notes { StandardStreams.error("note: \(note)\n") }
            print("\(errors) error\(errors == 1 ? "" : "s"), \(findings.count - errors) warning\(findings.count - errors == 1 ? "" : "s")")
        }
        printProblems(report.problems)
        if errors > 0 || !report.problems.isEmpty { throw ExitCode.failure }
    }
}
