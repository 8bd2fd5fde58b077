import CordialCore
import CordialStore
import Foundation
import GRDB

/// Visits on SQLite: the one writer at a time makes every check-then-write safe.
extension SQLiteStore {
    public func visitBookings(days: ClosedRange<Int>) async throws -> [VisitBooking] {
        try await writer.read { db in try Self.bookings(days: days, staff: nil, in: db) }
    }

    static func bookings(days: ClosedRange<Int>, staff: Int64?, in db: Database) throws -> [VisitBooking] {
        var sql = "SELECT staffId, day, start, minutes, buffer, id FROM visit WHERE status IN ('scheduled', 'done') AND day BETWEEN ? AND ?"
        var arguments: StatementArguments = [CalendarDays.text(ofDay: days.lowerBound), CalendarDays.text(ofDay: days.upperBound)]
        if let staff {
            sql += " AND staffId = ?"
            arguments += [staff]
        }
        return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
            let start: Int = row[2], minutes: Int = row[3]
            return VisitBooking(staffID: row[0], day: CalendarDays.day(of: row[1]) ?? 0, minutes: start..<(start + minutes), buffer: row[4])
        }
    }

    /// The capacity of every member of staff (or of `staff`) and the visits they hold on `days`.
    static func staffBookings(days: ClosedRange<Int>, staff: Int64? = nil, in db: Database) throws -> StaffBookings {
        var capacity: [Int64: StaffBookings.Capacity] = [:]
        let rows = try staff.map { try Row.fetchAll(db, sql: "SELECT id, visitsPerDay, visitsPerWeek FROM staff WHERE id = ?", arguments: [$0]) }
            ?? Row.fetchAll(db, sql: "SELECT id, visitsPerDay, visitsPerWeek FROM staff")
        for row in rows { capacity[row[0]] = StaffBookings.Capacity(perDay: row[1], perWeek: row[2]) }
        return StaffBookings(capacity: capacity, bookings: try bookings(days: days, staff: staff, in: db))
    }

    public func visits(_ query: VisitQuery) async throws -> [VisitRecord] {
        try await writer.read { db in
            var conditions: [String] = [], arguments: StatementArguments = []
            if let staff = query.staffID {
                conditions.append("staffId = ?")
                arguments += [staff]
            }
            if let former = query.movedFromStaffID {
                conditions.append("staffId <> ? AND id IN (SELECT visitId FROM visitChange WHERE staffId = ?)")
                arguments += [former, former]
            }
            if let customer = query.customerID {
                conditions.append("customerId = ?")
                arguments += [customer.rawValue]
            }
            if let days = query.days {
                conditions.append("day BETWEEN ? AND ?")
                arguments += [CalendarDays.text(ofDay: days.lowerBound), CalendarDays.text(ofDay: days.upperBound)]
            }
            if !query.statuses.isEmpty {
                conditions.append("status IN (\(query.statuses.map { "'\($0.rawValue)'" }.sorted().joined(separator: ", ")))")
            }
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            arguments += [query.limit]
            return try Row.fetchAll(db, sql: "SELECT * FROM visit \(filter) ORDER BY day, start, id LIMIT ?", arguments: arguments).map(Self.visit)
        }
    }

    public func visit(_ id: Int64) async throws -> VisitRecord? {
        try await writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM visit WHERE id = ?", arguments: [id]).map(Self.visit) }
    }

    public func visitChanges(_ id: Int64) async throws -> [VisitChange] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM visitChange WHERE visitId = ? ORDER BY id", arguments: [id]).map { row in
                VisitChange(
                    kind: VisitChange.Kind(rawValue: row["kind"]) ?? .scheduled, at: row["at"], staffID: row["staffId"],
                    day: CalendarDays.day(of: row["day"]) ?? 0, start: row["start"], note: row["note"], by: row["by"])
            }
        }
    }

    public func updateVisit(_ id: Int64, _ update: VisitUpdate, note: String?, by: String?, at: Date, expectedSequence: Int?) async throws -> VisitRecord {
        try await writer.write { db in
            guard var visit = try Row.fetchOne(db, sql: "SELECT * FROM visit WHERE id = ?", arguments: [id]).map(Self.visit) else {
                throw StoreError.invalidVisit("no visit \(id)")
            }
            guard visit.status == .scheduled else { throw StoreError.invalidVisit("visit \(id) is \(visit.status.description), not scheduled") }
            var bookings = try VisitChanges.bookings(for: update, of: visit).map { try Self.staffBookings(days: $0.days, staff: $0.staff, in: db) }
            bookings?.remove(visit)
            let kind = try VisitChanges.apply(update, note: note, at: at, expectedSequence: expectedSequence, to: &visit, bookings: bookings)
            let stamp = CustomerRow.storedText(at)
            visit.updatedAt = at
            try db.execute(sql: """
                UPDATE visit SET staffId = ?, day = ?, start = ?, status = ?, notes = ?, sequence = ?, updatedAt = ? WHERE id = ?
                """, arguments: [
                    visit.staffID, CalendarDays.text(ofDay: visit.day), visit.start, visit.status.rawValue, visit.notes, visit.sequence, stamp, id,
                ])
            try db.execute(sql: """
                INSERT INTO visitChange (customerId, visitId, kind, at, staffId, day, start, note, by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [
                    visit.customerID.rawValue, id, kind.rawValue, stamp, visit.staffID, CalendarDays.text(ofDay: visit.day), visit.start, note, by,
                ])
            // The customer's file: the visit's contact says how it went (or that it was cancelled).
            if kind == .rescheduled {
                try db.execute(sql: "UPDATE interaction SET staffId = ? WHERE customerId = ? AND actionKey = ?",
                               arguments: [visit.staffID, visit.customerID.rawValue, visit.actionKey])
            }
            if let outcome = VisitChanges.fileOutcome(kind, note: note) {
                var time = stamp
                if case .outcome(_, let when) = update { time = CustomerRow.storedText(when) }
                try db.execute(sql: """
                    UPDATE interaction SET outcome = ?, time = ?, staffId = ? WHERE customerId = ? AND actionKey = ?
                    """, arguments: [outcome, time, visit.staffID, visit.customerID.rawValue, visit.actionKey])
            }
            return visit
        }
    }

    static func visit(_ row: Row) -> VisitRecord {
        VisitRecord(
            id: row["id"], customerID: CustomerID(row["customerId"] as Int64), actionKey: row["actionKey"], campaign: row["campaign"],
            role: row["role"], staffID: row["staffId"], day: CalendarDays.day(of: row["day"]) ?? 0, start: row["start"], minutes: row["minutes"],
            buffer: row["buffer"], status: VisitRecord.Status(rawValue: row["status"]) ?? .scheduled, notes: row["notes"],
            sequence: row["sequence"], createdAt: row["createdAt"], updatedAt: row["updatedAt"])
    }
}
