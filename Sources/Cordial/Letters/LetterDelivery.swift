import CordialCore
import CordialStore
import Foundation

/// Delivers the outbox: each due letter is claimed (committed as `sending`), rendered for its
/// customer as it would have been previewed, written atomically into the outbox folder
/// (`email/ID.eml`, `post/ID.txt` for printing), handed to the SMTP server, and the outcome
/// recorded. A temporary failure is tried again after a back-off; a letter whose process
/// stopped mid-hand-over is marked uncertain at the next delivery and never sent again on
/// its own (`cordial outbox resolve`). Letters by SMS wait: this version has no SMS gateway.
public final class LetterDelivery {
    public struct Options: Sendable {
        /// Where `.eml` and printable letters are written.
        public var folder: URL
        /// Letters per second handed to the server at most.
        public var rate: Double = 5
        /// Attempts before a temporarily failing letter is given up (failed).
        public var maximumAttempts = 5
        /// Waits before the second, third, … attempt (the last repeats).
        public var backoff: [TimeInterval] = [60, 300, 1_800, 7_200]
        /// How long a claim holds: longer than one hand-over takes.
        public var lease: TimeInterval = 300
        /// Stay for retries due within this long, instead of leaving them to the next delivery.
        public var waitForRetries: TimeInterval = 0
        /// Letters claimed at a time: one, so that a process stopped while handing a letter
        /// over leaves that letter uncertain and no other (a claimed letter counts as handed
        /// over, since nothing tells the two apart after a crash).
        public var batch = 1

        public init(folder: URL) { self.folder = folder }
    }

    public struct Report: Sendable, Encodable {
        public var sent = 0
        public var written = 0
        public var retrying = 0
        public var failed = 0
        /// Letters found uncertain now (their process stopped mid-hand-over) or made so by this run.
        public var uncertain = 0
        /// Letters by SMS left waiting.
        public var waitingSMS = 0
        /// Email letters left waiting because no SMTP server was given.
        public var waitingEmail = 0
        public init() {}
    }

    let store: any Store
    let desk: LetterDesk
    let options: Options
    let sender: SMTPSender?
    private var lastSend: Date?
    /// Read once per delivery, not once per letter: the gift catalog, and each plan's plugin.
    private var giftItems: [GiftItem]?
    private var planPlugins: [Int64: String?] = [:]

    public init(store: any Store, desk: LetterDesk, options: Options, sender: SMTPSender?) {
        self.store = store
        self.desk = desk
        self.options = options
        self.sender = sender
    }

    /// One delivery: every due letter of the channels this run can deliver. `progress` is
    /// told of each letter's outcome.
    public func run(progress: (OutboxLetter, LetterOutcome) -> Void = { _, _ in }) async throws -> Report {
        var report = Report()
        report.uncertain += try await store.markUncertainLetters(now: Date())
        let channels: Set<ContactChannel> = sender == nil ? [.post] : [.email, .post]
        while true {
            let claimed = try await store.claimLetters(channels: channels, limit: options.batch, now: Date(), lease: options.lease)
            if claimed.isEmpty {
                guard let wait = try await nextRetryWait(channels: channels) else { break }
                try await Task.sleep(nanoseconds: UInt64(wait * 1e9))
                continue
            }
            for letter in claimed {
                let outcome = await deliver(letter)
                try await store.finishLetter(letter.id, attempt: letter.attempts, outcome: outcome, at: Date())
                switch outcome {
                case .sent: report.sent += 1
                case .written: report.written += 1
                case .retry: report.retrying += 1
                case .failed: report.failed += 1
                case .uncertain: report.uncertain += 1
                }
                progress(letter, outcome)
            }
        }
        report.retrying = try await store.outboxCounts()[.retry] ?? 0
        report.waitingSMS = try await waiting(.sms)
        if sender == nil { report.waitingEmail = try await waiting(.email) }
        return report
    }

    private func waiting(_ channel: ContactChannel) async throws -> Int {
        var count = 0
        var after: Int64?
        while true {
            let page = try await store.outboxLetters(status: .pending, after: after, limit: 10_000)
            count += page.filter { $0.channel == channel }.count
            guard let last = page.last, page.count == 10_000 else { return count }
            after = last.id
        }
    }

    /// Seconds until the next retry of `channels` is due, when it is due within the wait.
    private func nextRetryWait(channels: Set<ContactChannel>) async throws -> TimeInterval? {
        guard options.waitForRetries > 0 else { return nil }
        let retries = try await store.outboxLetters(status: .retry, after: nil, limit: 100_000).filter { channels.contains($0.channel) }
        guard let next = retries.compactMap(\.nextAttemptAt).min() else { return nil }
        let wait = max(0, next.timeIntervalSinceNow) + 0.05
        return wait <= options.waitForRetries ? wait : nil
    }

    /// Renders, writes and hands over one claimed letter; never throws: every way it can end
    /// is an outcome the ledger records.
    func deliver(_ letter: OutboxLetter) async -> LetterOutcome {
        let prepared: (RenderedLetter, Customer)
        do {
            prepared = try await render(letter)
        } catch let error as PluginError {
            return .failed(reason: "\(error.location): \(error.message)")
        } catch {
            // The store could not be read: the letter was not handed over, so it may be tried again.
            return retry(letter, reason: "the store could not be read: \((error as? any LocalizedError)?.errorDescription ?? "\(error)")")
        }
        let (rendered, customer) = prepared
        switch letter.channel {
        case .post:
            let text = (rendered.subject.map { $0 + "\n\n" } ?? "") + rendered.text
            do {
                let file = try write(text, to: "post/\(letter.id).txt")
                return .written(file: file)
            } catch {
                return .failed(reason: "cannot write the letter into \(options.folder.path): \(error.localizedDescription)")
            }
        case .email:
            guard let sender, let from = rendered.sender else {
                return .failed(reason: "\(rendered.file): no sender: add 'sender:' to its front matter, or plugin:letters { sender = … }")
            }
            guard let address = customer.emails.first, let to = EmailAddress(name: customer.name.display(locale: customer.locale), address: address) else {
                return .failed(reason: "the customer has no usable email address")
            }
            let message = EmailMessage.make(rendered, from: from, to: to, actionKey: letter.actionKey, date: Date())
            let messageID = EmailMessage.messageID(forKey: letter.actionKey, domain: EmailMessage.domain(of: from))
            do {
                _ = try write(message, to: "email/\(letter.id).eml")
            } catch {
                return retry(letter, reason: "cannot write the message into \(options.folder.path): \(error.localizedDescription)")
            }
            await keepRate()
            do {
                try sender.send(message, from: from.address, to: to.address)
                return .sent(messageID: messageID)
            } catch {
                switch error.kind {
                case .temporary: return retry(letter, reason: error.description)
                case .permanent: return .failed(reason: error.description)
                case .uncertain: return .uncertain(reason: "\(error.description): the whole message was sent and no reply came")
                }
            }
        case .sms, .phone, .visit:
            return .failed(reason: "letters by \(letter.channel.rawValue) are not delivered by this version")
        }
    }

    private func retry(_ letter: OutboxLetter, reason: String) -> LetterOutcome {
        guard letter.attempts < options.maximumAttempts else { return .failed(reason: "\(reason) (gave up after \(letter.attempts) attempts)") }
        let wait = options.backoff.isEmpty ? 60 : options.backoff[min(letter.attempts - 1, options.backoff.count - 1)]
        return .retry(reason: reason, next: Date() + wait)
    }

    /// The letter as its customer reads it: the template its action named, about the
    /// action's occasion and the gift given on it.
    public func render(_ letter: OutboxLetter) async throws -> (RenderedLetter, Customer) {
        guard let customer = try await store.customer(letter.customerID) else {
            throw PluginError(location: "outbox", message: "customer \(letter.customerID) is no longer in the store")
        }
        let action = try await store.ledgerAction(customer: letter.customerID, key: letter.actionKey)
        var occasion = LetterOccasion(campaign: letter.campaign, occasion: action?.occasion, actionDay: action?.actionDay, actionKey: letter.actionKey)
        var plugin: String?
        if let action {
            let giftKey = PlannedAction.key(campaign: action.campaign, occasion: action.occasion, customer: letter.customerID, form: .gift)
            if let gift = try await store.ledgerAction(customer: letter.customerID, key: giftKey), let catalog = gift.giftCatalog, let code = gift.giftItem {
                if giftItems == nil { giftItems = try await store.giftItems() }
                occasion.gift = giftItems?.first { $0.catalog == catalog && $0.code == code }
            }
            if RecoveryLetterCase.caseID(ofOccasion: action.occasion) != nil {
                let callKey = PlannedAction.key(campaign: action.campaign, occasion: action.occasion, customer: letter.customerID, form: .call)
                let call = try await store.ledgerAction(customer: letter.customerID, key: callKey)
                occasion.feedbackCase = try await RecoveryLetterCase.letterCase(
                    occasion: action.occasion, customer: letter.customerID, followUpDay: call?.actionDay, in: store)
            }
            if planPlugins[action.planID] == nil { planPlugins[action.planID] = try await store.campaignPlan(action.planID)?.plugin }
            plugin = planPlugins[action.planID] ?? nil
        }
        let day = CalendarDays.day(of: Date())
        return (try desk.render(letter.template, preferring: plugin, customer: customer, occasion: occasion, letterDay: day), customer)
    }

    /// Writes `text` to `relative` under the folder: a temporary file renamed into place, so
    /// a reader never sees half a letter.
    func write(_ text: String, to relative: String) throws -> String {
        let url = options.folder.appendingPathComponent(relative)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: url, options: .atomic)
        return url.path
    }

    /// Waits so that letters go out no faster than the rate.
    private func keepRate() async {
        guard options.rate > 0 else { return }
        if let lastSend {
            let wait = 1 / options.rate - Date().timeIntervalSince(lastSend)
            if wait > 0 { try? await Task.sleep(nanoseconds: UInt64(wait * 1e9)) }
        }
        lastSend = Date()
    }
}
