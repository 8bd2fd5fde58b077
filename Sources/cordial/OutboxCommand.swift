import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial outbox list|show|deliver|resolve`
struct OutboxCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "outbox", abstract: "Letters waiting, sent, failed or uncertain; deliver them, each once.",
        subcommands: [ListOutbox.self, ShowOutboxLetter.self, DeliverOutbox.self, ResolveOutboxLetter.self])
}

extension OutboxStatus: ExpressibleByArgument {}
extension SMTPSettings.Security: ExpressibleByArgument {}

struct ListOutbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Letters of the outbox, with counts by status.")

    @OptionGroup var store: StoreOptions

    @Option(help: "Only letters in this status: \(OutboxStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
    var status: OutboxStatus?

    @Flag(help: "Only letters whose delivery is uncertain (their process stopped while handing them over): a person decides.")
    var uncertain = false

    @Option(help: "Letters after this id (pages).")
    var after: Int64?

    @Option(help: "How many letters to list.")
    var limit = 50

    struct Listed: Encodable {
        var counts: [String: Int]
        var letters: [OutboxLetter]
    }

    func run() async throws {
        let opened = try await store.open()
        let letters = try await opened.outboxLetters(status: uncertain ? .uncertain : status, after: after, limit: max(0, limit))
        let counts = try await opened.outboxCounts()
        if store.json { return try store.printJSON(Listed(counts: Dictionary(uniqueKeysWithValues: counts.map { ($0.key.rawValue, $0.value) }), letters: letters)) }
        print(OutboxStatus.allCases.compactMap { status in counts[status].map { "\(status.rawValue) \($0)" } }.joined(separator: ", ").ifEmpty("the outbox is empty"))
        guard !letters.isEmpty else { return }
        printTable(["ID", "CUSTOMER", "CAMPAIGN", "TEMPLATE", "CHANNEL", "STATUS", "ATTEMPTS", "WHEN", "NOTE"], letters.map { letter in
            let when = letter.sentAt ?? letter.nextAttemptAt ?? letter.createdAt
            return ["\(letter.id)", "\(letter.customerID.rawValue)", letter.campaign, letter.template, letter.channel.rawValue, letter.status.rawValue,
                    "\(letter.attempts)", when.formatted(.iso8601), (letter.lastError ?? "").forTerminal]
        })
        if uncertain || status == .uncertain {
            print("decide each: `cordial outbox resolve ID --sent --by STAFF` if it arrived, `--resend` to send it again")
        }
    }
}

struct ShowOutboxLetter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "One letter: its status, every delivery attempt, and the letter as it renders now.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Argument(help: "The letter's id.")
    var id: Int64

    struct Shown: Encodable {
        var letter: OutboxLetter
        var attempts: [LetterAttempt]
        var subject: String?
        var text: String?
        var renderError: String?
    }

    func run() async throws {
        let opened = try await store.open()
        guard let letter = try await opened.outboxLetter(id) else { throw CommandFailure("no letter \(id) in the outbox") }
        let attempts = try await opened.letterAttempts(of: id)
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        let delivery = LetterDelivery(store: opened, desk: LetterDesk(plugins: registry.plugins), options: .init(folder: URL(fileURLWithPath: ".")), sender: nil)
        var shown = Shown(letter: letter, attempts: attempts)
        do {
            let (rendered, _) = try await delivery.render(letter)
            shown.subject = rendered.subject
            shown.text = rendered.text
        } catch {
            shown.renderError = "\(error)"
        }
        if store.json { return try store.printJSON(shown) }
        print("letter \(letter.id): \(letter.template) by \(letter.channel.rawValue) to customer \(letter.customerID.rawValue), campaign \(letter.campaign)")
        print("status \(letter.status.rawValue), \(letter.attempts) attempt\(letter.attempts == 1 ? "" : "s")"
            + (letter.messageID.map { ", \($0)" } ?? "") + (letter.lastError.map { " — \($0)" }?.forTerminal ?? ""))
        for attempt in attempts {
            print("  attempt \(attempt.number): \(attempt.startedAt.formatted(.iso8601)) \(attempt.outcome ?? "under way") \(attempt.detail ?? "")".forTerminal)
        }
        print("")
        if let error = shown.renderError {
            print("cannot be rendered now: \(error)".forTerminal)
        } else {
            if let subject = shown.subject { print("subject: \(subject)".forTerminal) }
            print((shown.text ?? "").forTerminal)
        }
    }
}

struct DeliverOutbox: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "deliver", abstract: "Deliver the letters due: email through an SMTP server, post letters as files for printing.",
        discussion: """
            Each letter is claimed before it is handed over and its outcome recorded, so it is delivered once: a \
            temporary failure (4xx, no connection) is tried again after a back-off, a permanent one (5xx) fails it, \
            and a letter whose delivery stopped half-way (a crash, a lost reply) becomes uncertain and is never sent \
            again on its own (`cordial outbox list --uncertain`, `cordial outbox resolve`). Every message is also \
            written to FOLDER/email/ID.eml; post letters to FOLDER/post/ID.txt. The SMTP password is read from \
            $CORDIAL_SMTP_PASSWORD. Without --smtp-host, only post letters are delivered.
            """)

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Option(help: "The SMTP server (default $CORDIAL_SMTP_HOST).")
    var smtpHost: String?

    @Option(help: "Its port (default 587; 465 with --smtp-security tls).")
    var smtpPort: Int?

    @Option(help: "none, starttls (required, the default) or tls.")
    var smtpSecurity: SMTPSettings.Security = .starttls

    @Option(help: "The login (default $CORDIAL_SMTP_USER); the password comes from $CORDIAL_SMTP_PASSWORD.")
    var smtpUser: String?

    @Option(help: "A CA certificate file to trust for the server (a private relay).")
    var smtpCA: String?

    @Option(help: "Where messages and printable letters are written.")
    var folder = "outbox"

    @Option(help: "Letters per second at most.")
    var rate = 5.0

    @Option(help: "Attempts before a temporarily failing letter is given up.")
    var attempts = 5

    @Option(help: "Seconds to wait before each retry, comma-separated (the last repeats).")
    var retryAfter = "60,300,1800,7200"

    @Option(help: "Stay up to this many seconds for retries that fall due, instead of leaving them to the next delivery.")
    var wait = 0.0

    @Option(help: "Seconds a claimed letter is held for its hand-over; a letter still held when its process has gone is uncertain after this.")
    var lease = 300.0

    @Option(help: "Seconds one letter's hand-over to the server may take before it stops (a message sent whole and never answered is uncertain).")
    var timeout = 60

    func validate() throws {
        guard rate > 0, rate <= 1_000 else { throw ValidationError("--rate must be above 0 and at most 1000 letters a second") }
        guard (1...100).contains(attempts) else { throw ValidationError("--attempts must be 1 to 100") }
        guard !retryDelays.isEmpty, retryDelays.allSatisfy({ $0 >= 0 }) else { throw ValidationError("--retry-after must be seconds, such as 60,300,1800") }
        guard wait >= 0 else { throw ValidationError("--wait must be 0 or more seconds") }
        guard lease >= 1 else { throw ValidationError("--lease must be at least 1 second") }
        guard (1...3_600).contains(timeout) else { throw ValidationError("--timeout must be 1 to 3600 seconds") }
    }

    var retryDelays: [TimeInterval] { retryAfter.split(separator: ",").compactMap { TimeInterval($0.trimmingCharacters(in: .whitespaces)) } }

    func run() async throws {
        let opened = try await store.open()
        let (registry, report) = pluginOptions.registry()
        printProblems(report.problems)
        let environment = ProcessInfo.processInfo.environment
        var sender: SMTPSender?
        if let host = smtpHost ?? environment["CORDIAL_SMTP_HOST"] {
            let settings = SMTPSettings(
                host: host, port: smtpPort ?? (smtpSecurity == .tls ? 465 : 587), security: smtpSecurity,
                username: smtpUser ?? environment["CORDIAL_SMTP_USER"], password: environment["CORDIAL_SMTP_PASSWORD"], timeout: timeout, caFile: smtpCA)
            sender = try SMTPSender(settings: settings)
        }
        var options = LetterDelivery.Options(folder: URL(fileURLWithPath: folder))
        options.rate = rate
        options.maximumAttempts = attempts
        options.backoff = retryDelays
        options.waitForRetries = wait
        options.lease = lease
        let delivery = LetterDelivery(store: opened, desk: LetterDesk(plugins: registry.plugins), options: options, sender: sender)
        let outcome = try await delivery.run { letter, outcome in
            guard !store.json else { return }
            switch outcome {
            case .failed(let reason): StandardStreams.error("letter \(letter.id): failed: \(reason)\n")
            case .uncertain(let reason): StandardStreams.error("letter \(letter.id): uncertain: \(reason)\n")
            case .retry(let reason, let next): StandardStreams.error("letter \(letter.id): will try again at \(next.formatted(.iso8601)): \(reason)\n")
            case .sent, .written: break
            }
        }
        if store.json { return try store.printJSON(outcome) }
        var parts = ["sent \(outcome.sent)", "written for the post \(outcome.written)", "to try again \(outcome.retrying)", "failed \(outcome.failed)"]
        if outcome.uncertain > 0 { parts.append("uncertain \(outcome.uncertain) (`cordial outbox list --uncertain`)") }
        if outcome.waitingSMS > 0 { parts.append("\(outcome.waitingSMS) by SMS wait (no SMS gateway in this version)") }
        if outcome.waitingEmail > 0 { parts.append("\(outcome.waitingEmail) emails wait for --smtp-host") }
        print(parts.joined(separator: ", "))
        if !report.problems.isEmpty { throw ExitCode.failure }
    }
}

struct ResolveOutboxLetter: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "resolve", abstract: "Decide an uncertain letter: it arrived (--sent) or send it again (--resend).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The letter's id.")
    var id: Int64

    @Flag(help: "It arrived (the customer has it): mark it sent.")
    var sent = false

    @Flag(help: "It did not arrive: send it again at the next delivery.")
    var resend = false

    @Option(help: "The member of staff deciding: id or exact name (`cordial staff list`).")
    var by: String

    func validate() throws {
        guard sent != resend else { throw ValidationError("give one of --sent or --resend") }
    }

    /// `{"letter": 7, "status": "sent"}` (or `pending`: sent again at the next delivery).
    private struct Resolved: Encodable {
        let letter: Int64
        let status: String
    }

    func run() async throws {
        let opened = try await store.open()
        do {
            let member = try await PlanApprover.member(by, in: opened)
            try await opened.resolveUncertainLetter(id, sent: sent, by: member.name, at: Date())
        } catch let error as StoreError {
            throw CommandFailure(error.errorDescription ?? "\(error)")
        } catch let error as CampaignError {
            throw CommandFailure(error.errorDescription ?? "\(error)")
        }
        if store.json { return try store.printJSON(Resolved(letter: id, status: sent ? "sent" : "pending")) }
        print(sent ? "letter \(id) marked sent" : "letter \(id) will be sent again at the next delivery")
    }
}

extension String {
    fileprivate func ifEmpty(_ other: String) -> String { isEmpty ? other : self }
}
