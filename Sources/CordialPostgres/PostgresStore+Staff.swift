import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// Staff on PostgreSQL: added one at a time, or imported all at once by staff id (the table
/// locked for the import, so two imports take turns instead of both adding one id).
extension PostgresStore {
    static let staffColumns =
        "external_id, name, role, region, other_roles, areas, email, time_zone, week, visits_per_day, visits_per_week, absences"

    public func addStaff(_ staff: Staff) async throws -> Staff {
        try StaffColumns.check([staff], imported: false)
        return try await transaction { connection in
            if let id = staff.externalID, try await value(Int64.self, "SELECT id FROM staff WHERE external_id = \(id)", on: connection) != nil {
                throw StoreError.invalidStaff("staff id '\(id.prefix(40))' is taken")
            }
            var added = staff
            added.id = try await insert(staff, on: connection)
            return added
        }
    }

    public func importStaff(_ staff: [Staff]) async throws -> (added: Int, updated: Int) {
        try StaffColumns.check(staff, imported: true)
        return try await transaction { connection in
            // EXCLUSIVE waits for the campaign parts and visit moves that hold staff rows (and
            // holds them off) — a lock on rows would be taken in file order, theirs in id order.
            try await connection.query("LOCK TABLE staff IN EXCLUSIVE MODE")
            let stored = Dictionary(
                try await rows(PostgresQuery(unsafeSQL: "SELECT id, \(Self.staffColumns) FROM staff WHERE external_id IS NOT NULL"), on: connection)
                    .map(Self.staff).map { ($0.externalID!, $0) },
                uniquingKeysWith: { first, _ in first })
            var added = 0, updated = 0
            for member in staff {
                if let existing = stored[member.externalID!] {
                    guard !StaffColumns.same(existing, member) else { continue }
                    let text = StaffColumns.texts(member)
                    try await connection.query("""
                        UPDATE staff SET external_id = \(text[0]), name = \(text[1] ?? ""), role = \(text[2] ?? ""), region = \(text[3]),
                          other_roles = \(text[4]), areas = \(text[5]), email = \(text[6]), time_zone = \(text[7]), week = \(text[8]),
                          visits_per_day = \(member.visitsPerDay.map(Int32.init)), visits_per_week = \(member.visitsPerWeek.map(Int32.init)),
                          absences = \(StaffColumns.absences(member))
                        WHERE id = \(existing.id!)
                        """)
                    updated += 1
                } else {
                    _ = try await insert(member, on: connection)
                    added += 1
                }
            }
            return (added, updated)
        }
    }

    public func staff() async throws -> [Staff] {
        try await withConnection { connection in
            try await rows(PostgresQuery(unsafeSQL: "SELECT id, \(Self.staffColumns) FROM staff ORDER BY id"), on: connection).map(Self.staff)
        }
    }

    private func insert(_ staff: Staff, on connection: PostgresSession) async throws -> Int64? {
        let text = StaffColumns.texts(staff)
        return try await value(Int64.self, """
            INSERT INTO staff (external_id, name, role, region, other_roles, areas, email, time_zone, week, visits_per_day, visits_per_week, absences)
            VALUES (\(text[0]), \(text[1] ?? ""), \(text[2] ?? ""), \(text[3]), \(text[4]), \(text[5]), \(text[6]), \(text[7]), \(text[8]),
              \(staff.visitsPerDay.map(Int32.init)), \(staff.visitsPerWeek.map(Int32.init)), \(StaffColumns.absences(staff)))
            RETURNING id
            """, on: connection)
    }

    static func staff(_ row: PostgresRow) throws -> Staff {
        let (id, externalID, name, role, region, otherRoles, areas, email, timeZone, week, perDay, perWeek, absences) =
            try row.decode((Int64, String?, String, String, String?, String?, String?, String?, String?, String?, Int32?, Int32?, String?).self)
        return StaffColumns.staff(
            id: id, externalID: externalID, name: name, role: role, region: region, otherRoles: otherRoles, areas: areas, email: email,
            timeZone: timeZone, week: week, visitsPerDay: perDay.map(Int.init), visitsPerWeek: perWeek.map(Int.init), absences: absences)
    }
}
