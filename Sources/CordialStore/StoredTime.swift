import CordialCore
import Foundation

/// Instants as both backends keep them: whole milliseconds since 1970, written
/// "YYYY-MM-DD HH:MM:SS.SSS" in UTC (GRDB's format for dates in SQLite; PostgreSQL's
/// `timestamptz` input with "+00" after it).
public enum StoredTime {
    /// "2024-01-01 12:30:00.123" for `milliseconds` since 1970.
    public static func text(milliseconds: Int64) -> String {
        let (days, inDay) = milliseconds.quotientAndRemainder(dividingBy: 86_400_000)
        let (day, millisecond) = inDay < 0 ? (days - 1, inDay + 86_400_000) : (days, inDay)
        let (year, month, dayOfMonth) = CalendarDays.civil(ofDay: Int(day))
        guard (0...9_999).contains(year) else {
            let seconds = millisecond / 1_000
            return CalendarDays.text(ofDay: Int(day))
                + String(format: " %02d:%02d:%02d.%03d", seconds / 3_600, seconds / 60 % 60, seconds % 60, millisecond % 1_000)
        }
        // Written in place: an import writes one a purchase, millions of them.
        return String(unsafeUninitializedCapacity: 23) { buffer in
            let inDay = Int(millisecond)
            CalendarDays.writeDate(year: year, month: month, day: dayOfMonth, into: buffer)
            buffer[10] = UInt8(ascii: " ")
            CalendarDays.writeDigits(inDay / 3_600_000, into: buffer, at: 11, width: 2)
            buffer[13] = UInt8(ascii: ":")
            CalendarDays.writeDigits(inDay / 60_000 % 60, into: buffer, at: 14, width: 2)
            buffer[16] = UInt8(ascii: ":")
            CalendarDays.writeDigits(inDay / 1_000 % 60, into: buffer, at: 17, width: 2)
            buffer[19] = UInt8(ascii: ".")
            CalendarDays.writeDigits(inDay % 1_000, into: buffer, at: 20, width: 3)
            return 23
        }
    }

    /// The stored text of `date`, its millisecond cut as GRDB and the PostgreSQL import cut it.
    public static func text(of date: Date) -> String {
        text(milliseconds: Int64((date.timeIntervalSince1970 * 1_000).rounded(.down)))
    }

    /// The milliseconds of "YYYY-MM-DD HH:MM", "…:SS" or "…:SS.SSS" (a space or a "T"
    /// between date and time, as GRDB reads them); nil for any other text.
    public static func milliseconds(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        guard bytes.count == 16 || bytes.count == 19 || bytes.count == 23, let day = CalendarDays.day(ofPrefix: bytes),
              bytes[10] == UInt8(ascii: " ") || bytes[10] == UInt8(ascii: "T"), bytes[13] == UInt8(ascii: ":")
        else { return nil }
        func number(_ range: Range<Int>) -> Int64? {
            var value: Int64 = 0
            for index in range {
                let digit = Int64(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let hour = number(11..<13), hour < 24, let minute = number(14..<16), minute < 60 else { return nil }
        var second: Int64 = 0
        var millisecond: Int64 = 0
        if bytes.count >= 19 {
            guard bytes[16] == UInt8(ascii: ":"), let value = number(17..<19), value < 60 else { return nil }
            second = value
        }
        if bytes.count == 23 {
            guard bytes[19] == UInt8(ascii: "."), let value = number(20..<23) else { return nil }
            millisecond = value
        }
        return ((Int64(day) * 24 + hour) * 60 + minute) * 60_000 + second * 1_000 + millisecond
    }
}
