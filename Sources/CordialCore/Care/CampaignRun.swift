import Foundation

/// Applying a plan: its actions cut into parts (seq ranges) that processes claim and apply,
/// each in one transaction with its effects. A run is resumed after a crash and may be
/// shared by several processes; the ledger's keys make every action happen once.
public struct CampaignRun: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable {
        /// Parts remain; processes apply them.
        case running
        /// `cancel` asked: no part is claimed any more; `resume` goes on.
        case cancelled
        /// Every part is applied.
        case done
    }

    public var id: Int64
    public var planID: Int64
    public var status: Status
    public var parts: Int
    public var partSize: Int
    public var startedAt: Date
    public var finishedAt: Date?

    public init(id: Int64, planID: Int64, status: Status, parts: Int, partSize: Int, startedAt: Date, finishedAt: Date? = nil) {
        self.id = id
        self.planID = planID
        self.status = status
        self.parts = parts
        self.partSize = partSize
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

/// A part of a run that a worker holds: the plan's actions `firstSeq ... lastSeq`.
public struct CampaignRunPart: Sendable, Hashable {
    public var runID: Int64
    public var planID: Int64
    public var part: Int
    public var firstSeq: Int
    public var lastSeq: Int

    public init(runID: Int64, planID: Int64, part: Int, firstSeq: Int, lastSeq: Int) {
        self.runID = runID
        self.planID = planID
        self.part = part
        self.firstSeq = firstSeq
        self.lastSeq = lastSeq
    }
}

/// What happened to each action of a part (or a whole run).
public struct CampaignApplyOutcome: Sendable, Hashable, Codable {
    /// Written to the ledger with its effects now.
    public var applied: Int
    /// Its key was in the ledger already (an overlapping plan, an earlier run).
    public var alreadyDone: Int
    /// Not applied, by reason: "budget total reached", "out of stock: premium/tea-set",
    /// "cap: 1 gift in 90 days", "customer forgotten", "held back by the plan: …".
    public var skipped: [String: Int]
    public var cost: Decimal

    public init(applied: Int = 0, alreadyDone: Int = 0, skipped: [String: Int] = [:], cost: Decimal = 0) {
        self.applied = applied
        self.alreadyDone = alreadyDone
        self.skipped = skipped
        self.cost = cost
    }

    public mutating func add(_ other: CampaignApplyOutcome) {
        applied += other.applied
        alreadyDone += other.alreadyDone
        skipped.merge(other.skipped, uniquingKeysWith: +)
        cost += other.cost
    }
}
