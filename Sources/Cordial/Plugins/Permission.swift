/// What a plugin may do beyond computing (DESIGN.md decision 7). A plugin declares its
/// permissions in its manifest; the host refuses calls the plugin did not declare.
public enum Permission: String, CaseIterable, Sendable, Codable, Comparable {
    case customersRead = "customers.read"
    case customersWrite = "customers.write"
    case segmentsRead = "segments.read"
    case campaignsPlan = "campaigns.plan"
    case campaignsApply = "campaigns.apply"
    case lettersRender = "letters.render"
    case lettersSend = "letters.send"
    case feedbackWrite = "feedback.write"

    public static func < (lhs: Permission, rhs: Permission) -> Bool { lhs.rawValue < rhs.rawValue }

    /// What holding it allows, for `cordial plugins list` and the author guide.
    public var summary: String {
        switch self {
        case .customersRead: "read customers: get, find, count, iterate"
        case .customersWrite: "change customers' tags and attributes"
        case .segmentsRead: "read segment members, counts and customers' labels"
        case .campaignsPlan: "plan campaigns (cordial.campaign): saved as plans that staff review, approve and apply"
        case .campaignsApply: "apply planned campaign actions"
        case .lettersRender: "render letter templates"
        case .lettersSend: "send letters"
        case .feedbackWrite: "create and update feedback"
        }
    }
}
