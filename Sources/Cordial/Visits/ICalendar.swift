import Foundation

/// One event of a calendar file: a visit as a member of staff's calendar program shows it.
public struct CalendarEvent: Sendable, Hashable {
    /// Stable for the life of the visit: a re-export with the same UID updates the event in
    /// the calendar program instead of adding a second one.
    public var uid: String
    /// Raised each time the visit is moved or cancelled, so programs take the newer version.
    public var sequence: Int
    public var start: Date
    public var end: Date
    public var summary: String
    public var location: String?
    public var details: String?
    public var cancelled: Bool
    public var lastModified: Date

    public init(
        uid: String, sequence: Int = 0, start: Date, end: Date, summary: String, location: String? = nil, details: String? = nil,
        cancelled: Bool = false, lastModified: Date
    ) {
        self.uid = uid
        self.sequence = sequence
        self.start = start
        self.end = end
        self.summary = summary
        self.location = location
        self.details = details
        self.cancelled = cancelled
        self.lastModified = lastModified
    }
}

/// iCalendar files (RFC 5545) of events: CRLF lines folded at 75 octets (never inside a UTF-8
/// sequence), text escaped, times in UTC (every calendar program shows them in its own zone).
public enum ICalendar {
    public static func document(named name: String, events: [CalendarEvent], stamp: Date) -> String {
        var lines = [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Cordial//Visits//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:" + text(name),
        ]
        for event in events {
            lines += [
                "BEGIN:VEVENT",
                "UID:" + text(event.uid),
                "DTSTAMP:" + time(stamp),
                "DTSTART:" + time(event.start),
                "DTEND:" + time(event.end),
                "SEQUENCE:\(event.sequence)",
                "SUMMARY:" + text(event.summary),
            ]
            if let location = event.location { lines.append("LOCATION:" + text(location)) }
            if let details = event.details { lines.append("DESCRIPTION:" + text(details)) }
            lines.append("STATUS:" + (event.cancelled ? "CANCELLED" : "CONFIRMED"))
            lines.append("LAST-MODIFIED:" + time(event.lastModified))
            lines.append("END:VEVENT")
        }
        lines.append("END:VCALENDAR")
        return lines.map(fold).joined()
    }

    /// `20250303T013000Z`.
    static func time(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .gmt
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d%02d%02dT%02d%02d%02dZ", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
    }

    /// A TEXT value: backslashes, semicolons and commas escaped, line breaks as `\n`, other
    /// control characters dropped.
    static func text(_ value: String) -> String {
        var out = ""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case ";": out += "\\;"
            case ",": out += "\\,"
            case "\n": out += "\\n"
            case "\r": continue
            default:
                if scalar.properties.generalCategory == .control { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A content line as it is written: at most 75 octets a line, continued lines starting
    /// with a space, each ended by CRLF.
    static func fold(_ line: String) -> String {
        var out = ""
        var width = 0
        var limit = 75
        for character in line {
            let size = character.utf8.count
            if width + size > limit {
                out += "\r\n "
                width = 0
                limit = 74  // the leading space counts
            }
            out.append(character)
            width += size
        }
        return out + "\r\n"
    }
}
