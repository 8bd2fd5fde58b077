import CordialCore
import Foundation

/// Care campaigns on one store (DESIGN decision 4): gift catalogs, plans, runs that apply
/// them, and the ledger of what was done.
///
/// Exactly once is the store's promise. Every action is written under its key
/// (``PlannedAction/key``) with a unique constraint, in the same transaction as its effects
/// — a gift takes one from stock, a letter enters the outbox, a call enters the role's call
/// list, an invitation takes a seat, every action becomes an interaction — and as the part
/// of the run it belongs to is marked done. A crash loses the part's transaction, never
/// half of it; applying the same plan again, an overlapping plan, or two processes at once
/// find the keys already there. Budgets, caps and stock are checked inside that
/// transaction against what is committed, so they hold across plans and processes.
public protocol CampaignStore: Sendable {
    // MARK: Gift catalogs

    /// Adds or updates gift items by (catalog, code), all in one transaction; stock is set to
    /// the value given. Returns how many were added and updated.
    func importGiftItems(_ items: [GiftItem]) async throws -> (added: Int, updated: Int)
    /// Every gift item, by catalog and code.
    func giftItems() async throws -> [GiftItem]

    // MARK: Plans

    /// Saves a plan with its actions (seq 1 … n) in one transaction; returns it with its id.
    func savePlan(_ plan: CampaignPlan, actions: [PlannedAction]) async throws -> CampaignPlan
    func campaignPlan(_ id: Int64) async throws -> CampaignPlan?
    /// Plans, newest first; of one campaign when named.
    func campaignPlans(campaign: String?) async throws -> [CampaignPlan]
    /// A plan's actions with seq in `seqs`, in seq order.
    func plannedActions(of plan: Int64, seqs: ClosedRange<Int>) async throws -> [PlannedAction]
    /// Records an approval on a plan (the caller checked the approver's authority).
    func approvePlan(_ id: Int64, approval: CampaignApproval) async throws

    // MARK: Runs

    /// Joins the unfinished run of the plan, or opens one whose parts cover its actions,
    /// `partSize` each. Processes opening at once get one run.
    func openCampaignRun(plan: Int64, partSize: Int) async throws -> CampaignRun
    func campaignRun(_ id: Int64) async throws -> CampaignRun?
    /// Runs, newest first; of one plan when given.
    func campaignRuns(plan: Int64?) async throws -> [CampaignRun]
    /// Claims the lowest part not done whose lease has run out (or that nobody holds), for
    /// `lease` seconds; nil when none is free now or the run is not running.
    func claimCampaignPart(of run: CampaignRun, worker: String, lease: TimeInterval) async throws -> CampaignRunPart?
    /// In one transaction: every action of the part under its key with its effects, within
    /// `limits`, and the part marked done; refused with ``StoreError/campaignPartDone(run:part:)``
    /// when another worker finished it first (nothing is written). When the last part is done
    /// the run is done.
    func applyCampaignPart(_ part: CampaignRunPart, limits: CampaignLimits, events: [CareEvent], at: Date) async throws -> CampaignApplyOutcome
    /// Stops a running run between parts: no part is claimed any more.
    func cancelCampaignRun(_ id: Int64) async throws
    /// Lets a cancelled run be claimed again; a done run stays done.
    func resumeCampaignRun(_ id: Int64) async throws -> CampaignRun
    /// Parts done, parts in all, and the outcome so far.
    func campaignRunProgress(_ id: Int64) async throws -> CampaignRunProgress

    // MARK: The ledger and its effects

    /// The actions a run applied, in seq order (skipped ones with their reason).
    func campaignRunActions(_ id: Int64) async throws -> [CampaignActionRecord]
    /// Row counts of the ledger and of each effect, for a campaign or all: what the report
    /// and the crash tests compare.
    func campaignTallies(campaign: String?) async throws -> CampaignTallies
    /// The ledger's actions for `customers`, of every campaign: what caps, per-customer
    /// budgets and seats count (a plan's forecast reads them).
    func careActions(of customers: [CustomerID]) async throws -> [CareActionEntry]
}

/// An action in the ledger, as limits count it.
public struct CareActionEntry: Sendable, Hashable {
    public var customerID: CustomerID
    public var key: String
    public var campaign: String
    public var form: CareForm
    public var day: Int
    public var cost: Decimal
    public var event: String?

    public init(customerID: CustomerID, key: String, campaign: String, form: CareForm, day: Int, cost: Decimal, event: String? = nil) {
        self.customerID = customerID
        self.key = key
        self.campaign = campaign
        self.form = form
        self.day = day
        self.cost = cost
        self.event = event
    }
}

/// How far a run is.
public struct CampaignRunProgress: Sendable, Hashable, Codable {
    public var run: CampaignRun
    public var partsDone: Int
    public var outcome: CampaignApplyOutcome

    public init(run: CampaignRun, partsDone: Int, outcome: CampaignApplyOutcome) {
        self.run = run
        self.partsDone = partsDone
        self.outcome = outcome
    }
}

/// An action of a run: applied (in the ledger), already done, or skipped with its reason.
public struct CampaignActionRecord: Sendable, Hashable, Codable {
    public enum Result: String, Sendable, Hashable, Codable {
        case applied, alreadyDone = "already-done", skipped
    }

    public var seq: Int
    public var customerID: CustomerID
    public var key: String
    public var form: CareForm
    public var result: Result
    public var reason: String?
    public var cost: Decimal

    public init(seq: Int, customerID: CustomerID, key: String, form: CareForm, result: Result, reason: String? = nil, cost: Decimal = 0) {
        self.seq = seq
        self.customerID = customerID
        self.key = key
        self.form = form
        self.result = result
        self.reason = reason
        self.cost = cost
    }
}

/// Row counts of the ledger and its effects, and what the budgets and catalogs hold.
public struct CampaignTallies: Sendable, Hashable, Codable {
    public var ledger: Int
    public var ledgerCost: Decimal
    public var outbox: Int
    public var calls: Int
    public var seats: Int
    /// Interactions written by actions (they carry the action's key).
    public var interactions: Int
    /// Spent per campaign and period ("total", or the period's first day).
    public var budgets: [String: Decimal]
    /// Seats taken per event.
    public var eventSeats: [String: Int]

    public init(
        ledger: Int = 0, ledgerCost: Decimal = 0, outbox: Int = 0, calls: Int = 0, seats: Int = 0, interactions: Int = 0,
        budgets: [String: Decimal] = [:], eventSeats: [String: Int] = [:]
    ) {
        self.ledger = ledger
        self.ledgerCost = ledgerCost
        self.outbox = outbox
        self.calls = calls
        self.seats = seats
        self.interactions = interactions
        self.budgets = budgets
        self.eventSeats = eventSeats
    }
}
