import CordialCore
import Foundation
import GRDB
import GRDBSQLite

/// Steps a GRDB statement through SQLite's C API, for reads of every customer where GRDB's
/// `Row` would cost more than SQLite's own work.
struct SQLiteRows {
    let handle: OpaquePointer
    private let statement: Statement
    private let db: Database

    init(_ db: Database, sql: String, arguments: StatementArguments = StatementArguments()) throws {
        self.db = db
        statement = try db.makeStatement(sql: sql)
        try statement.setArguments(arguments)
        handle = statement.sqliteStatement
    }

    /// Moves to the next row; false at the end.
    func next() throws -> Bool {
        let code = sqlite3_step(handle)
        if code == SQLITE_ROW { return true }
        if code == SQLITE_DONE { return false }
        throw DatabaseError(
            resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
            sql: statement.sql)
    }

    func integer(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }
    func double(_ column: Int32) -> Double { sqlite3_column_double(handle, column) }
    func isNull(_ column: Int32) -> Bool { sqlite3_column_type(handle, column) == SQLITE_NULL }

    func bytes(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
        guard let text = sqlite3_column_text(handle, column) else { return nil }
        return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(handle, column)))
    }

    func text(_ column: Int32) -> String? {
        bytes(column).map { String(decoding: $0, as: UTF8.self) }
    }

    /// A JSON array of strings.
    func strings(_ column: Int32) throws -> [String] {
        guard let bytes = bytes(column), bytes.count > 2 else { return [] }
        return try JSONTextParser.strings(bytes)
    }

    /// A JSON object.
    func object(_ column: Int32) throws -> [String: JSONValue] {
        guard let bytes = bytes(column), bytes.count > 2 else { return [:] }
        var object: [String: JSONValue] = [:]
        try JSONTextParser.object(bytes) { key, parser in object[key] = try parser.anyValue() }
        return object
    }

    /// Days since 1970 of a stored date ("2024-01-01 12:30:00.000", UTC).
    func day(_ column: Int32) -> Int? {
        guard let bytes = bytes(column), bytes.count >= 10 else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for index in range {
                let digit = Int(bytes[index]) - 48
                guard (0...9).contains(digit) else { return nil }
                value = value * 10 + digit
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        return CalendarDays.since1970(year: year, month: month, day: day)
    }
}
