import CordialCore
import Foundation

/// Why a campaign command refuses: one line, naming the plan and what to do.
public enum CampaignError: Error, LocalizedError, Equatable {
    /// The plan is above the organisation's free threshold and this version is not approved.
    case needsApproval(plan: Int64, cost: String, customers: Int, roles: [String])
    /// The member of staff's role does not cover the plan.
    case notAllowed(plan: Int64, staff: Int64, role: String, roles: [String])
    case noApprovalLevels
    case noSuchStaff(String)
    case ambiguousStaff(String, ids: [Int64])

    public var errorDescription: String? {
        switch self {
        case .needsApproval(let plan, let cost, let customers, let roles):
            "plan \(plan) (\(cost) for \(customers) customers) needs approving first: `cordial campaigns approve \(plan) --by STAFF` by "
                + Self.who(roles)
        case .notAllowed(let plan, let staff, let role, let roles):
            "staff \(staff) (\(role)) may not approve plan \(plan); it takes " + Self.who(roles)
        case .noApprovalLevels:
            "no approval levels are declared (plugin:approvals in a plugin), so plans need no approval"
        case .noSuchStaff(let name):
            "no staff member '\(name)'; `cordial staff list` shows them"
        case .ambiguousStaff(let name, let ids):
            "\(ids.count) staff members are called '\(name)' (ids \(ids.map(String.init).joined(separator: ", "))); name one by id"
        }
    }

    private static func who(_ roles: [String]) -> String {
        roles.isEmpty ? "a role the approval levels do not have: raise a level in plugin:approvals" : "a " + roles.joined(separator: " or a ")
    }
}
