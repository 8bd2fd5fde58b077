import CordialCore
import CordialStore
import Foundation
import GRDB

/// Staff on SQLite: added one at a time, or imported all at once by staff id.
extension SQLiteStore {
    static let staffColumns = "externalID, name, role, region, otherRoles, areas, email, timeZone, week, visitsPerDay, visitsPerWeek, absences"

    public func addStaff(_ staff: Staff) async throws -> Staff {
        try StaffColumns.check([staff], imported: false)
        return try await writer.write { db in
            if let id = staff.externalID, try Bool.fetchOne(db, sql: "SELECT 1 FROM staff WHERE externalID = ?", arguments: [id]) == true {
                throw StoreError.invalidStaff("staff id '\(id.prefix(40))' is taken")
            }
            try Self.insert(staff, into: db)
            var added = staff
            added.id = db.lastInsertedRowID
            return added
        }
    }

    public func importStaff(_ staff: [Staff]) async throws -> (added: Int, updated: Int) {
        try StaffColumns.check(staff, imported: true)
        return try await writer.write { db in
            var added = 0, updated = 0
            let find = try db.cachedStatement(sql: "SELECT id, \(Self.staffColumns) FROM staff WHERE externalID = ?")
            for member in staff {
                if let stored = try Row.fetchOne(find, arguments: [member.externalID]).map(Self.staff) {
                    guard !StaffColumns.same(stored, member) else { continue }
                    try db.execute(sql: """
                        UPDATE staff SET externalID = ?, name = ?, role = ?, region = ?, otherRoles = ?, areas = ?, email = ?, timeZone = ?,
                          week = ?, visitsPerDay = ?, visitsPerWeek = ?, absences = ? WHERE id = ?
                        """, arguments: Self.arguments(member) + [stored.id])
                    updated += 1
                } else {
                    try Self.insert(member, into: db)
                    added += 1
                }
            }
            return (added, updated)
        }
    }

    public func staff() async throws -> [Staff] {
        try await writer.read { db in
            try Row.fetchAll(db, sql: "SELECT id, \(Self.staffColumns) FROM staff ORDER BY id").map(Self.staff)
        }
    }

    static func arguments(_ staff: Staff) -> StatementArguments {
        StatementArguments(StaffColumns.texts(staff)) + [staff.visitsPerDay, staff.visitsPerWeek, StaffColumns.absences(staff)]
    }

    static func insert(_ staff: Staff, into db: Database) throws {
        try db.execute(sql: "INSERT INTO staff (\(staffColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", arguments: arguments(staff))
    }

    static func staff(_ row: Row) -> Staff {
        StaffColumns.staff(
            id: row["id"], externalID: row["externalID"], name: row["name"], role: row["role"], region: row["region"],
            otherRoles: row["otherRoles"], areas: row["areas"], email: row["email"], timeZone: row["timeZone"], week: row["week"],
            visitsPerDay: row["visitsPerDay"], visitsPerWeek: row["visitsPerWeek"], absences: row["absences"])
    }
}
