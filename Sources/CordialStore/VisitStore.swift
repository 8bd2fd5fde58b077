import CordialCore
import Foundation

/// Visits on staff's schedules: written by applying a campaign's planned visits (in the
/// ledger's transaction), then moved, cancelled or closed with their outcome.
public protocol VisitStore: Sendable {
    /// Visits holding a slot (scheduled or done) on `days`, for the scheduler.
    func visitBookings(days: ClosedRange<Int>) async throws -> [VisitBooking]
    /// Visits matching `query`, by day and time.
    func visits(_ query: VisitQuery) async throws -> [VisitRecord]
    func visit(_ id: Int64) async throws -> VisitRecord?
    /// Every change of a visit, first to last.
    func visitChanges(_ id: Int64) async throws -> [VisitChange]
    /// Changes a scheduled visit in one transaction: a move is checked against the member of
    /// staff's other visits and capacity as committed then (``StaffBookings``); an outcome is
    /// written on the customer's file too. A visit that is not scheduled any more, an unknown
    /// visit or member of staff, or a clash is refused (``StoreError/invalidVisit(_:)``).
    /// `expectedSequence`, when given, refuses a visit changed since it was read.
    func updateVisit(_ id: Int64, _ update: VisitUpdate, note: String?, by: String?, at: Date, expectedSequence: Int?) async throws -> VisitRecord
}

extension VisitStore {
    public func updateVisit(_ id: Int64, _ update: VisitUpdate, note: String?, by: String?, at: Date) async throws -> VisitRecord {
        try await updateVisit(id, update, note: note, by: by, at: at, expectedSequence: nil)
    }
}

/// Which visits to list.
public struct VisitQuery: Sendable, Hashable {
    public var staffID: Int64?
    /// Visits this member of staff held once and another holds now (moved away from them),
    /// whatever their day: their calendar is to drop them.
    public var movedFromStaffID: Int64?
    public var customerID: CustomerID?
    public var days: ClosedRange<Int>?
    public var statuses: Set<VisitRecord.Status>
    public var limit: Int

    public init(
        staffID: Int64? = nil, movedFromStaffID: Int64? = nil, customerID: CustomerID? = nil, days: ClosedRange<Int>? = nil,
        statuses: Set<VisitRecord.Status> = [], limit: Int = 10_000
    ) {
        self.staffID = staffID
        self.movedFromStaffID = movedFromStaffID
        self.customerID = customerID
        self.days = days
        self.statuses = statuses
        self.limit = limit
    }
}
