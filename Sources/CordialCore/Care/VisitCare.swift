import Foundation

/// What a visit care item asks for: who makes it, how long it lasts, the days it may take
/// place on (from the action day), the travel time kept free around it, and whether the
/// customer's own account manager is asked first.
public struct VisitCare: Sendable, Hashable, Codable {
    /// The role the visitor holds (`account-manager`).
    public var role: String
    /// Minutes the visit lasts.
    public var minutes: Int
    /// The visit takes place on one of the `within` days from the action day (1: that day).
    public var within: Int
    /// Minutes kept free before and after it (travel).
    public var buffer: Int
    /// The customer attribute naming their own account manager (the staff id of
    /// `cordial staff import`), who is asked first; nil: anyone who may make the visit.
    public var ownManagerAttribute: String?
    public var cost: Decimal?

    public init(role: String, minutes: Int = 60, within: Int = 14, buffer: Int = 30, ownManagerAttribute: String? = nil, cost: Decimal? = nil) {
        self.role = role
        self.minutes = minutes
        self.within = within
        self.buffer = buffer
        self.ownManagerAttribute = ownManagerAttribute
        self.cost = cost
    }
}

/// A visit as a plan holds it: its window and length, and — once scheduled — the member of
/// staff, the day (the action's day) and the local time; unscheduled visits are held back
/// with the reason.
public struct PlannedVisit: Sendable, Hashable, Codable {
    /// The window's first and last days (since 1970).
    public var firstDay: Int
    public var lastDay: Int
    public var minutes: Int
    public var buffer: Int
    /// The customer attribute naming their own account manager (a staff id), asked first.
    public var managerAttribute: String?
    /// That member of staff, as found when the plan was made.
    public var preferredStaffID: Int64?
    /// Where it was put: the member of staff and the minute of their local day it starts.
    public var staffID: Int64?
    public var start: Int?

    public init(
        firstDay: Int, lastDay: Int, minutes: Int, buffer: Int, managerAttribute: String? = nil, preferredStaffID: Int64? = nil,
        staffID: Int64? = nil, start: Int? = nil
    ) {
        self.managerAttribute = managerAttribute
        self.firstDay = firstDay
        self.lastDay = lastDay
        self.minutes = minutes
        self.buffer = buffer
        self.preferredStaffID = preferredStaffID
        self.staffID = staffID
        self.start = start
    }

    /// The synthesized shape (the store keeps it), with the window's days as dates for
    /// readers (see ``CodingUserInfoKey/daysAsDates``).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeDay(firstDay, forKey: .firstDay, in: encoder)
        try container.encodeDay(lastDay, forKey: .lastDay, in: encoder)
        try container.encode(minutes, forKey: .minutes)
        try container.encode(buffer, forKey: .buffer)
        try container.encodeIfPresent(managerAttribute, forKey: .managerAttribute)
        try container.encodeIfPresent(preferredStaffID, forKey: .preferredStaffID)
        try container.encodeIfPresent(staffID, forKey: .staffID)
        try container.encodeIfPresent(start, forKey: .start)
    }

    /// The local minutes it takes, once scheduled.
    public var time: Range<Int>? { start.map { $0..<($0 + minutes) } }

    /// The visit a care item asks for, from `day` on.
    public init(_ care: VisitCare, from day: Int) {
        self.init(
            firstDay: day, lastDay: day + max(1, care.within) - 1, minutes: care.minutes, buffer: care.buffer,
            managerAttribute: care.ownManagerAttribute)
    }
}
