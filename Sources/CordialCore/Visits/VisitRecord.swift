import Foundation

/// A visit on a member of staff's schedule, written when its planned action is applied.
/// Moving or cancelling it, or recording how it went, keeps what it was (``VisitChange``).
public struct VisitRecord: Sendable, Hashable, Codable {
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case scheduled, done, absent, cancelled

        /// "customer absent" for `absent`.
        public var description: String { self == .absent ? "customer absent" : rawValue }
    }

    public var id: Int64
    public var customerID: CustomerID
    /// The ledger's key of the action that booked it: the calendar event's stable UID.
    public var actionKey: String
    public var campaign: String
    /// The role the visitor holds (the care form's).
    public var role: String
    public var staffID: Int64
    /// The day (since 1970) and the local minutes of the member of staff's day.
    public var day: Int
    public var start: Int
    public var minutes: Int
    public var buffer: Int
    public var status: Status
    /// What the visitor noted of it.
    public var notes: String?
    /// 0 when booked, one more at each change (a calendar's SEQUENCE).
    public var sequence: Int
    public var createdAt: Date
    public var updatedAt: Date

    public init(
        id: Int64, customerID: CustomerID, actionKey: String, campaign: String, role: String, staffID: Int64, day: Int, start: Int, minutes: Int,
        buffer: Int, status: Status, notes: String? = nil, sequence: Int = 0, createdAt: Date, updatedAt: Date
    ) {
        self.id = id
        self.customerID = customerID
        self.actionKey = actionKey
        self.campaign = campaign
        self.role = role
        self.staffID = staffID
        self.day = day
        self.start = start
        self.minutes = minutes
        self.buffer = buffer
        self.status = status
        self.notes = notes
        self.sequence = sequence
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var time: Range<Int> { start..<(start + minutes) }
}

/// One change of a visit, as it was made: booked, moved (to whom and when), cancelled, or its
/// outcome recorded.
public struct VisitChange: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case scheduled, rescheduled, cancelled, done, absent
    }

    public var kind: Kind
    public var at: Date
    /// Where the visit stands after the change.
    public var staffID: Int64
    public var day: Int
    public var start: Int
    public var note: String?
    /// Who made it.
    public var by: String?

    public init(kind: Kind, at: Date, staffID: Int64, day: Int, start: Int, note: String? = nil, by: String? = nil) {
        self.kind = kind
        self.at = at
        self.staffID = staffID
        self.day = day
        self.start = start
        self.note = note
        self.by = by
    }
}

/// What staff do to a scheduled visit.
public enum VisitUpdate: Sendable, Hashable {
    /// To another day, time or member of staff (nil: the same).
    case reschedule(staffID: Int64?, day: Int, start: Int)
    case cancel
    /// How it went: `done` or `absent`, at `time` (the visit's start, UTC) on the customer's file.
    case outcome(VisitRecord.Status, time: Date)
}
