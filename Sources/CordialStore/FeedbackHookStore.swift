import CordialCore
import Foundation

/// What plugins' feedback hooks (`feedback.created`, `feedback.updated`, `feedback.breached`)
/// need of a store to run once per event, whatever crashes.
///
/// Every step staff, imports or the system record is queued in the transaction that records
/// it (steps a hook makes are not: hooks cannot set each other off). A hook's delivery — that
/// it ran, what it changed, or why it failed — is written once per (plugin, key) in one
/// transaction with the changes it asked for, so a hook's changes happen once however often
/// a crash makes it run again, and a hook that fails changes nothing: the case it was given
/// was committed before the hook ran.
public protocol FeedbackHookStore: Sendable {
    /// Steps waiting for hooks, oldest first (each with its ``FeedbackEvent/id``).
    func queuedFeedbackEvents(limit: Int) async throws -> [FeedbackEvent]
    /// Takes steps off the queue once every hook has had them.
    func dequeueFeedbackEvents(_ ids: [Int64]) async throws
    /// In one transaction: the delivery and, when it is done, the hook's changes to its case,
    /// each recorded as a step of the hook's plugin. Returns false, writing nothing, when this
    /// (plugin, key) was delivered already. A change the case no longer allows (a status
    /// staff moved meanwhile, an unknown owner) is refused with its ``StoreError`` and
    /// nothing is written.
    func recordFeedbackHook(_ delivery: FeedbackHookDelivery, changes: [FeedbackHookChange]) async throws -> Bool
    /// Deliveries matching `query`, oldest first.
    func feedbackHookDeliveries(_ query: FeedbackHookQuery) async throws -> [FeedbackHookDelivery]
    /// Records how the recovery a delivery planned ended: its plan, its state and, when it
    /// failed, why (replacing the delivery's message).
    func setFeedbackHookRecovery(_ delivery: FeedbackHookDelivery, recovery: FeedbackHookDelivery.Recovery, planID: Int64?, message: String?) async throws
}

/// One hook of one plugin run on one event (``key``: `event:ID` for a step, `breach:CLOCK`
/// for a clock that ran late), with its outcome.
public struct FeedbackHookDelivery: Sendable, Hashable {
    public enum Outcome: String, Sendable, Codable {
        /// The hook ran to its end; its changes were written with the delivery.
        case done
        /// The hook raised an error or broke a limit, or a change it asked for was refused:
        /// nothing it asked for was written. It is not run again on this event.
        case failed
    }

    /// The service-recovery care a hook planned (`case:recover`) through the campaign ledger.
    public enum Recovery: String, Sendable, Codable {
        case none
        /// Planned and recorded; its plan is saved or about to be, and still to be applied.
        case pending
        /// The plan was applied: its actions are in the ledger (each once, by key).
        case applied
        /// The plan needs a member of staff's approval (`cordial campaigns approve`).
        case awaitingApproval = "awaiting-approval"
        /// The plan could not be saved or applied; the message says why.
        case failed
    }

    public var plugin: String
    public var key: String
    /// `feedback.created`, `feedback.updated` or `feedback.breached`.
    public var hook: String
    public var feedbackID: Int64
    /// The case's customer (nil: an anonymous contact).
    public var customerID: CustomerID?
    public var at: Date
    public var outcome: Outcome
    /// Why it failed, in one line (the plugin's `file:line` first), or what it did.
    public var message: String?
    public var recovery: Recovery
    public var recoveryPlanID: Int64?

    public init(
        plugin: String, key: String, hook: String, feedbackID: Int64, customerID: CustomerID?, at: Date, outcome: Outcome, message: String? = nil,
        recovery: Recovery = .none, recoveryPlanID: Int64? = nil
    ) {
        self.plugin = plugin
        self.key = key
        self.hook = hook
        self.feedbackID = feedbackID
        self.customerID = customerID
        self.at = at
        self.outcome = outcome
        self.message = message
        self.recovery = recovery
        self.recoveryPlanID = recoveryPlanID
    }

    /// The key of the delivery of a step.
    public static func key(event id: Int64) -> String { "event:\(id)" }
    /// The key of the delivery of a clock that ran late (once per case and clock).
    public static func key(breach clock: String) -> String { "breach:\(clock)" }
}

/// A change a hook asked for, with its note.
public struct FeedbackHookChange: Sendable, Hashable {
    public var change: FeedbackChange
    public var note: String?

    public init(_ change: FeedbackChange, note: String? = nil) {
        self.change = change
        self.note = note
    }
}

/// Which deliveries ``FeedbackHookStore/feedbackHookDeliveries(_:)`` returns.
public struct FeedbackHookQuery: Sendable, Hashable {
    /// Of these cases only.
    public var feedbackIDs: [Int64]?
    public var failedOnly = false
    /// Only those whose recovery is ``FeedbackHookDelivery/Recovery/pending``.
    public var recoveryPending = false
    public var limit: Int

    public init(feedbackIDs: [Int64]? = nil, failedOnly: Bool = false, recoveryPending: Bool = false, limit: Int = 1000) {
        self.feedbackIDs = feedbackIDs
        self.failedOnly = failedOnly
        self.recoveryPending = recoveryPending
        self.limit = limit
    }
}
