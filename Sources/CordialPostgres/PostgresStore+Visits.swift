import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// Visits on PostgreSQL, where several processes book at once: whoever books or moves a
/// visit locks the members of staff concerned (their `staff` rows, in id order, `FOR NO KEY
/// UPDATE`, which leaves foreign-key checks on them free) before it reads their other visits,
/// so two bookings of one person never both pass the check.
extension PostgresStore {
    public func visitBookings(days: ClosedRange<Int>) async throws -> [VisitBooking] {
        try await withConnection { connection in try await bookings(days: days, staff: nil, on: connection) }
    }

    func bookings(days: ClosedRange<Int>, staff: [Int64]?, on connection: PostgresSession) async throws -> [VisitBooking] {
        let from = CalendarDays.text(ofDay: days.lowerBound), to = CalendarDays.text(ofDay: days.upperBound)
        let query: PostgresQuery = if let staff {
            """
            SELECT staff_id, day, start, minutes, buffer FROM visit
            WHERE status IN ('scheduled', 'done') AND day BETWEEN \(from) AND \(to) AND staff_id = ANY(\(staff)::bigint[])
            """
        } else {
            "SELECT staff_id, day, start, minutes, buffer FROM visit WHERE status IN ('scheduled', 'done') AND day BETWEEN \(from) AND \(to)"
        }
        return try await rows(query, on: connection).map { row in
            let (staff, day, start, minutes, buffer) = try row.decode((Int64, String, Int, Int, Int).self)
            return VisitBooking(staffID: staff, day: CalendarDays.day(of: day) ?? 0, minutes: start..<(start + minutes), buffer: buffer)
        }
    }

    /// Locks `staff` (in id order) and reads their capacity and their visits on `days`,
    /// inside the caller's transaction.
    func staffBookings(staff: [Int64], days: ClosedRange<Int>, on connection: PostgresSession) async throws -> StaffBookings {
        var capacity: [Int64: StaffBookings.Capacity] = [:]
        for row in try await rows("""
            SELECT id, visits_per_day, visits_per_week FROM staff WHERE id = ANY(\(staff.sorted())::bigint[]) ORDER BY id FOR NO KEY UPDATE
            """, on: connection) {
            let (id, perDay, perWeek) = try row.decode((Int64, Int?, Int?).self)
            capacity[id] = StaffBookings.Capacity(perDay: perDay, perWeek: perWeek)
        }
        return StaffBookings(capacity: capacity, bookings: try await bookings(days: days, staff: staff, on: connection))
    }

    private static let visitColumns = """
        id, customer_id, action_key, campaign, role, staff_id, day, start, minutes, buffer, status, notes, sequence, created_at, updated_at
        """

    private static func visit(_ row: PostgresRow) throws -> VisitRecord {
        let columns = row.makeRandomAccess()
        return VisitRecord(
            id: try columns[0].decode(Int64.self), customerID: CustomerID(try columns[1].decode(Int64.self)),
            actionKey: try columns[2].decode(String.self), campaign: try columns[3].decode(String.self), role: try columns[4].decode(String.self),
            staffID: try columns[5].decode(Int64.self), day: CalendarDays.day(of: try columns[6].decode(String.self)) ?? 0,
            start: try columns[7].decode(Int.self), minutes: try columns[8].decode(Int.self), buffer: try columns[9].decode(Int.self),
            status: VisitRecord.Status(rawValue: try columns[10].decode(String.self)) ?? .scheduled, notes: try columns[11].decode(String?.self),
            sequence: try columns[12].decode(Int.self), createdAt: try columns[13].decode(Date.self), updatedAt: try columns[14].decode(Date.self))
    }

    public func visits(_ query: VisitQuery) async throws -> [VisitRecord] {
        try await withConnection { connection in
            let statuses = query.statuses.map(\.rawValue).sorted()
            let from = query.days.map { CalendarDays.text(ofDay: $0.lowerBound) }, to = query.days.map { CalendarDays.text(ofDay: $0.upperBound) }
            return try await rows("""
                SELECT \(unescaped: Self.visitColumns) FROM visit
                WHERE (\(query.staffID)::bigint IS NULL OR staff_id = \(query.staffID))
                  AND (\(query.customerID?.rawValue)::bigint IS NULL OR customer_id = \(query.customerID?.rawValue))
                  AND (\(query.movedFromStaffID)::bigint IS NULL
                       OR (staff_id <> \(query.movedFromStaffID) AND id IN (SELECT visit_id FROM visit_change WHERE staff_id = \(query.movedFromStaffID))))
                  AND (\(from)::text IS NULL OR day BETWEEN \(from) AND \(to))
                  AND (cardinality(\(statuses)::text[]) = 0 OR status = ANY(\(statuses)::text[]))
                ORDER BY day, start, id LIMIT \(query.limit)
                """, on: connection).map(Self.visit)
        }
    }

    public func visit(_ id: Int64) async throws -> VisitRecord? {
        try await withConnection { connection in
            try await rows("SELECT \(unescaped: Self.visitColumns) FROM visit WHERE id = \(id)", on: connection).first.map(Self.visit)
        }
    }

    public func visitChanges(_ id: Int64) async throws -> [VisitChange] {
        try await withConnection { connection in
            try await rows("""
                SELECT kind, at, staff_id, day, start, note, by FROM visit_change WHERE visit_id = \(id) ORDER BY id
                """, on: connection).map { row in
                let (kind, at, staff, day, start, note, by) = try row.decode((String, Date, Int64, String, Int, String?, String?).self)
                return VisitChange(
                    kind: VisitChange.Kind(rawValue: kind) ?? .scheduled, at: at, staffID: staff, day: CalendarDays.day(of: day) ?? 0,
                    start: start, note: note, by: by)
            }
        }
    }

    public func updateVisit(_ id: Int64, _ update: VisitUpdate, note: String?, by: String?, at: Date, expectedSequence: Int?) async throws -> VisitRecord {
        try await transaction { connection in
            guard let customer = try await value(Int64.self, "SELECT customer_id FROM visit WHERE id = \(id)", on: connection) else {
                throw StoreError.invalidVisit("no visit \(id)")
            }
            // The customer first, as a campaign part does, then the visit's row.
            try await connection.query(PostgresCampaignLedger.customerLock(customer))
            guard var visit = try await rows("""
                SELECT \(unescaped: Self.visitColumns) FROM visit WHERE customer_id = \(customer) AND id = \(id) FOR UPDATE
                """, on: connection).first.map(Self.visit)
            else { throw StoreError.invalidVisit("no visit \(id)") }
            guard visit.status == .scheduled else { throw StoreError.invalidVisit("visit \(id) is \(visit.status.description), not scheduled") }
            var bookings: StaffBookings?
            if let (staff, days) = VisitChanges.bookings(for: update, of: visit) {
                bookings = try await staffBookings(staff: [staff], days: days, on: connection)
                bookings?.remove(visit)
            }
            let kind = try VisitChanges.apply(update, note: note, at: at, expectedSequence: expectedSequence, to: &visit, bookings: bookings)
            visit.updatedAt = at
            let day = CalendarDays.text(ofDay: visit.day)
            try await connection.query("""
                UPDATE visit SET staff_id = \(visit.staffID), day = \(day), start = \(visit.start), status = \(visit.status.rawValue),
                  notes = \(visit.notes), sequence = \(visit.sequence), updated_at = \(at)
                WHERE customer_id = \(customer) AND id = \(id)
                """)
            try await connection.query("""
                INSERT INTO visit_change (customer_id, visit_id, kind, at, staff_id, day, start, note, by)
                VALUES (\(customer), \(id), \(kind.rawValue), \(at), \(visit.staffID), \(day), \(visit.start), \(note), \(by))
                """)
            if kind == .rescheduled {
                try await connection.query("""
                    UPDATE interaction SET staff_id = \(visit.staffID) WHERE customer_id = \(customer) AND action_key = \(visit.actionKey)
                    """)
            }
            if let outcome = VisitChanges.fileOutcome(kind, note: note) {
                var time = at
                if case .outcome(_, let when) = update { time = when }
                try await connection.query("""
                    UPDATE interaction SET outcome = \(outcome), time = \(time), staff_id = \(visit.staffID)
                    WHERE customer_id = \(customer) AND action_key = \(visit.actionKey)
                    """)
            }
            return visit
        }
    }
}
