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

    @Test func staffMoveCancelAndCloseVisitsAndTheirCalendarFollows() throws {
        let db = stores.path(), plugins = folder.appendingPathComponent("plugins").path
        #expect(try cordial("init", "--db", db).status == 0)
        let customers = try file("customers.csv", """
            external_id,given_name,family_name,address,city,region,locale,tier
            C1,Văn An,Nguyễn,12 Hàng Bạc,Hà Nội,Miền Bắc,vi,gold
            C2,Thị Mai,Trần,5 Lý Thường Kiệt,Hà Nội,Miền Bắc,vi,gold
            C3,Emily,Carter,1 High Street,London,England,en,gold

            """)
        #expect(try cordial("import", "customers", customers, "--source", "crm", "--db", db).status == 0)
        let staff = try file("staff.csv", """
            staff_id,name,role,areas,hours,visits_per_day,time_zone
            S-1,Ngô Thanh Bình,account-manager,Hà Nội,mon-fri 08:00-12:00 13:00-17:00,2,Asia/Ho_Chi_Minh
            S-2,Phạm Hoa,agent,Hà Nội,mon-fri 08:00-17:00,,Asia/Ho_Chi_Minh

            """)
        #expect(try cordial("staff", "import", staff, "--db", db).status == 0)
        #expect(try cordial("segments", "run", "--as-of", "2026-03-20", "--db", db, "--plugins", plugins).status == 0)
        let plan = try cordial("campaigns", "plan", "spring-visits", "--from", "2026-04-01", "--to", "2026-04-01", "--db", db, "--plugins", plugins)
        #expect(plan.status == 0, "\(plan.standardError)")
        // London has no account manager: held back in the plan with the reason.
        #expect(plan.standardOutput.contains("visit not scheduled: no staff with the role in the customer's area"))
        #expect(plan.standardOutput.contains("staff 1, 08:00-09:00") && plan.standardOutput.contains("staff 1, 09:30-10:30"))
        #expect(try cordial("campaigns", "apply", "1", "--db", db, "--plugins", plugins).status == 0)

        let listed = try cordial("visits", "list", "--staff", "S-1", "--json", "--db", db)
        let visits = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
        #expect(visits.map { "\($0["day"]!) \($0["start"]!)-\($0["end"]!) \($0["status"]!)" } == [
            "2026-04-01 08:00-09:00 scheduled", "2026-04-01 09:30-10:30 scheduled",
        ])
        #expect(visits.allSatisfy { $0["action_key"] as? String != nil && $0["updated_at"] as? String != nil })

        let ics = folder.appendingPathComponent("binh.ics").path
        #expect(try cordial("staff", "calendar", "S-1", "--from", "2026-04-01", "--to", "2026-06-30", "-o", ics, "--db", db).status == 0)
        let first = try parsed(ics)
        #expect(first.count == 2)
        #expect(first.map { $0["start"] as? String } == ["2026-04-01T01:00:00+00:00", "2026-04-01T02:30:00+00:00"], "08:00 in Hà Nội is 01:00 UTC")
        #expect(first.allSatisfy { ($0["uid"] as? String)?.hasPrefix("spring-visits/quarter:2026-Q2/") == true && $0["sequence"] as? Int == 0 })
        #expect(first[0]["summary"] as? String == "Visit: Nguyễn Văn An" && first[0]["location"] as? String == "12 Hàng Bạc, Hà Nội, Miền Bắc")

        // Moved out of the visitor's hours: one line, exit 1, nothing changed; an agent does not visit.
        let lunch = try cordial("visits", "move", "1", "--at", "11:30", "--db", db)
        #expect(lunch.status == 1 && lunch.standardError == "Error: 11:30-12:30 on 2026-04-01 is outside Ngô Thanh Bình's working hours\n")
        let agent = try cordial("visits", "move", "1", "--staff", "S-2", "--db", db)
        #expect(agent.status == 1 && agent.standardError == "Error: Phạm Hoa does not hold the role account-manager the visit needs\n")
        let clash = try cordial("visits", "move", "1", "--at", "09:00", "--db", db)
        #expect(clash.status == 1 && clash.standardError == "Error: visit: staff 1 has another visit then\n")
        #expect(try cordial("visits", "move", "1", "--day", "2026-04-02", "--at", "14:00", "--note", "khách bận", "--by", "Bình", "--db", db).status == 0)
        #expect(try cordial("visits", "cancel", "2", "--note", "customer travelling", "--db", db).status == 0)
        let closed = try cordial("visits", "outcome", "2", "done", "--db", db)
        #expect(closed.status == 1 && closed.standardError == "Error: visit: visit 2 is cancelled, not scheduled\n")

        // Exported again: the same UIDs, the moved one later with a higher sequence, the
        // cancelled one marked cancelled.
        #expect(try cordial("staff", "calendar", "S-1", "--from", "2026-04-01", "--to", "2026-06-30", "-o", ics, "--db", db).status == 0)
        let second = try parsed(ics)
        #expect(Set(second.compactMap { $0["uid"] as? String }) == Set(first.compactMap { $0["uid"] as? String }))
        let moved = try #require(second.first { $0["uid"] as? String == first[0]["uid"] as? String })
        #expect(moved["start"] as? String == "2026-04-02T07:00:00+00:00" && moved["sequence"] as? Int == 1 && moved["status"] as? String == "CONFIRMED")
        let cancelled = try #require(second.first { $0["uid"] as? String == first[1]["uid"] as? String })
        #expect(cancelled["status"] as? String == "CANCELLED" && cancelled["sequence"] as? Int == 1)

        // How it went, on the customer's file.
        #expect(try cordial("visits", "outcome", "1", "done", "--notes", "Khách muốn nâng hạng", "--by", "Bình", "--db", db).status == 0)
        let shown = try cordial("visits", "show", "1", "--db", db).standardOutput
        #expect(shown.hasPrefix("visit 1: done\n") && shown.contains("rescheduled") && shown.contains("khách bận") && shown.contains("Khách muốn nâng hạng"))
    }
}
