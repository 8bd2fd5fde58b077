import Cordial
import Foundation
import Testing

/// Calendar files as a calendar program reads them: Python's `icalendar` parses what
/// `ICalendar` writes — folded lines, escaped text in Vietnamese and Chinese, UTC times, stable
/// UIDs and sequences — and gives back every value as written.
struct ICalendarTests {
    static let at = Date(timeIntervalSince1970: 1_741_000_000)

    static func events() -> [CalendarEvent] {
        [
            CalendarEvent(
                uid: "visit-1f3a@cordial", sequence: 0, start: at, end: at + 5_400, summary: "Thăm khách hàng: Phan Thị Mai",
                location: "262 Hàng Bạc, Hà Nội",
                details: "Chăm sóc quý 2; khách hàng hạng vàng, thích trà.\nGọi trước 30 phút, hỏi về chuyến bay, hành lý; cảm ơn.\\ "
                    + String(repeating: "Lời nhắn dài để gập dòng. ", count: 8),
                lastModified: at - 86_400),
            CalendarEvent(
                uid: "visit-2b7c@cordial", sequence: 2, start: at + 86_400, end: at + 86_400 + 3_600, summary: "拜访客户：王芳", location: "上海 南京路 12号",
                cancelled: true, lastModified: at),
        ]
    }

    @Test func aRealParserReadsBackEveryValue() throws {
        let text = ICalendar.document(named: "Visits — Ngô Thanh Bình", events: Self.events(), stamp: Self.at)
        // The form: CRLF lines of at most 75 octets, continued lines starting with a space.
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.last == "" && !text.replacingOccurrences(of: "\r\n", with: "").contains("\n"))
        #expect(lines.allSatisfy { $0.utf8.count <= 75 }, "folded")
        #expect(lines.contains { $0.hasPrefix(" ") }, "the long description was folded")
        #expect(text.contains("DTSTART:20250303T110640Z"))

        let python = try #require(
            ProcessInfo.processInfo.environment["CORDIAL_TEST_SMTP_PYTHON"],
            "CORDIAL_TEST_SMTP_PYTHON is not set: run `make test`, or `export CORDIAL_TEST_SMTP_PYTHON=$(scripts/test-smtp-python)`")
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("visits-\(UUID().uuidString).ics")
        try Data(text.utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let reader = """
            import json, sys, icalendar
            calendar = icalendar.Calendar.from_ical(open(sys.argv[1], 'rb').read())
            out = {"name": str(calendar.get("X-WR-CALNAME")), "events": []}
            for event in calendar.walk("VEVENT"):
                out["events"].append({
                    "uid": str(event.get("UID")), "sequence": int(event.get("SEQUENCE")),
                    "start": event.decoded("DTSTART").timestamp(), "end": event.decoded("DTEND").timestamp(),
                    "summary": str(event.get("SUMMARY")), "location": str(event.get("LOCATION")),
                    "description": str(event.get("DESCRIPTION")) if event.get("DESCRIPTION") is not None else None,
                    "status": str(event.get("STATUS")),
                })
            print(json.dumps(out, ensure_ascii=False))
            """
        let outcome = try RunCommandTests.run(URL(fileURLWithPath: python), ["-c", reader, file.path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let read = try #require(try JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8)) as? [String: Any])
        #expect(read["name"] as? String == "Visits — Ngô Thanh Bình")
        let events = try #require(read["events"] as? [[String: Any]])
        #expect(events.count == 2)
        for (parsed, written) in zip(events, Self.events()) {
            #expect(parsed["uid"] as? String == written.uid)
            #expect(parsed["sequence"] as? Int == written.sequence)
            #expect(parsed["start"] as? Double == written.start.timeIntervalSince1970)
            #expect(parsed["end"] as? Double == written.end.timeIntervalSince1970)
            #expect(parsed["summary"] as? String == written.summary)
            #expect(parsed["location"] as? String == written.location)
            #expect(parsed["description"] as? String == written.details, "escaped and folded, read back whole")
            #expect(parsed["status"] as? String == (written.cancelled ? "CANCELLED" : "CONFIRMED"))
        }
        // The same visits written again: the same UIDs, so a calendar updates instead of doubling.
        #expect(ICalendar.document(named: "Visits — Ngô Thanh Bình", events: Self.events(), stamp: Self.at) == text)
    }
}
