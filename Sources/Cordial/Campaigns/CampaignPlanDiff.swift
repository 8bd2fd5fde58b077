import CordialCore
import CordialStore
import Foundation

/// What changed between two plans of one campaign, action by action (by key): actions
/// added, actions gone, and actions whose day, cost, gift, template, assignee or hold-back
/// changed.
public struct CampaignPlanDiff: Sendable, Codable {
    public struct Change: Sendable, Codable {
        public var before: PlannedAction
        public var after: PlannedAction
    }

    public var plan: Int64
    public var previous: Int64?
    public var added: [PlannedAction] = []
    public var removed: [PlannedAction] = []
    public var changed: [Change] = []

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && changed.isEmpty }

    /// The diff of plan `current` against `previous` (nil: every action is added).
    public init(plan: Int64, actions current: [PlannedAction], previous: Int64?, actions before: [PlannedAction]) {
        self.plan = plan
        self.previous = previous
        let old = Dictionary(before.map { ($0.key, $0) }, uniquingKeysWith: { first, _ in first })
        let new = Set(current.map(\.key))
        for action in current {
            guard let was = old[action.key] else {
                added.append(action)
                continue
            }
            if Self.content(of: was) != Self.content(of: action) { changed.append(Change(before: was, after: action)) }
        }
        removed = before.filter { !new.contains($0.key) }
    }

    /// What an action does, apart from its place in its plan.
    static func content(of action: PlannedAction) -> PlannedAction {
        var action = action
        action.seq = 0
        action.segment = ""
        return action
    }

    /// Every action of a plan, read in pages.
    public static func actions(of plan: Int64, in store: any Store) async throws -> [PlannedAction] {
        var all: [PlannedAction] = []
        let page = 10_000
        while true {
            let next = try await store.plannedActions(of: plan, seqs: (all.count + 1)...(all.count + page))
            all += next
            if next.count < page { return all }
        }
    }
}
