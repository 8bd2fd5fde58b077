import CordialCore
import Foundation

/// Where a letter of the outbox is. A letter enters `pending` when its action is applied;
/// delivery takes it to `sending` (in a committed transaction, before it is handed to anyone),
/// then to `sent`, `retry` (a temporary failure: it is tried again at `nextAttemptAt`),
/// `failed` or `written` (a letter for the post, written to the outbox folder for printing).
/// A letter still `sending` when its lease ran out was being handed over when its process
/// stopped: it becomes `uncertain` and is never sent again on its own — a person decides.
public enum OutboxStatus: String, Sendable, Codable, CaseIterable {
    case pending, sending, sent, retry, failed, uncertain, written, cancelled
}

/// One letter of the outbox.
public struct OutboxLetter: Sendable, Codable, Hashable {
    public var id: Int64
    public var customerID: CustomerID
    public var actionKey: String
    public var campaign: String
    public var template: String
    public var channel: ContactChannel
    public var status: OutboxStatus
    public var createdAt: Date
    /// Delivery attempts started.
    public var attempts: Int
    public var nextAttemptAt: Date?
    public var leaseUntil: Date?
    public var sentAt: Date?
    /// The RFC 5322 Message-ID it was sent under, or the file it was written to.
    public var messageID: String?
    /// Why the last attempt did not deliver it (a reply code and a generic reason; no personal data).
    public var lastError: String?

    public init(
        id: Int64, customerID: CustomerID, actionKey: String, campaign: String, template: String, channel: ContactChannel, status: OutboxStatus,
        createdAt: Date, attempts: Int = 0, nextAttemptAt: Date? = nil, leaseUntil: Date? = nil, sentAt: Date? = nil, messageID: String? = nil,
        lastError: String? = nil
    ) {
        self.id = id
        self.customerID = customerID
        self.actionKey = actionKey
        self.campaign = campaign
        self.template = template
        self.channel = channel
        self.status = status
        self.createdAt = createdAt
        self.attempts = attempts
        self.nextAttemptAt = nextAttemptAt
        self.leaseUntil = leaseUntil
        self.sentAt = sentAt
        self.messageID = messageID
        self.lastError = lastError
    }
}

/// One attempt at delivering a letter, as the ledger keeps it.
public struct LetterAttempt: Sendable, Codable, Hashable {
    public var letter: Int64
    public var number: Int
    public var startedAt: Date
    public var endedAt: Date?
    /// `sent`, `retry`, `failed`, `written`, `uncertain`, or nil while it runs.
    public var outcome: String?
    public var detail: String?

    public init(letter: Int64, number: Int, startedAt: Date, endedAt: Date?, outcome: String?, detail: String?) {
        self.letter = letter
        self.number = number
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.outcome = outcome
        self.detail = detail
    }
}

/// An applied action as the ledger keeps it: what a letter is rendered about.
public struct LedgerAction: Sendable, Hashable {
    public var customerID: CustomerID
    public var key: String
    public var campaign: String
    public var planID: Int64
    public var occasion: String
    public var form: CareForm
    public var actionDay: Int
    public var giftCatalog: String?
    public var giftItem: String?
    public var event: String?

    public init(customerID: CustomerID, key: String, campaign: String, planID: Int64, occasion: String, form: CareForm, actionDay: Int,
                giftCatalog: String? = nil, giftItem: String? = nil, event: String? = nil) {
        self.customerID = customerID
        self.key = key
        self.campaign = campaign
        self.planID = planID
        self.occasion = occasion
        self.form = form
        self.actionDay = actionDay
        self.giftCatalog = giftCatalog
        self.giftItem = giftItem
        self.event = event
    }
}

/// How an attempt ended.
public enum LetterOutcome: Sendable, Hashable {
    /// Accepted by the server, under this Message-ID.
    case sent(messageID: String)
    /// Written to a file for printing (a letter by post).
    case written(file: String)
    /// A temporary failure: try again at `next`.
    case retry(reason: String, next: Date)
    /// A permanent failure (or too many attempts): never tried again on its own.
    case failed(reason: String)
    /// Handed over, with no answer: it may have arrived; never tried again on its own.
    case uncertain(reason: String)
}

/// The outbox and its delivery ledger: each letter is claimed before it is handed over, and
/// every attempt is recorded, so that no letter goes out twice whatever stops.
public protocol OutboxStore: Sendable {
    /// Letters, in id order after `after`, of `status` (any when nil), at most `limit`.
    func outboxLetters(status: OutboxStatus?, after: Int64?, limit: Int) async throws -> [OutboxLetter]
    func outboxLetter(_ id: Int64) async throws -> OutboxLetter?
    /// How many letters are in each status.
    func outboxCounts() async throws -> [OutboxStatus: Int]
    /// Letters still `sending` whose lease ended before `now` become `uncertain` (their last
    /// attempt too); returns how many.
    func markUncertainLetters(now: Date) async throws -> Int
    /// Claims up to `limit` letters of `channels` that are due — `pending`, or `retry` with
    /// `nextAttemptAt` at or before `now` — in id order, skipping letters other processes
    /// hold: each becomes `sending` with a lease until `now + lease`, its attempt count one
    /// higher and an attempt started, in one committed transaction.
    func claimLetters(channels: Set<ContactChannel>, limit: Int, now: Date, lease: TimeInterval) async throws -> [OutboxLetter]
    /// Records how the attempt numbered `attempt` of letter `id` ended, and the letter's
    /// new status. A letter no longer `sending` or `uncertain` (cancelled meanwhile) is left
    /// as it is; returns whether it was recorded.
    @discardableResult
    func finishLetter(_ id: Int64, attempt: Int, outcome: LetterOutcome, at: Date) async throws -> Bool
    /// A person's decision on an `uncertain` letter: it arrived (`sent`) or it is to be sent
    /// again (`pending`), with an audit entry naming `by`. Throws when the letter is not uncertain.
    func resolveUncertainLetter(_ id: Int64, sent: Bool, by: String, at: Date) async throws
    /// The letter's attempts, in order.
    func letterAttempts(of id: Int64) async throws -> [LetterAttempt]
    /// The ledger's action under `key` for `customer`, if applied.
    func ledgerAction(customer: CustomerID, key: String) async throws -> LedgerAction?
}
