/// Where a piece of feedback stands in the six steps of complaint handling — let the customer
/// speak (received), apologise and thank (acknowledged), ask and find the problem
/// (investigating), take responsibility and propose a solution (solution-proposed), let the
/// customer choose (agreed), solve it (resolved), follow up (followed-up) — then closed.
public enum FeedbackStatus: String, Codable, Sendable, CaseIterable {
    case received
    case acknowledged
    case investigating
    case solutionProposed = "solution-proposed"
    case agreed
    case resolved
    case followedUp = "followed-up"
    case closed

    /// The statuses a feedback of `kind` may move to from this one. A complaint goes through
    /// every step; a compliment, a suggestion or a question may be resolved or closed once
    /// acknowledged. A customer who declines the solution sends the case back to
    /// investigating, and a resolved, followed-up or closed case reopens there (a problem
    /// found on the callback is a problem again).
    public func next(for kind: FeedbackKind) -> [FeedbackStatus] {
        switch self {
        case .received: [.acknowledged]
        case .acknowledged: kind == .complaint ? [.investigating] : [.investigating, .resolved, .closed]
        case .investigating: kind == .complaint ? [.solutionProposed] : [.solutionProposed, .resolved]
        case .solutionProposed: [.agreed, .investigating]
        case .agreed: [.resolved]
        case .resolved: [.followedUp, .closed, .investigating]
        case .followedUp: [.closed, .investigating]
        case .closed: [.investigating]
        }
    }

    /// Whether the case is still being handled (its clocks run).
    public var isOpen: Bool { self != .resolved && self != .followedUp && self != .closed }

    /// A move back to investigating from a finished case.
    public func isReopening(to next: FeedbackStatus) -> Bool {
        next == .investigating && (self == .resolved || self == .followedUp || self == .closed)
    }
}

/// What the customer told us: a complaint, a compliment, a suggestion or a question.
public enum FeedbackKind: String, Codable, Sendable, CaseIterable {
    case complaint, compliment, suggestion, question
}

/// How the feedback reached us.
public enum FeedbackChannel: String, Codable, Sendable, CaseIterable {
    case phone, email, web
    case inPerson = "in-person"
    case social, letter
}

/// How much is at stake, lowest first.
public enum FeedbackSeverity: String, Codable, Sendable, CaseIterable, Comparable {
    case low, medium, high, critical

    public static func < (left: FeedbackSeverity, right: FeedbackSeverity) -> Bool {
        allCases.firstIndex(of: left)! < allCases.firstIndex(of: right)!
    }
}
