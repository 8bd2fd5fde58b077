import CordialCore
import Foundation

/// What a change does to a scheduled visit, the same on every backend: a move checked
/// against the member of staff's other visits, a cancellation, an outcome.
package enum VisitChanges {
    /// Changes `visit` as `update` says and returns the kind of change to record. `bookings`,
    /// for a move, is what the (new) member of staff holds around the new day, as committed
    /// now (``bookings(for:of:)`` says which).
    package static func apply(
        _ update: VisitUpdate, note: String?, at: Date, expectedSequence: Int? = nil, to visit: inout VisitRecord, bookings: StaffBookings?
    ) throws -> VisitChange.Kind {
        if let expectedSequence, expectedSequence != visit.sequence {
            throw StoreError.invalidVisit("visit \(visit.id) changed meanwhile (change \(visit.sequence)); look again with `cordial visits show \(visit.id)`")
        }
        switch update {
        case .reschedule(let staff, let day, let start):
            let staff = staff ?? visit.staffID
            guard (0..<1_440).contains(start), start + visit.minutes <= 1_440 else {
                throw StoreError.invalidVisit("the visit must start and end within the day")
            }
            guard staff != visit.staffID || day != visit.day || start != visit.start else {
                throw StoreError.invalidVisit("visit \(visit.id) is already then")
            }
            let time = start..<(start + visit.minutes)
            if let problem = (bookings ?? StaffBookings(capacity: [:], bookings: [])).problem(staffID: staff, day: day, time: time, buffer: visit.buffer) {
                throw StoreError.invalidVisit(problem)
            }
            visit.staffID = staff
            visit.day = day
            visit.start = start
            visit.sequence += 1
            return .rescheduled
        case .cancel:
            visit.status = .cancelled
            visit.sequence += 1
            return .cancelled
        case .outcome(let status, let time):
            guard status == .done || status == .absent else { throw StoreError.invalidVisit("an outcome is done or absent") }
            guard at >= time else { throw StoreError.invalidVisit("visit \(visit.id) has not begun: its outcome is recorded after it") }
            visit.status = status
            visit.notes = note
            visit.sequence += 1
            return status == .done ? .done : .absent
        }
    }

    /// The member of staff and the days whose bookings a move of `visit` is checked against;
    /// nil for any other change.
    package static func bookings(for update: VisitUpdate, of visit: VisitRecord) -> (staff: Int64, days: ClosedRange<Int>)? {
        guard case .reschedule(let staff, let day, _) = update else { return nil }
        return (staff ?? visit.staffID, StaffBookings.span(of: day...day))
    }

    /// What the customer's file says of the visit after a change; nil: as it was. The notes
    /// follow the first ": ", which forgetting the customer cuts off.
    package static func fileOutcome(_ kind: VisitChange.Kind, note: String?) -> String? {
        let said: String
        switch kind {
        case .done: said = "visit done"
        case .absent: said = "customer absent at the visit"
        case .cancelled: said = "visit cancelled"
        case .scheduled, .rescheduled: return nil
        }
        return note.map { "\(said): \($0)" } ?? said
    }
}
