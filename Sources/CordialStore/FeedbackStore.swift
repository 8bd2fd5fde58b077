import CordialCore
import Foundation

/// Feedback and complaints: each case with its history of steps (``FeedbackEvent``), its
/// workflow enforced in the transaction that changes it.
public protocol FeedbackStore: Sendable {
    /// Adds every item in one transaction, each with a `received` event, or none: an unknown
    /// or forgotten customer (``StoreError/noSuchCustomer(_:)``) or a value that cannot be
    /// stored (``StoreError/invalidFeedback(_:)``) refuses all. An item whose (source,
    /// external id) is already stored is left as it is and counted as present, so an
    /// import read twice adds each case once (the first reading wins). `actor`, the member
    /// of staff who took the cases in (``StoreError/noSuchStaff(_:)`` when unknown), is named
    /// on their `received` steps. Returns the cases added, with their ids.
    ///
    /// `history`, when not empty, gives each item's handling steps as the system it comes from
    /// recorded them (the archive: ``FeedbackArchiveStep``): they are written as its status
    /// steps, at their times, and the case stands at the last. An archived case is not new:
    /// none of its steps is queued for the hooks.
    func addFeedback(_ items: [Feedback], history: [[FeedbackArchiveStep]], by actor: Int64?, at: Date) async throws -> (added: [Feedback], present: Int)
    func feedback(_ id: Int64) async throws -> Feedback?
    /// Cases matching `query`, newest first by id, after `query.before`, at most `query.limit`.
    func feedbackList(_ query: FeedbackQuery) async throws -> [Feedback]
    /// How many cases match `query` (its page aside).
    func countFeedback(_ query: FeedbackQuery) async throws -> Int
    /// Changes a case and records the step with who and when, in one transaction. A status the
    /// workflow does not allow is refused (``StoreError/illegalFeedbackTransition(_:from:to:allowed:)``),
    /// as is an unknown owner (``StoreError/noSuchStaff(_:)``) or, when `expectedVersion` is
    /// given, a case changed meanwhile (``StoreError/staleFeedback(_:expected:found:)``).
    func changeFeedback(
        _ id: Int64, _ change: FeedbackChange, by actor: Int64?, note: String?, at: Date, expectedVersion: Int?
    ) async throws -> Feedback
    /// A case's steps, oldest first.
    func feedbackEvents(of id: Int64) async throws -> [FeedbackEvent]
    /// The steps of each of `ids`, oldest first, in one read whatever their number.
    func feedbackEvents(ofCases ids: [Int64]) async throws -> [Int64: [FeedbackEvent]]
    /// Cases matching `query` (its page aside) counted by `grouping`, with their satisfaction
    /// answers: one aggregate query, whatever the number of cases (reports, Pareto charts).
    func feedbackTallies(_ query: FeedbackQuery, by grouping: FeedbackGrouping) async throws -> [FeedbackTally]
}

extension FeedbackStore {
    public func addFeedback(_ items: [Feedback], by actor: Int64?, at: Date) async throws -> (added: [Feedback], present: Int) {
        try await addFeedback(items, history: [], by: actor, at: at)
    }

    /// Cases taken in by no one in particular (an import, a test).
    public func addFeedback(_ items: [Feedback], at: Date) async throws -> (added: [Feedback], present: Int) {
        try await addFeedback(items, by: nil, at: at)
    }
}

/// Which cases `feedbackList(_:)` returns.
public struct FeedbackQuery: Sendable, Hashable {
    public var statuses: Set<FeedbackStatus>?
    public var kind: FeedbackKind?
    /// This category and those under it (`baggage` matches `baggage/delayed`).
    public var category: String?
    public var customer: CustomerID?
    public var ownerID: Int64?
    /// Only cases no one owns.
    public var unassigned = false
    public var severities: Set<FeedbackSeverity>?
    public var team: String?
    public var receivedFrom: Date?
    /// Received before this instant.
    public var receivedBefore: Date?
    /// Cases with ids below this one (the next page, newest first).
    public var before: Int64?
    public var limit: Int

    public init(
        statuses: Set<FeedbackStatus>? = nil, kind: FeedbackKind? = nil, category: String? = nil, customer: CustomerID? = nil, ownerID: Int64? = nil,
        receivedFrom: Date? = nil, receivedBefore: Date? = nil, before: Int64? = nil, limit: Int = 100
    ) {
        self.statuses = statuses
        self.kind = kind
        self.category = category
        self.customer = customer
        self.ownerID = ownerID
        self.receivedFrom = receivedFrom
        self.receivedBefore = receivedBefore
        self.before = before
        self.limit = limit
    }

    /// Cases still being handled.
    public static let openStatuses = Set(FeedbackStatus.allCases.filter(\.isOpen))
}

/// The rules of a change every backend applies in its transaction: what the case becomes,
/// and the event that records it.
public enum FeedbackRules {
    public static func apply(
        _ change: FeedbackChange, to current: Feedback, by actor: Int64?, note: String?, at: Date
    ) throws -> (Feedback, FeedbackEvent) {
        guard let id = current.id else { throw StoreError.invalidFeedback("the case has no id") }
        var changed = current
        var event = FeedbackEvent(feedbackID: id, at: at, actorID: actor, action: .note, note: note)
        switch change {
        case .status(let status):
            let allowed = current.status.next(for: current.kind)
            guard allowed.contains(status) else {
                throw StoreError.illegalFeedbackTransition(id, from: current.status, to: status, allowed: allowed)
            }
            changed.status = status
            event.action = .status
            event.from = current.status
            event.to = status
        case .assign(let owner, let team):
            guard owner != nil || team != nil else { throw StoreError.invalidFeedback("an assignment names an owner, a team or both") }
            changed.ownerID = owner
            changed.team = team
            event.action = .assigned
            let whom = [owner.map { "owner \($0)" }, team.map { "team \($0)" }].compactMap { $0 }.joined(separator: ", ")
            event.note = [whom, note].compactMap { $0 }.joined(separator: ": ")
        case .note:
            guard let note, !note.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw StoreError.invalidFeedback("a note needs text") }
        case .classify(let category, let severity):
            var changes: [String] = []
            if let category, category != current.category {
                changes.append("category \(current.category) → \(category)")
                changed.category = category
            }
            if let severity, severity != current.severity {
                changes.append("severity \(current.severity.rawValue) → \(severity.rawValue)")
                changed.severity = severity
            }
            guard !changes.isEmpty else { throw StoreError.invalidFeedback("the case is filed so already") }
            event.action = .classified
            event.note = ([changes.joined(separator: ", ")] + [note].compactMap { $0 }).joined(separator: ": ")
        case .compensate(let compensation):
            guard compensation.amount.amount > 0, compensation.amount.amount < Decimal(string: "1e15")! else {
                throw StoreError.invalidFeedback("a compensation must be a positive amount")
            }
            event.action = .compensation
            event.compensation = compensation
        case .satisfaction(let csat, let nps):
            changed.csat = csat ?? current.csat
            changed.nps = nps ?? current.nps
            event.note = [
                csat.map { "csat \($0)" }, nps.map { "nps \($0)" }, note,
            ].compactMap { $0 }.joined(separator: ", ")
        }
        if let note, note.utf8.count > Feedback.maximumTextBytes || note.utf8.contains(0) {
            throw StoreError.invalidFeedback("a note must be text without NUL bytes, of at most \(Feedback.maximumTextBytes / 1024) KB")
        }
        if let problem = changed.problem { throw StoreError.invalidFeedback(problem) }
        changed.updatedAt = at
        changed.version = current.version + 1
        return (changed, event)
    }
}

/// The columns of a case as both backends write them (the contact as canonical JSON).
package enum FeedbackColumns {
    /// The customer id a case is filed under: anonymous feedback under 0.
    package static func customerKey(_ feedback: Feedback) -> Int64 { feedback.customerID?.rawValue ?? 0 }

    /// A compensation from its three columns; nil when there is none.
    package static func compensation(form: String?, amount: String?, currency: String?) -> FeedbackCompensation? {
        guard let form, let amount, let currency, let money = Money(parsing: amount, currency: currency) else { return nil }
        return FeedbackCompensation(form: form, amount: money)
    }

    /// Why a forgotten customer's case takes no notes: a note may name them again.
    package static let forgottenNote = "the customer was forgotten: their cases take no notes (a note may name them again)"

    package static func contactText(_ contact: FeedbackContact?) -> String? {
        guard let contact = contact?.nonEmpty else { return nil }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? encoder.encode(contact)).map { String(decoding: $0, as: UTF8.self) }
    }

    package static func contact(_ text: String?) -> FeedbackContact? {
        guard let text else { return nil }
        return try? JSONDecoder().decode(FeedbackContact.self, from: Data(text.utf8))
    }

    /// Refuses what no backend should store, before anything is written.
    package static func check(_ items: [Feedback], history: [[FeedbackArchiveStep]] = []) throws {
        guard history.isEmpty || history.count == items.count else {
            throw StoreError.invalidFeedback("\(history.count) histories for \(items.count) cases")
        }
        for (index, item) in items.enumerated() {
            var problem = item.problem
            if problem == nil, index < history.count {
                if item.status != .received, !history[index].isEmpty { problem = "an archived case starts received" }
                problem = problem ?? FeedbackArchiveStep.problem(history[index], received: item.receivedAt)
            }
            if let problem {
                throw StoreError.invalidFeedback(items.count == 1 ? problem : "item \(index + 1): \(problem)")
            }
        }
    }
}

/// How ``FeedbackStore/feedbackTallies(_:by:)`` groups cases.
public enum FeedbackGrouping: Sendable, Hashable {
    /// By category path.
    case category
    /// By category and the week received (its Monday, "YYYY-MM-DD", in local time `offsetSeconds` from UTC).
    case categoryAndWeek(offsetSeconds: Int)
    /// By the month received ("YYYY-MM", local time).
    case month(offsetSeconds: Int)
    /// By the customer's current label in `segment` (anonymous cases and customers without one: "").
    case segmentLabel(String)
    /// By team ("" for none) and category.
    case teamAndCategory
}

/// Cases of one group, with their satisfaction answers.
public struct FeedbackTally: Sendable, Hashable, Codable {
    /// The group's values, in the grouping's order (category; category and week; month; label; team and category).
    public var key: [String]
    public var cases: Int
    public var csatAnswers: Int
    public var csatTotal: Int
    /// Answers of 4 or 5.
    public var csatSatisfied: Int
    public var npsAnswers: Int
    /// Answers of 9 or 10, and of 0 to 6.
    public var promoters: Int
    public var detractors: Int

    public init(key: [String], cases: Int, csatAnswers: Int = 0, csatTotal: Int = 0, csatSatisfied: Int = 0, npsAnswers: Int = 0, promoters: Int = 0, detractors: Int = 0) {
        self.key = key
        self.cases = cases
        self.csatAnswers = csatAnswers
        self.csatTotal = csatTotal
        self.csatSatisfied = csatSatisfied
        self.npsAnswers = npsAnswers
        self.promoters = promoters
        self.detractors = detractors
    }

    /// The mean CSAT, nil without answers.
    public var csatMean: Double? { csatAnswers == 0 ? nil : Double(csatTotal) / Double(csatAnswers) }
    /// Net promoter score (−100 to 100), nil without answers.
    public var nps: Double? { npsAnswers == 0 ? nil : Double(promoters - detractors) * 100 / Double(npsAnswers) }
}

/// A step of an archived case as the system it comes from recorded it: the status it reached
/// and when. An archive's steps need not pass through every status of the workflow (a ticket
/// system may know only when a case was acknowledged, resolved and closed), but they follow
/// its order, after the case was received.
public struct FeedbackArchiveStep: Sendable, Hashable {
    public var status: FeedbackStatus
    public var at: Date

    public init(_ status: FeedbackStatus, at: Date) {
        self.status = status
        self.at = at
    }

    /// The statuses an archive may record, in the order they are reached.
    public static let order: [FeedbackStatus] = [.acknowledged, .investigating, .solutionProposed, .agreed, .resolved, .followedUp, .closed]

    /// Why `steps` cannot be a case's history after it was received at `received`; nil when
    /// they can.
    public static func problem(_ steps: [FeedbackArchiveStep], received: Date) -> String? {
        var last = received, rank = -1
        for step in steps {
            guard let position = order.firstIndex(of: step.status) else { return "\(step.status.rawValue) is not a step an archive records" }
            guard position > rank else { return "\(step.status.rawValue) comes after the steps before it in the workflow, not before" }
            guard step.at >= last else { return "\(step.status.rawValue) is dated before the step before it" }
            rank = position
            last = step.at
        }
        return nil
    }
}
