import CordialCore
import CordialStore
import Foundation

/// Approving plans against the organisation's authority levels (``ApprovalRules``), and the
/// check `apply` makes. An approval holds for the plan's fingerprint: a plan made again with
/// the same actions and limits keeps it; one that changed needs approving again.
public struct PlanApprover: Sendable {
    public var store: any Store
    public var rules: ApprovalRules?

    public init(store: any Store, rules: ApprovalRules?) {
        self.store = store
        self.rules = rules
    }

    /// Records `staff`'s approval of plan `id` (staff named by id or exact name), if their
    /// role covers the plan's cost and reach.
    public func approve(_ id: Int64, by staff: String, at: Date = Date()) async throws -> CampaignApproval {
        guard let plan = try await store.campaignPlan(id) else { throw StoreError.noSuchPlan(id) }
        let summary = plan.summary, currency = plan.limits.currency
        // The levels loaded now, else the roles the plan recorded when it was made.
        guard rules != nil || summary.approvers != nil else { throw CampaignError.noApprovalLevels }
        let member = try await self.member(staff)
        let allowed = rules.map { $0.allows(role: member.role, cost: summary.cost, customers: summary.customers, currency: currency) }
            ?? summary.approvers?.contains(member.role) ?? false
        guard allowed else {
            throw CampaignError.notAllowed(
                plan: id, staff: member.id ?? 0, role: member.role,
                roles: rules?.approvers(cost: summary.cost, customers: summary.customers, currency: currency) ?? summary.approvers ?? [])
        }
        let approval = CampaignApproval(by: member.name, role: member.role, at: at, fingerprint: plan.fingerprint)
        try await store.approvePlan(id, approval: approval)
        return approval
    }

    /// Refuses a plan that needs approving and is not approved in this version (by itself,
    /// or by an earlier plan of its campaign with the same fingerprint).
    public func checkApproved(_ plan: CampaignPlan) async throws {
        guard let id = plan.id else { return }
        let summary = plan.summary, currency = plan.limits.currency
        // Required when the plan recorded it was (whatever this process loaded), or when the
        // levels loaded now require it.
        let required = summary.approvers != nil
            || rules?.needsApproval(cost: summary.cost, customers: summary.customers, currency: currency) == true
        guard required else { return }
        if plan.approval?.fingerprint == plan.fingerprint { return }
        let others = try await store.campaignPlans(campaign: plan.campaign)
        if others.contains(where: { $0.approval?.fingerprint == plan.fingerprint }) { return }
        throw CampaignError.needsApproval(
            plan: id, cost: "\(summary.cost) \(currency)", customers: summary.customers,
            roles: rules?.approvers(cost: summary.cost, customers: summary.customers, currency: currency) ?? summary.approvers ?? [])
    }

    private func member(_ staff: String) async throws -> Staff {
        try await Self.member(staff, in: store)
    }

    /// The member of staff `staff` names: an id, an exact name no one else has, or a staff id
    /// (the organisation's, as imported) — tried in that order, the same for every command.
    public static func member(_ staff: String, in store: any Store) async throws -> Staff {
        let all = try await store.staff()
        if let id = Int64(staff), let found = all.first(where: { $0.id == id }) { return found }
        let named = all.filter { $0.name == staff }
        if named.isEmpty, let found = all.first(where: { $0.externalID == staff }) { return found }
        guard let first = named.first else { throw CampaignError.noSuchStaff(staff) }
        guard named.count == 1 else { throw CampaignError.ambiguousStaff(staff, ids: named.compactMap(\.id)) }
        return first
    }
}
