import CordialCore
import Foundation
import Testing

/// `cordial visits` and `cordial staff calendar` as staff use them: the planned visits listed,
/// one moved (refused outside the visitor's hours, with one line), one cancelled, one done;
/// the calendar file read by a real iCalendar parser, and a re-export carrying the same UIDs
/// with the changes' sequences, so the calendar program updates instead of doubling.
@Suite final class VisitCommandTests {
    let stores = TemporaryStores()
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-visits-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("plugins/visits"), withIntermediateDirectories: true)
        try """
            local cordial = require "cordial"
            local p = cordial.plugin { name = "visits", version = "1.0.0", api = 1 }
            p:segment("tier", { labels = { "gold" } }, function(c) return c.tier end)
            p:policy("spring-visits", {
              segment = "tier:gold",
              care = { { every = "quarter", day = 1, visit = { role = "account-manager", minutes = 60, within = 5, buffer = 30 } } },
            })
            return p
            """.write(to: folder.appendingPathComponent("plugins/visits/plugin.lua"), atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome { try RunCommandTests.cordial(arguments) }

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// The calendar file's events as Python's `icalendar` reads them.
    func parsed(_ path: String) throws -> [[String: Any]] {
        let python = try #require(
            ProcessInfo.processInfo.environment["CORDIAL_TEST_SMTP_PYTHON"],
            "CORDIAL_TEST_SMTP_PYTHON is not set: run `make test`, or `export CORDIAL_TEST_SMTP_PYTHON=$(scripts/test-smtp-python)`")
        let reader = """
            import json, sys, icalendar
            calendar = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
            print(json.dumps([{"uid": str(e.get("UID")), "sequence": int(e.get("SEQUENCE")), "status": str(e.get("STATUS")),
                               "start": e.decoded("DTSTART").isoformat(), "summary": str(e.get("SUMMARY")),
                               "location": str(e.get("LOCATION"))} for e in calendar.walk("VEVENT")], ensure_ascii=False))
            """
        let outcome = try RunCommandTests.run(URL(fileURLWithPath: python), ["-c", reader, path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [[String: Any]])
    }

    /// The first Monday after today (UTC), and 14:00 that day in Hà Nội as ISO 8601 UTC.
    static func nextMonday() -> (day: String, start: String) {
        var day = CalendarDays.day(of: Date()) + 1
        while (day + 4) % 7 + 1 != 2 { day += 1 }
        return (CalendarDays.text(ofDay: day), CalendarDays.text(ofDay: day) + "T07:00:00+00:00")
    }

    @Test func staffMoveCancelAndCloseVisitsAndTheirCalendarFollows() throws {
        let db = stores.path(), plugins = folder.appendingPathComponent("plugins").path
        #expect(try cordial("init", "--db", db).status == 0)
        let customers = try file("customers.csv", """
            external_id,given_name,family_name,address,city,region,locale,tier
            C1,Văn An,Nguyễn,12 Hàng Bạc,Hà Nội,Miền Bắc,vi,gold
            C2,Thị Mai,Trần,5 Lý Thường Kiệt,Hà Nội,Miền Bắc,vi,gold
            C3,Emily,Carter,1 High Street,London,England,en,gold
            C4,Văn Nam,Phạm,8 Phố Huế,Hà Nội,Miền Bắc,vi,gold

            """)
        #expect(try cordial("import", "customers", customers, "--source", "crm", "--db", db).status == 0)
        let staff = try file("staff.csv", """
            staff_id,name,role,areas,hours,visits_per_day,time_zone
            S-1,Ngô Thanh Bình,account-manager,Hà Nội,mon-fri 08:00-12:00 13:00-17:00,2,Asia/Ho_Chi_Minh
            S-2,Phạm Hoa,agent,Hà Nội,mon-fri 08:00-17:00,,Asia/Ho_Chi_Minh
            S-3,Sophie Davies,account-manager,London,mon-fri 09:00-17:00,,Europe/London

            """)
        #expect(try cordial("staff", "import", staff, "--db", db).status == 0)
        #expect(try cordial("segments", "run", "--as-of", "2026-03-20", "--db", db, "--plugins", plugins).status == 0)
        // S-1 makes two visits a day: two on 1 April, the third on the 2nd; London's goes to S-3.
        let plan = try cordial("campaigns", "plan", "spring-visits", "--from", "2026-04-01", "--to", "2026-04-01", "--db", db, "--plugins", plugins)
        #expect(plan.status == 0, "\(plan.standardError)")
        #expect(plan.standardOutput.contains("staff 1, 08:00-09:00") && plan.standardOutput.contains("staff 1, 09:30-10:30"), "\(plan.standardOutput)")
        #expect(try cordial("campaigns", "apply", "1", "--db", db, "--plugins", plugins).status == 0)

        let listed = try cordial("visits", "list", "--staff", "S-1", "--json", "--db", db)
        let visits = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
        #expect(visits.map { "\($0["id"]!) \($0["day"]!) \($0["start"]!)-\($0["end"]!) \($0["status"]!)" } == [
            "1 2026-04-01 08:00-09:00 scheduled", "2 2026-04-01 09:30-10:30 scheduled", "4 2026-04-02 08:00-09:00 scheduled",
        ])
        #expect(visits.allSatisfy { $0["action_key"] as? String != nil && $0["role"] as? String == "account-manager" })

        let ics = folder.appendingPathComponent("binh.ics").path
        #expect(try cordial("staff", "calendar", "S-1", "--from", "2026-04-01", "--to", "2027-12-31", "-o", ics, "--db", db).status == 0)
        let first = try parsed(ics)
        #expect(first.map { $0["start"] as? String } == ["2026-04-01T01:00:00+00:00", "2026-04-01T02:30:00+00:00", "2026-04-02T01:00:00+00:00"],
                "08:00 in Hà Nội is 01:00 UTC")
        #expect(first.allSatisfy { ($0["uid"] as? String)?.hasPrefix("spring-visits/quarter:2026-Q2/") == true && $0["sequence"] as? Int == 0 })
        #expect(first[0]["summary"] as? String == "Visit: Nguyễn Văn An" && first[0]["location"] as? String == "12 Hàng Bạc, Hà Nội, Miền Bắc")

        // How visit 2 went, on the customer's file.
        #expect(try cordial("visits", "outcome", "2", "done", "--notes", "Khách muốn nâng hạng", "--by", "Bình", "--db", db).status == 0)
        // Moves: one line and exit 1 when refused, nothing changed.
        let monday = Self.nextMonday()
        for (arguments, error) in [
            (["4", "--day", "2026-04-03"], "2026-04-03 has passed: a visit moves to today or later"),
            (["4", "--day", monday.day, "--at", "11:30"], "11:30-12:30 on \(monday.day) is outside Ngô Thanh Bình's working hours"),
            (["4", "--staff", "S-2"], "Phạm Hoa does not hold the role account-manager the visit needs"),
            (["4", "--staff", "S-3", "--day", monday.day], "Sophie Davies does not cover the customer's city or region (London)"),
            (["4", "--day", monday.day, "--at", "23:30"], "a visit of 60 minutes from 23:30 ends after midnight"),
        ] {
            let refused = try RunCommandTests.cordial(["visits", "move"] + arguments + ["--db", db])
            #expect(refused.status == 1 && refused.standardError == "Error: \(error)\n", "\(arguments): \(refused.standardError)")
        }
        #expect(try cordial("visits", "move", "1", "--day", monday.day, "--at", "14:00", "--note", "khách bận", "--by", "Bình", "--db", db).status == 0)
        let clash = try cordial("visits", "move", "4", "--day", monday.day, "--at", "14:30", "--db", db)
        #expect(clash.status == 1 && clash.standardError == "Error: staff 1 has another visit then\n", "\(clash.standardError)")
        #expect(try cordial("visits", "cancel", "4", "--note", "customer travelling", "--db", db).status == 0)
        let closed = try cordial("visits", "outcome", "4", "done", "--db", db)
        #expect(closed.status == 1 && closed.standardError == "Error: visit 4 is cancelled, not scheduled\n")
        let early = try cordial("visits", "outcome", "1", "done", "--db", db)
        #expect(early.status == 1 && early.standardError == "Error: visit 1 has not begun: its outcome is recorded after it\n")

        // Exported again: the same UIDs; the moved one later, the done one with its notes, the
        // cancelled one marked so, each with a higher sequence.
        #expect(try cordial("staff", "calendar", "S-1", "--from", "2026-04-01", "--to", "2027-12-31", "-o", ics, "--db", db).status == 0)
        let second = try parsed(ics)
        #expect(Set(second.compactMap { $0["uid"] as? String }) == Set(first.compactMap { $0["uid"] as? String }))
        func event(_ index: Int) throws -> [String: Any] { try #require(second.first { $0["uid"] as? String == first[index]["uid"] as? String }) }
        #expect(try event(0)["start"] as? String == monday.start && event(0)["sequence"] as? Int == 1 && event(0)["status"] as? String == "CONFIRMED")
        #expect(try event(1)["sequence"] as? Int == 1 && event(1)["status"] as? String == "CONFIRMED")
        #expect(try event(2)["status"] as? String == "CANCELLED" && event(2)["sequence"] as? Int == 1)
        let shown = try cordial("visits", "show", "2", "--db", db).standardOutput
        #expect(shown.hasPrefix("visit 2: done\n") && shown.contains("Khách muốn nâng hạng"))
        #expect(try cordial("visits", "show", "1", "--db", db).standardOutput.contains("rescheduled"))
    }

    /// A visit moved to another member of staff is cancelled in the first one's calendar (so
    /// their calendar program drops it); leave given over a booked visit names the visit.
    @Test func aVisitMovedAwayIsDroppedFromTheFirstCalendar() throws {
        let db = stores.path(), plugins = folder.appendingPathComponent("plugins").path
        #expect(try cordial("init", "--db", db).status == 0)
        let customers = try file("customers.csv", "external_id,given_name,family_name,city,locale,tier\nC1,Văn An,Nguyễn,Hà Nội,vi,gold\n")
        #expect(try cordial("import", "customers", customers, "--source", "crm", "--db", db).status == 0)
        let staff = try file("staff.csv", """
            staff_id,name,role,areas,hours,time_zone
            S-1,Ngô Thanh Bình,account-manager,Hà Nội,mon-fri 08:00-17:00,Asia/Ho_Chi_Minh
            S-2,Lê Văn Hùng,account-manager,Hà Nội,mon-fri 08:00-17:00,Asia/Ho_Chi_Minh

            """)
        #expect(try cordial("staff", "import", staff, "--db", db).status == 0)
        #expect(try cordial("segments", "run", "--as-of", "2026-03-20", "--db", db, "--plugins", plugins).status == 0)
        // The next quarter's first day: the policy's occasion, ahead of today.
        var quarter = CalendarDays.day(of: Date()) + 1
        while !CalendarDays.text(ofDay: quarter).hasSuffix("-01-01") && !CalendarDays.text(ofDay: quarter).hasSuffix("-04-01")
            && !CalendarDays.text(ofDay: quarter).hasSuffix("-07-01") && !CalendarDays.text(ofDay: quarter).hasSuffix("-10-01") { quarter += 1 }
        let first = CalendarDays.text(ofDay: quarter)
        #expect(try cordial("campaigns", "plan", "spring-visits", "--from", first, "--to", first, "--db", db, "--plugins", plugins).status == 0)
        #expect(try cordial("campaigns", "apply", "1", "--db", db, "--plugins", plugins).status == 0)
        let booked = try cordial("visits", "list", "--json", "--db", db).standardOutput
        let monday = try #require((try JSONSerialization.jsonObject(with: Data(booked.utf8)) as? [[String: Any]])?.first?["day"] as? String)
        #expect(try cordial("visits", "show", "1", "--db", db).standardOutput.contains("Ngô Thanh Bình"))

        // Leave over the booked visit: imported, and the visit named.
        let away = try file("away.csv", """
            staff_id,name,role,areas,hours,time_zone,absences
            S-1,Ngô Thanh Bình,account-manager,Hà Nội,mon-fri 08:00-17:00,Asia/Ho_Chi_Minh,\(monday)..\(monday)

            """)
        let leave = try cordial("staff", "import", away, "--db", db)
        #expect(leave.status == 0 && leave.standardError.contains("warning: Ngô Thanh Bình is away on \(monday), when they have visit 1"), "\(leave.standardError)")

        let ics = folder.appendingPathComponent("binh.ics").path
        #expect(try cordial("staff", "calendar", "S-1", "--from", monday, "-o", ics, "--db", db).status == 0)
        let before = try parsed(ics)
        #expect(before.count == 1 && before[0]["status"] as? String == "CONFIRMED")
        #expect(try cordial("visits", "move", "1", "--staff", "S-2", "--db", db).status == 0)
        #expect(try cordial("staff", "calendar", "S-1", "--from", monday, "-o", ics, "--db", db).status == 0)
        let after = try parsed(ics)
        #expect(after.count == 1 && after[0]["uid"] as? String == before[0]["uid"] as? String)
        #expect(after[0]["status"] as? String == "CANCELLED" && after[0]["sequence"] as? Int == 1 && after[0]["start"] as? String == before[0]["start"] as? String)
        let hung = folder.appendingPathComponent("hung.ics").path
        #expect(try cordial("staff", "calendar", "S-2", "--from", monday, "-o", hung, "--db", db).status == 0)
        let taken = try parsed(hung)
        #expect(taken.count == 1 && taken[0]["uid"] as? String == before[0]["uid"] as? String && taken[0]["status"] as? String == "CONFIRMED")
    }
}
