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

    typealias Corrupt = StoredCustomerText.Corrupt

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
            return try StoredCustomerText.strings(bytes, column: CustomerRow.columns[Int(column) - 1])
        }
        func date(_ column: Int32) throws -> Date {
            guard let bytes = bytes(column), let date = storedDate(bytes) else { throw Corrupt(column: CustomerRow.columns[Int(column) - 1]) }
            return date
        }
        // Column numbers: 0 id, then CustomerRow.columns from 1.
        return Customer(
            id: CustomerID(rows.integer(0)), source: text(1) ?? "", externalID: text(2) ?? "",
            name: PersonName(given: text(3) ?? "", family: text(4) ?? ""), honorific: text(5),
            emails: try strings(6), phones: try strings(7), address: try bytes(8).map(StoredCustomerText.address),
            birthday: bytes(11).flatMap(StoredCustomerText.birthday), locale: text(13) ?? "en", tier: text(14), tags: try strings(15),
            attributes: try bytes(16).map(StoredCustomerText.attributes) ?? [:], createdAt: try date(17), updatedAt: try date(18),
            version: Int(rows.integer(19)))
    }

    /// GRDB's storage format, "2024-01-01 12:30:00.000" (UTC), read without a formatter;
    /// anything else through GRDB.
    static func storedDate(_ bytes: UnsafeBufferPointer<UInt8>) -> Date? {
        if bytes.count == 23, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: " "),
           bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"), bytes[19] == UInt8(ascii: "."),
           let year = StoredCustomerText.number(bytes[0..<4]), let month = StoredCustomerText.number(bytes[5..<7]), let day = StoredCustomerText.number(bytes[8..<10]),
           let hour = StoredCustomerText.number(bytes[11..<13]), let minute = StoredCustomerText.number(bytes[14..<16]), let second = StoredCustomerText.number(bytes[17..<19]),
           let millisecond = StoredCustomerText.number(bytes[20..<23]) {
            let seconds = CalendarDays.since1970(year: year, month: month, day: day) * 86_400 + hour * 3_600 + minute * 60 + second
            return Date(timeIntervalSince1970: Double(seconds) + Double(millisecond) / 1_000)
        }
        return Date.fromDatabaseValue(String(decoding: bytes, as: UTF8.self).databaseValue)
    }
}
