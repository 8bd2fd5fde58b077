import CordialCore
import CordialStore
import Foundation
import GRDB
import GRDBSQLite

/// Reads customers straight from SQLite's C API, column by column: a full scan turns a
/// million rows into ``Customer`` values, and GRDB's `Row` with `JSONDecoder` for the list
/// columns cost eighteen times what `sqlite3` takes to print them. Reads
/// ``CustomerRowReader/columns`` in that order.
enum CustomerRowReader {
    /// `id` then ``CustomerRow/columns``.
    static let columns = "id, " + CustomerRow.columns.joined(separator: ", ")

    struct Corrupt: Error, CustomStringConvertible {
        var column: String
        var description: String { "customer column '\(column)' holds a value this version cannot read" }
    }

    /// The customer with store id `id`, if any.
    static func customer(_ id: CustomerID, in db: Database) throws -> Customer? {
        try customers(db, sql: "SELECT \(columns) FROM customer WHERE id = ?", arguments: [id.rawValue]).first
    }

    /// Every customer `sql` selects (it must select ``columns``).
    static func customers(_ db: Database, sql: String, arguments: [any DatabaseValueConvertible]) throws -> [Customer] {
        let rows = try SQLiteRows(db, cachedSQL: sql, arguments: StatementArguments(arguments))
        defer { rows.reset() }
        var customers: [Customer] = []
        while try rows.next() { customers.append(try customer(rows)) }
        return customers
    }

    private static func customer(_ rows: SQLiteRows) throws -> Customer {
        let bytes = rows.bytes, text = rows.text
        func strings(_ column: Int32) throws -> [String] {
            guard let bytes = bytes(column) else { return [] }
            do { return try JSONTextParser.strings(bytes) } catch { throw Corrupt(column: CustomerRow.columns[Int(column) - 1]) }
        }
        func address(_ column: Int32) throws -> Address? {
            guard let bytes = bytes(column) else { return nil }
            var address = Address()
            do {
                try JSONTextParser.object(bytes) { key, parser in
                    switch key {
                    case "lines": address.lines = try parser.stringList()
                    case "city": address.city = try parser.string()
                    case "region": address.region = try parser.string()
                    case "postalCode": address.postalCode = try parser.string()
                    case "country": address.country = try parser.string()
                    default: _ = try parser.anyValue()
                    }
                }
            } catch { throw Corrupt(column: "address") }
            return address
        }
        func attributes(_ column: Int32) throws -> [String: JSONValue] {
            guard let bytes = bytes(column), !(bytes.count == 2 && bytes[0] == UInt8(ascii: "{")) else { return [:] }
            var attributes: [String: JSONValue] = [:]
            do {
                try JSONTextParser.object(bytes) { key, parser in attributes[key] = try parser.anyValue() }
            } catch { throw Corrupt(column: "attributes") }
            return attributes
        }
        func date(_ column: Int32) throws -> Date {
            guard let bytes = bytes(column), let date = storedDate(bytes) else { throw Corrupt(column: CustomerRow.columns[Int(column) - 1]) }
            return date
        }
        // Column numbers: 0 id, then CustomerRow.columns from 1.
        return Customer(
            id: CustomerID(rows.integer(0)), source: text(1) ?? "", externalID: text(2) ?? "",
            name: PersonName(given: text(3) ?? "", family: text(4) ?? ""), honorific: text(5),
            emails: try strings(6), phones: try strings(7), address: try address(8),
            birthday: bytes(11).flatMap(birthday), locale: text(13) ?? "en", tier: text(14), tags: try strings(15),
            attributes: try attributes(16), createdAt: try date(17), updatedAt: try date(18),
            version: Int(rows.integer(19)))
    }

    /// "1990-02-28" or "--02-28".
    private static func birthday(_ bytes: UnsafeBufferPointer<UInt8>) -> Birthday? {
        switch bytes.count {
        case 10:
            guard let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]) else { return nil }
            return Birthday(year: year, month: month, day: day)
        case 7:
            guard let month = number(bytes[2..<4]), let day = number(bytes[5..<7]) else { return nil }
            return Birthday(year: nil, month: month, day: day)
        default:
            return nil
        }
    }

    private static func number(_ digits: some Collection<UInt8>) -> Int? {
        guard !digits.isEmpty else { return nil }
        var value = 0
        for byte in digits {
            guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
            value = value * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return value
    }

    /// GRDB's storage format, "2024-01-01 12:30:00.000" (UTC), read without a formatter;
    /// anything else through GRDB.
    static func storedDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        if bytes.count == 23, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: " "),
           bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."),
           let year = number(bytes[0..<4]), let month = number(bytes[5..<7]), let day = number(bytes[8..<10]),
           let hour = number(bytes[11..<13]), let minute = number(bytes[14..<16]), let second = number(bytes[17..<19]),
           let millisecond = number(bytes[20..<23]) {
            let seconds = CalendarDays.since1970(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
            return Date(timeIntervalSince1970: Double(seconds) + Double(millisecond) / 1_000)
        }
        return Date.fromDatabaseValue(String(decoding: bytes, as: UTF8.self).databaseValue)
    }
}
