import Foundation

/// Calendar arithmetic without `Calendar`, for hot paths (imports, scans) where a
/// formatter or calendar per value would cost more than the rest of the row. Plugins see
/// dates as "YYYY-MM-DD" text; a day is counted from 1970-01-01 (UTC).
public enum CalendarDays {
    /// Days from 1970-01-01 to a date of the proleptic Gregorian calendar (Howard Hinnant's
    /// days_from_civil).
    public static func since1970(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// The days of the years 0000 to 9999, the dates "YYYY-MM-DD" text can hold.
    public static let writableDays = since1970(year: 0, month: 1, day: 1)...since1970(year: 9_999, month: 12, day: 31)

    /// The year, month and day of the month of a day (Howard Hinnant's civil_from_days).
    public static func civil(ofDay day: Int) -> (year: Int, month: Int, day: Int) {
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        return (yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, dayOfMonth)
    }

    /// "2024-02-29" for day 19782.
    public static func text(ofDay day: Int) -> String {
        let (year, month, dayOfMonth) = civil(ofDay: day)
        guard (0...9_999).contains(year) else { return String(format: "%04d-%02d-%02d", year, month, dayOfMonth) }
        // Ten ASCII digits and dashes written in place: a segment run formats three dates a customer.
        return String(unsafeUninitializedCapacity: 10) { buffer in
            writeDate(year: year, month: month, day: dayOfMonth, into: buffer)
            return 10
        }
    }

    /// "YYYY-MM-DD" (a year of 0 to 9999) into the first ten bytes of `buffer`.
    public static func writeDate(year: Int, month: Int, day: Int, into buffer: UnsafeMutableBufferPointer<UInt8>) {
        writeDigits(year, into: buffer, at: 0, width: 4)
        buffer[4] = UInt8(ascii: "-")
        writeDigits(month, into: buffer, at: 5, width: 2)
        buffer[7] = UInt8(ascii: "-")
        writeDigits(day, into: buffer, at: 8, width: 2)
    }

    /// `value`'s last `width` decimal digits, zero-padded, at `offset` of `buffer`.
    public static func writeDigits(_ value: Int, into buffer: UnsafeMutableBufferPointer<UInt8>, at offset: Int, width: Int) {
        var rest = value
        for position in stride(from: offset + width - 1, through: offset, by: -1) {
            buffer[position] = UInt8(48 + rest % 10)
            rest /= 10
        }
    }

    /// The day of "YYYY-MM-DD" (a valid calendar date); nil otherwise.
    public static func day(of text: String) -> Int? {
        let bytes = Array(text.utf8)
        return bytes.count == 10 ? day(ofPrefix: bytes) : nil
    }

    /// The day of the "YYYY-MM-DD" that `bytes` start with (stored times are
    /// "YYYY-MM-DD HH:MM:SS.SSS"); nil when they do not start with a valid date.
    @inlinable  // specialised in callers: scans parse three dates a customer
    public static func day(ofPrefix bytes: some RandomAccessCollection<UInt8>) -> Int? {
        guard bytes.count >= 10 else { return nil }
        let start = bytes.startIndex
        func byte(_ offset: Int) -> UInt8 { bytes[bytes.index(start, offsetBy: offset)] }
        guard byte(4) == UInt8(ascii: "-"), byte(7) == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for offset in range {
                let digit = Int(byte(offset)) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year) else { return nil }
        return CalendarDays.since1970(year: year, month: month, day: day)
    }

    @usableFromInline
    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// The UTC day `date` falls on.
    public static func day(of date: Date) -> Int {
        Int((date.timeIntervalSince1970 / 86_400).rounded(.down))
    }

    /// Midnight UTC at the start of `day`.
    public static func date(ofDay day: Int) -> Date {
        Date(timeIntervalSince1970: Double(day) * 86_400)
    }
}
