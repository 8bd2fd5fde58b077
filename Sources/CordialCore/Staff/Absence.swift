import Foundation

/// Days a member of staff is away (leave, training), first to last inclusive, as days since
/// 1970; written `2025-03-10..2025-03-14`, or one date for a single day.
public struct Absence: Sendable, Hashable, Codable, CustomStringConvertible, Comparable {
    public var first: Int
    public var last: Int

    public init(first: Int, last: Int) {
        self.first = min(first, last)
        self.last = max(first, last)
    }

    public func contains(_ day: Int) -> Bool { (first...last).contains(day) }

    public var description: String {
        first == last ? CalendarDays.text(ofDay: first) : "\(CalendarDays.text(ofDay: first))..\(CalendarDays.text(ofDay: last))"
    }

    /// `2025-03-10..2025-03-14` or `2025-04-30`; nil for anything else (or a last day before the first).
    public init?(parsing text: String) {
        let ends = text.trimmingCharacters(in: .whitespaces).components(separatedBy: "..")
        guard (1...2).contains(ends.count), let first = CalendarDays.day(of: ends[0].trimmingCharacters(in: .whitespaces)),
              let last = CalendarDays.day(of: ends.last!.trimmingCharacters(in: .whitespaces)), last >= first, last - first <= 3_660
        else { return nil }
        self.init(first: first, last: last)
    }

    public static func < (lhs: Absence, rhs: Absence) -> Bool { (lhs.first, lhs.last) < (rhs.first, rhs.last) }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let parsed = Absence(parsing: text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "'\(text.prefix(40))' is not days such as 2025-03-10..2025-03-14"))
        }
        self = parsed
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
