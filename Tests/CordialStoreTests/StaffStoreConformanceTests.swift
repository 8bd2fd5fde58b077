import CordialCore
@testable import CordialSQLite
import GRDB
import CordialStore
import Foundation
import Testing

/// The contract of staff on every conformer: imported by staff id all or nothing, updated
/// when a file says something new and left alone when it says the same, every field read back.
@Suite final class StaffStoreConformanceTests {
    private let conformers = Conformers()

    static func manager(_ id: String, _ name: String, areas: [String] = ["Hà Nội"]) -> Staff {
        Staff(
            externalID: id, name: name, role: "account-manager", otherRoles: ["agent"], areas: areas, email: "\(id.lowercased())@example.vn",
            timeZone: "Asia/Ho_Chi_Minh", week: try! WorkingWeek(parsing: "mon-fri 08:00-12:00 13:00-17:00; sat 08:00-12:00"),
            visitsPerDay: 3, visitsPerWeek: 12, absences: [Absence(parsing: "2025-03-10..2025-03-14")!])
    }

    @Test(arguments: StoreKind.allCases)
    func staffAreImportedByStaffIdAllOrNothingAndReadBackWhole(kind: StoreKind) async throws {
        let store = try await conformers.make(kind)
        let legacy = try await store.addStaff(Staff(name: "Lê Thu Hà", role: "marketing-lead", region: "Miền Bắc"))
        #expect(legacy.areas == ["Miền Bắc"])
        let first = [Self.manager("S-1", "Ngô Thanh Bình"), Self.manager("S-2", "Phạm Quỳnh Anh", areas: ["Đà Nẵng", "Huế"])]
        #expect(try await store.importStaff(first) == (2, 0))
        let stored = try await store.staff()
        #expect(stored.count == 3)
        #expect(stored[0].areas == ["Miền Bắc"] && stored[0].externalID == nil)
        var expected = first[1]
        expected.id = stored[2].id
        #expect(stored[2] == expected, "every field is read back as written")

        // The same file again changes nothing; a changed member is updated in place.
        #expect(try await store.importStaff(first) == (0, 0))
        var moved = first[0]
        moved.areas = ["Hải Phòng"]
        moved.absences = []
        moved.week = nil
        #expect(try await store.importStaff([moved, Self.manager("S-3", "Vũ Hải")]) == (1, 1))
        let after = try await store.staff()
        #expect(after.count == 4 && after[1].id == stored[1].id && after[1].areas == ["Hải Phòng"] && after[1].week == nil && after[1].absences.isEmpty)

        // A bad member, or one staff id twice, refuses the whole file.
        var bad = Self.manager("S-4", "Đỗ Lan")
        bad.timeZone = "Mars/Olympus"
        await #expect(throws: StoreError.self) { try await store.importStaff([Self.manager("S-5", "Hồ Nam"), bad]) }
        await #expect(throws: StoreError.self) { try await store.importStaff([Self.manager("S-6", "A"), Self.manager("S-6", "B")]) }
        await #expect(throws: StoreError.self) { try await store.importStaff([Staff(name: "No id", role: "agent")]) }
        #expect(try await store.staff().count == 4, "nothing was written")
        // A staff id is one person's.
        await #expect(throws: StoreError.self) { try await store.addStaff(Self.manager("S-1", "Someone else")) }
    }
}

/// Staff kept before areas (one `region` each) come through the migration covering it.
@Suite struct StaffMigrationTests {
    @Test func aRegionKeptBeforeAreasBecomesTheirArea() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("staff-v9-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // A store as Cordial left it before staff had areas: migrated up to v9.
        let queue = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(queue, upTo: "v9: feedback hooks, once per event")
        try await queue.write { db in
            try db.execute(sql: "INSERT INTO staff (name, role, region) VALUES ('Trần Minh', 'account-manager', 'Miền Bắc'), ('Lê Thu Hà', 'marketing-lead', ''), ('Vũ Hải', 'agent', NULL)")
        }
        let store = try SQLiteStore(path: path)
        try await store.migrate()
        let staff = try await store.staff()
        #expect(staff.map(\.areas) == [["Miền Bắc"], [], []], "a region becomes the area; an empty one covers nothing, as none does")
        let stored = try await store.writer.read { db in try String.fetchOne(db, sql: "SELECT areas FROM staff WHERE id = 1") }
        #expect(stored == "[\"Miền Bắc\"]")
    }
}
