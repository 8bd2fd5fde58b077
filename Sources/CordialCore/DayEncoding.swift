import Foundation

/// Days since 1970 in JSON: numbers in what the store keeps (a plan's visit, a value fit's
/// details), ISO dates (`2025-02-01`) in what people and programs read (`--json`, the HTTP
/// API), which set ``CodingUserInfoKey/daysAsDates``. The key stays the same (`from_day`).
extension CodingUserInfoKey {
    public static let daysAsDates = CodingUserInfoKey(rawValue: "cordial.daysAsDates")!
}

extension Encoder {
    /// True when days are to be written as ISO dates (see ``CodingUserInfoKey/daysAsDates``).
    public var writesDaysAsDates: Bool { userInfo[.daysAsDates] as? Bool == true }
}

extension KeyedEncodingContainer {
    /// Writes a day since 1970 as an ISO date or as the number, as `encoder` asks.
    public mutating func encodeDay(_ day: Int?, forKey key: Key, in encoder: any Encoder) throws {
        guard let day else { return }
        if encoder.writesDaysAsDates {
            try encode(CalendarDays.text(ofDay: day), forKey: key)
        } else {
            try encode(day, forKey: key)
        }
    }
}
