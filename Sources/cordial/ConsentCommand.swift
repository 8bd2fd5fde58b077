import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial consent import|export|show|set`
struct ConsentCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "consent", abstract: "Each customer's consent per channel (email, sms, post, phone); a refused channel gets nothing.",
        discussion: "A channel without an answer is allowed. Every change is recorded in the audit log with where it came from.",
        subcommands: [ImportConsent.self, ExportConsent.self, ShowConsent.self, SetConsent.self])
}

extension ContactChannel: ExpressibleByArgument {}

struct ImportConsent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Record consent answers from CSV or JSON Lines; all or nothing.",
        discussion: "Columns: customer_id (the external id), channel, consent (yes/no, granted/refused, opt-in/opt-out), and optionally customer_source.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The file to import.")
    var file: String

    @Option(help: "csv or jsonl (default: from the file's extension).")
    var format: ImportFormat?

    @Option(help: "The source the customers were imported from, for rows without a customer_source column.")
    var source: String = "import"

    func run() async throws {
        let opened = try await store.open()
        let format = format ?? (file.lowercased().hasSuffix(".jsonl") ? .jsonl : .csv)
        let changes: [ConsentChange]
        do {
            changes = try await ConsentImporter(customerSource: source).changes(path: file, format: format, in: opened)
        } catch let error as ImportError {
            StandardStreams.error("cordial: " + (error.errorDescription ?? "import refused") + "\n")
            throw ExitCode(1)
        }
        let (changed, unchanged) = try await opened.recordConsent(changes, source: "import \((file as NSString).lastPathComponent)", at: Date())
        if store.json { return try store.printJSON(["changed": changed, "unchanged": unchanged]) }
        print("\(file): \(changed) answers changed, \(unchanged) unchanged")
    }
}

struct ExportConsent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "export", abstract: "Write every consent answer as CSV (re-importable), or JSON Lines with --json.")

    @OptionGroup var store: StoreOptions

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func run() async throws {
        let opened = try await store.open()
        // --json: one JSON object a line, with the CSV's columns as keys.
        var text = store.json ? "" : "customer_source,customer_id,channel,consent,changed_at,via\n"
        var after: CustomerID?
        while true {
            let page = try await opened.consentRecords(after: after, limit: 1_000)
            guard let last = page.last else { break }
            let customers = Dictionary(
                try await opened.customers(withIDs: page.map(\.customerID)).map { ($0.id!, $0) }, uniquingKeysWith: { first, _ in first })
            for record in page {
                guard let customer = customers[record.customerID] else { continue }
                let fields = [
                    customer.source, customer.externalID, record.channel.rawValue, record.granted ? "yes" : "no",
                    record.changedAt.formatted(.iso8601), record.source,
                ]
                if store.json {
                    let keys = ["customer_source", "customer_id", "channel", "consent", "changed_at", "via"]
                    text += try Self.jsonLine(Dictionary(uniqueKeysWithValues: zip(keys, fields))) + "\n"
                } else {
                    text += fields.map(Self.csvField).joined(separator: ",") + "\n"
                }
            }
            after = last.customerID
        }
        if let output {
            try OutputFile.write(text, to: output)
        } else {
            print(text, terminator: "")
        }
    }

    static func jsonLine(_ fields: [String: String]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(fields), as: UTF8.self)
    }

    static func csvField(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

struct ShowConsent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "A customer's answers per channel.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The customer: store id (42) or SOURCE:EXTERNAL_ID.")
    var customer: String

    func run() async throws {
        let opened = try await store.open()
        let found = try await lookUpCustomer(customer, in: opened)
        let records = try await opened.consent(of: found.id!)
        if store.json { return try store.printJSON(records) }
        let byChannel = Dictionary(records.map { ($0.channel, $0) }, uniquingKeysWith: { first, _ in first })
        printTable(["CHANNEL", "CONSENT", "CHANGED", "VIA"], ContactChannel.allCases.map { channel in
            guard let record = byChannel[channel] else { return [channel.rawValue, "not asked (allowed)", "-", "-"] }
            return [channel.rawValue, record.granted ? "granted" : "refused", record.changedAt.formatted(.iso8601), record.source]
        })
    }
}

struct SetConsent: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "set", abstract: "Record a customer's answer for a channel, with an audit entry.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The customer: store id (42) or SOURCE:EXTERNAL_ID.")
    var customer: String

    @Option(help: "email, sms, post or phone.")
    var channel: ContactChannel

    @Flag(help: "The customer agreed to be contacted on the channel.")
    var grant = false

    @Flag(help: "The customer refused (opted out of) the channel.")
    var refuse = false

    func validate() throws {
        guard grant != refuse else { throw ValidationError("give --grant or --refuse") }
    }

    /// `{"customer": 1, "channel": "email", "granted": false, "changed": true}`
    private struct ConsentSet: Encodable {
        let customer: Int64
        let channel: String
        let granted: Bool
        let changed: Bool
    }

    func run() async throws {
        let opened = try await store.open()
        let found = try await lookUpCustomer(customer, in: opened)
        let (changed, _) = try await opened.recordConsent(
            [ConsentChange(customerID: found.id!, channel: channel, granted: grant)], source: "cli", at: Date())
        if store.json {
            return try store.printJSON(ConsentSet(customer: found.id!.rawValue, channel: channel.rawValue, granted: grant, changed: changed > 0))
        }
        print("customer \(found.id!): \(channel.rawValue) \(grant ? "granted" : "refused")" + (changed == 0 ? " (as it was)" : ""))
    }
}
