import Foundation

/// A piece of feedback from a customer (or an anonymous contact): what they said, through
/// which channel, how it is classified, who owns it, and where its handling stands.
public struct Feedback: Codable, Sendable, Hashable {
    public var id: Int64?
    /// The customer; nil for an anonymous contact (see ``contact``).
    public var customerID: CustomerID?
    /// How to reach an anonymous contact (or a customer at another address than their file's).
    public var contact: FeedbackContact?
    /// The system the feedback came from and its id there: imports add each once.
    public var source: String
    public var externalID: String?
    public var channel: FeedbackChannel
    public var kind: FeedbackKind
    /// A path of the organisation's taxonomy (`baggage/delayed`), as its plugins define it.
    public var category: String
    public var severity: FeedbackSeverity
    /// What the customer wrote or said, in their language.
    public var text: String
    /// The language of ``text`` ("vi", "zh", "en"), when known.
    public var language: String?
    /// Satisfaction given with the feedback or at the callback: CSAT 1–5, NPS 0–10.
    public var csat: Int?
    public var nps: Int?
    /// The member of staff who owns the case, and their team.
    public var ownerID: Int64?
    public var team: String?
    public var status: FeedbackStatus
    public var receivedAt: Date
    public var updatedAt: Date
    /// Raised by every change: a change made on an older version is refused.
    public var version: Int

    public init(
        id: Int64? = nil, customerID: CustomerID?, contact: FeedbackContact? = nil, source: String = "cordial", externalID: String? = nil,
        channel: FeedbackChannel, kind: FeedbackKind, category: String, severity: FeedbackSeverity = .medium, text: String,
        language: String? = nil, csat: Int? = nil, nps: Int? = nil, ownerID: Int64? = nil, team: String? = nil,
        status: FeedbackStatus = .received, receivedAt: Date, updatedAt: Date? = nil, version: Int = 1
    ) {
        self.id = id
        self.customerID = customerID
        self.contact = contact
        self.source = source
        self.externalID = externalID
        self.channel = channel
        self.kind = kind
        self.category = category
        self.severity = severity
        self.text = text
        self.language = language
        self.csat = csat
        self.nps = nps
        self.ownerID = ownerID
        self.team = team
        self.status = status
        self.receivedAt = receivedAt
        self.updatedAt = updatedAt ?? receivedAt
        self.version = version
    }

    /// "FB-42": how staff and letters name a case.
    public var reference: String { id.map { "FB-\($0)" } ?? "FB-new" }

    /// The id of reference "FB-42" (or "42").
    public static func id(ofReference reference: String) -> Int64? {
        let digits = reference.uppercased().hasPrefix("FB-") ? reference.dropFirst(3) : Substring(reference)
        guard let id = Int64(digits), id > 0 else { return nil }
        return id
    }

    /// Why these values cannot be stored, naming the field; nil when they can.
    public var problem: String? {
        if !(1...5).contains(csat ?? 1) { return "csat must be 1 to 5" }
        if !(0...10).contains(nps ?? 0) { return "nps must be 0 to 10" }
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return "text is empty" }
        if text.utf8.count > Self.maximumTextBytes { return "text is longer than \(Self.maximumTextBytes / 1024) KB" }
        if text.utf8.contains(0) { return "text holds a NUL character" }
        if let problem = FeedbackCategory.problem(category) { return "category: \(problem)" }
        if customerID == nil, contact == nil { return "an anonymous feedback needs a contact (name, email or phone)" }
        return nil
    }

    public static let maximumTextBytes = 64 * 1024
    /// What a forgotten customer's feedback says instead of their words.
    public static let forgottenText = "(forgotten)"
}

/// How to reach the person who gave feedback, when they are no customer on file.
public struct FeedbackContact: Codable, Sendable, Hashable {
    public var name: String?
    public var email: String?
    public var phone: String?

    public init(name: String? = nil, email: String? = nil, phone: String? = nil) {
        self.name = name
        self.email = email
        self.phone = phone
    }

    /// Nil when every part is empty.
    public var nonEmpty: FeedbackContact? {
        [name, email, phone].contains { !($0 ?? "").trimmingCharacters(in: .whitespaces).isEmpty } ? self : nil
    }
}

/// A step in a case's history: received, a status change, an assignment, a note — who, when.
public struct FeedbackEvent: Codable, Sendable, Hashable {
    public enum Action: String, Codable, Sendable {
        case received, status, assigned, note, compensation, classified
    }

    /// The step's id in the store; nil until stored.
    public var id: Int64?
    public var feedbackID: Int64
    public var at: Date
    /// The member of staff who acted; nil for the system (an import, a hook).
    public var actorID: Int64?
    /// The plugin whose feedback hook made the step. Steps hooks make fire no hooks, so
    /// hooks cannot set each other off in a loop.
    public var hook: String?
    public var action: Action
    public var from: FeedbackStatus?
    public var to: FeedbackStatus?
    public var note: String?
    /// What a `compensation` step granted.
    public var compensation: FeedbackCompensation?

    public init(
        feedbackID: Int64, at: Date, actorID: Int64?, action: Action, from: FeedbackStatus? = nil, to: FeedbackStatus? = nil, note: String? = nil,
        compensation: FeedbackCompensation? = nil, id: Int64? = nil, hook: String? = nil
    ) {
        self.id = id
        self.hook = hook
        self.feedbackID = feedbackID
        self.at = at
        self.actorID = actorID
        self.action = action
        self.from = from
        self.to = to
        self.note = note
        self.compensation = compensation
    }
}

/// Compensation granted on a case: its form (`voucher`, `refund`…) and amount.
public struct FeedbackCompensation: Codable, Sendable, Hashable {
    public var form: String
    public var amount: Money

    public init(form: String, amount: Money) {
        self.form = form
        self.amount = amount
    }
}

/// A change to a case, as staff make it.
public enum FeedbackChange: Sendable, Hashable {
    /// Move the case to a status its workflow allows from where it stands.
    case status(FeedbackStatus)
    /// Give the case to a member of staff (and their team), or to a team's queue with no
    /// owner (an escalation to the supervisors).
    case assign(ownerID: Int64?, team: String?)
    /// A note on the case, nothing else changed.
    case note
    /// Satisfaction given later (at the callback, say).
    case satisfaction(csat: Int?, nps: Int?)
    /// Compensation granted (the authority to grant it is checked before: ``CompensationAuthority``).
    case compensate(FeedbackCompensation)
    /// Filed again: another category (the taxonomy is checked before) or severity.
    case classify(category: String?, severity: FeedbackSeverity?)
}
