import Foundation

/// When a member of staff works, in the local time of their time zone: intervals of the day
/// by weekday, written the way a rota says it — `mon-fri 08:00-12:00 13:00-17:00; sat
/// 08:00-12:00` — and read back from that text.
public struct WorkingWeek: Sendable, Hashable, Codable, CustomStringConvertible {
    /// Minutes of the local day (0..<1440) by weekday (1 = Sunday … 7 = Saturday, as
    /// `Calendar` counts), sorted and disjoint.
    public let days: [Int: [Range<Int>]]

    public init(days: [Int: [Range<Int>]]) {
        self.days = days.filter { !$0.value.isEmpty }.mapValues { $0.sorted { $0.lowerBound < $1.lowerBound } }
    }

    /// Monday to Friday, 08:00 to 17:00: a week for staff whose hours were not given.
    public static let office = WorkingWeek(days: Dictionary(uniqueKeysWithValues: (2...6).map { ($0, [480..<1_020]) }))

    /// Why `text` is not a week, naming the part that is wrong.
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// `mon-fri 08:00-12:00 13:00-17:00; sat 08:00-12:00`.
    public init(parsing text: String) throws(Problem) {
        var days: [Int: [Range<Int>]] = [:]
        let parts = text.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard !parts.isEmpty else { throw Problem(description: "no working days (such as \"mon-fri 08:00-17:00\")") }
        for part in parts {
            let words = part.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let first = words.first, let weekdays = OrganisationHours.weekdays(first) else {
                throw Problem(description: "'\(part.prefix(40))' does not start with a day or days (mon, mon-fri, sat-sun)")
            }
            guard words.count > 1 else { throw Problem(description: "'\(part.prefix(40))' gives no hours (08:00-17:00)") }
            var intervals: [Range<Int>] = []
            for word in words.dropFirst() {
                guard let interval = OrganisationHours.interval(word) else { throw Problem(description: "'\(word.prefix(20))' is not hours such as 08:00-12:00") }
                intervals.append(interval)
            }
            intervals.sort { $0.lowerBound < $1.lowerBound }
            for (earlier, later) in zip(intervals, intervals.dropFirst()) where earlier.upperBound > later.lowerBound {
                throw Problem(description: "'\(part.prefix(40))': hours overlap")
            }
            for day in weekdays {
                guard days[day] == nil else { throw Problem(description: "'\(first)': a day is given twice") }
                days[day] = intervals
            }
        }
        self.init(days: days)
    }

    /// The canonical text: days Monday first, equal days run together (`mon-fri …; sat …`).
    public var description: String {
        let names = [1: "sun", 2: "mon", 3: "tue", 4: "wed", 5: "thu", 6: "fri", 7: "sat"]
        let order = [2, 3, 4, 5, 6, 7, 1]
        var parts: [String] = []
        var index = 0
        while index < order.count {
            guard let hours = days[order[index]] else {
                index += 1
                continue
            }
            var end = index
            while end + 1 < order.count, days[order[end + 1]] == hours { end += 1 }
            let span = end == index ? names[order[index]]! : "\(names[order[index]]!)-\(names[order[end]]!)"
            parts.append(span + " " + hours.map { Self.clock($0.lowerBound) + "-" + Self.clock($0.upperBound) }.joined(separator: " "))
            index = end + 1
        }
        return parts.joined(separator: "; ")
    }

    /// Minutes worked on `weekday` (1 = Sunday).
    public func minutes(on weekday: Int) -> Int {
        (days[weekday] ?? []).reduce(0) { $0 + $1.count }
    }

    static func clock(_ minute: Int) -> String {
        String(format: "%02d:%02d", minute / 60, minute % 60)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        do {
            try self.init(parsing: text)
        } catch {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: error.description))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
