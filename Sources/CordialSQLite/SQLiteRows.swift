import CordialCore
import CordialStore
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
        try self.init(db, statement: db.makeStatement(sql: sql), arguments: arguments)
    }

    /// On GRDB's cached statement for `sql` (call ``reset()`` when done, so the cache can reuse it).
    init(_ db: Database, cachedSQL sql: String, arguments: StatementArguments) throws {
        try self.init(db, statement: db.cachedStatement(sql: sql), arguments: arguments)
    }

    private init(_ db: Database, statement: Statement, arguments: StatementArguments) throws {
        self.db = db
        self.statement = statement
        try statement.setArguments(arguments)
        handle = statement.sqliteStatement
    }

    func reset() { sqlite3_reset(handle) }

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
        bytes(column).flatMap(CalendarDays.day(ofPrefix:))
    }
}
