import Foundation
import Testing

/// `cordial staff import|list|show` as an organisation keeps its staff: a directory export in
/// CSV or JSON Lines imported all or nothing with every bad cell named, imported again to
/// update, and listed and shown with roles, areas, week, capacity and absences.
@Suite final class StaffCommandTests {
    let stores = TemporaryStores()
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-staff-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome { try RunCommandTests.cordial(arguments) }

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aDirectoryExportIsImportedWholeAndUpdatedByStaffId() throws {
        let db = stores.path()
        #expect(try cordial("init", "--db", db).status == 0)
        let bad = try file("bad.csv", """
            staff_id,name,role,areas,hours,visits_per_day,visits_per_week,absences,time_zone
            S-1,Ngô Thanh Bình,account-manager,Hà Nội|Miền Bắc,mon-fri 08:00-17:00,3,12,2025-03-10..2025-03-14,Asia/Ho_Chi_Minh
            S-2,Phạm Quỳnh Anh,Account Manager,Đà Nẵng,mon-fri 8-17,0,12,2025-02-30,Mars/Olympus
            S-1,Vũ Hải,agent,,,,,,

            """)
        let refused = try cordial("staff", "import", bad, "--db", db)
        #expect(refused.status == 1)
        for problem in [
            "bad.csv:3: column 'role': 'Account Manager' is not a role",
            "bad.csv:3: column 'hours': '8-17' is not hours such as 08:00-12:00",
            "bad.csv:3: column 'visits_per_day': '0' is not a whole number from 1 to 50",
            "bad.csv:3: column 'absences': '2025-02-30' is not a day or days",
            "bad.csv:3: column 'time_zone': 'Mars/Olympus' is not a time zone",
            "bad.csv:4:",
        ] {
            #expect(refused.standardError.contains(problem), "\(problem): \(refused.standardError)")
        }
        #expect(try cordial("staff", "list", "--db", db).standardOutput.hasSuffix("0 members of staff\n"), "nothing was written")

        let good = try file("staff.csv", """
            staff_id,name,role,other_roles,areas,email,hours,visits_per_day,visits_per_week,absences,time_zone
            S-1,Ngô Thanh Bình,account-manager,supervisor,Hà Nội|Miền Bắc,binh@example.vn,mon-fri 08:00-12:00 13:00-17:00; sat 08:00-12:00,3,12,2025-03-10..2025-03-14|2025-04-30,Asia/Ho_Chi_Minh
            S-2,Phạm Quỳnh Anh,account-manager,,Đà Nẵng,anh@example.vn,,4,16,,

            """)
        let imported = try cordial("staff", "import", good, "--db", db)
        #expect(imported.status == 0 && imported.standardOutput == "staff.csv: added 2, updated 0, 0 unchanged\n", "\(imported.standardError)")
        #expect(try cordial("staff", "import", good, "--db", db).standardOutput == "staff.csv: added 0, updated 0, 2 unchanged\n")
        let moved = try file("moved.jsonl", """
            {"staff_id": "S-2", "name": "Phạm Quỳnh Anh", "role": "account-manager", "areas": ["Đà Nẵng", "Huế"], "visits_per_day": 4, "visits_per_week": 16}
            {"staff_id": "S-3", "name": "Vũ Hải", "role": "agent"}

            """)
        #expect(try cordial("staff", "import", moved, "--db", db).standardOutput == "moved.jsonl: added 1, updated 1, 0 unchanged\n")

        let list = try cordial("staff", "list", "--db", db).standardOutput
        #expect(list.contains("Ngô Thanh Bình") && list.contains("account-manager, supervisor") && list.contains("Hà Nội, Miền Bắc") && list.contains("3/day, 12/week"))
        #expect(list.contains("Đà Nẵng, Huế") && list.contains("anywhere") && list.hasSuffix("3 members of staff\n"), "\(list)")
        #expect(try cordial("staff", "list", "--role", "supervisor", "--db", db).standardOutput.hasSuffix("1 member of staff\n"))

        let shown = try cordial("staff", "show", "S-1", "--db", db)
        #expect(shown.standardOutput == """
            Ngô Thanh Bình (staff 1, S-1)
            roles     account-manager, supervisor
            areas     Hà Nội, Miền Bắc
            email     binh@example.vn
            week      mon-fri 08:00-12:00 13:00-17:00; sat 08:00-12:00, Asia/Ho_Chi_Minh
            visits    3 a day, 12 a week
            away      2025-03-10..2025-03-14, 2025-04-30

            """, "\(shown.standardOutput)\(shown.standardError)")
        #expect(try cordial("staff", "show", "Vũ Hải", "--db", db).standardOutput.contains("week      mon-fri 08:00-17:00 (the usual week: none given)"))
        let json = try cordial("staff", "show", "S-1", "--json", "--db", db).standardOutput
        #expect(json.contains("\"week\" : \"mon-fri 08:00-12:00 13:00-17:00; sat 08:00-12:00\"") && json.contains("\"2025-03-10..2025-03-14\""), "\(json)")
        #expect(try cordial("staff", "show", "Nobody", "--db", db).status == 1)
    }
}
