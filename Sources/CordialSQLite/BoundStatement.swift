import CordialStore
import Foundation
import GRDB
import GRDBSQLite

/// A compiled statement driven through SQLite's C API: bind, step, reset. For the import
/// hot path, where GRDB's argument arrays and checks cost more than the insert itself
/// (measured: 44 µs a customer through `StatementArguments`, SQLite's own work about 7).
/// Everything else goes through GRDB.
///
/// Bound text is gathered into one buffer and handed to SQLite without a copy per value;
/// the buffer lives until the statement has run.
struct BoundStatement {
    private let statement: Statement
    private var handle: OpaquePointer { statement.sqliteStatement }
    private enum Parameter {
        case null
        case integer(Int64)
        case real(Double)
        /// A range of ``text``.
        case text(offset: Int, count: Int)
        /// Bytes the caller keeps alive until the statement has run.
        case borrowed(UnsafePointer<CChar>, count: Int32)
    }
    private var parameters: [Parameter] = []
    /// Starts with one byte, so that an empty value has an address (empty is not NULL).
    private var text: [UInt8] = [0]

    init(_ db: Database, sql: String) throws {
        statement = try db.makeStatement(sql: sql)
    }

    /// Binds the next parameter.
    mutating func bind(_ value: String?) {
        guard let value else { return parameters.append(.null) }
        let offset = text.count
        text.append(contentsOf: value.utf8)
        parameters.append(.text(offset: offset, count: text.count - offset))
    }

    /// Binds value `index` of `texts`, whose bytes are `buffer` (`texts.bytes`, held by the
    /// caller until the statement has run): no copy.
    mutating func bind(_ index: Int, of texts: StoredTexts, in buffer: UnsafeBufferPointer<UInt8>) {
        assert(buffer.count == texts.bytes.count, "buffer is not texts.bytes")
        let span = texts.spans[index]
        guard span.count >= 0 else { return parameters.append(.null) }
        let start = UnsafeRawPointer(buffer.baseAddress! + span.offset).assumingMemoryBound(to: CChar.self)
        parameters.append(.borrowed(start, count: Int32(span.count)))
    }

    mutating func bind(_ integer: Int64) {
        parameters.append(.integer(integer))
    }

    mutating func bind(_ integer: Int) { bind(Int64(integer)) }

    /// A non-finite value (a model that did not converge for this row) is stored as NULL.
    mutating func bind(_ real: Double) {
        parameters.append(real.isFinite ? .real(real) : .null)
    }

    /// Runs the statement with the bound parameters, handing the first column of each row
    /// it returns (for RETURNING) to `row`, then resets it for the next use.
    mutating func run(_ db: Database, row: (Int64) -> Void = { _ in }) throws {
        try runReturning(db) { handle in row(sqlite3_column_int64(handle, 0)) }
    }

    /// Runs the statement with the bound parameters, handing each row it returns (for
    /// RETURNING) to `rows` to read with `sqlite3_column_…`, then resets it for the next use.
    mutating func runReturning(_ db: Database, rows: (OpaquePointer) -> Void) throws {
        defer {
            parameters.removeAll(keepingCapacity: true)
            text.removeSubrange(1...)
        }
        try text.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            for (index, parameter) in parameters.enumerated() {
                let position = Int32(index + 1)
                switch parameter {
                case .null: sqlite3_bind_null(handle, position)
                case .integer(let integer): sqlite3_bind_int64(handle, position, integer)
                case .real(let real): sqlite3_bind_double(handle, position, real)
                // SQLITE_STATIC (nil): SQLite reads the bytes in place; they outlive the step below.
                case .text(let offset, let count): sqlite3_bind_text(handle, position, base + offset, Int32(count), nil)
                case .borrowed(let start, let count): sqlite3_bind_text(handle, position, start, count, nil)
                }
            }
            defer { sqlite3_reset(handle) }
            while true {
                let code = sqlite3_step(handle)
                switch code {
                case SQLITE_ROW: rows(handle)
                case SQLITE_DONE: return
                default:
                    throw DatabaseError(
                        resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)),
                        sql: statement.sql)
                }
            }
        }
    }
}

extension BoundStatement {
    /// Inserts `rows` through `insert` ("INSERT INTO t (…) VALUES ") with `rowSQL` ("(?, ?)")
    /// per row: `chunk` rows per statement, the rest one by one (``ChunkedInsert``).
    /// `suffix` follows the rows (an `ON CONFLICT` clause).
    static func insertAll<Row>(
        _ rows: [Row], in db: Database, insert: String, rowSQL: String, chunk: Int, suffix: String = "",
        bind: (inout BoundStatement, Row) -> Void
    ) throws {
        var inserter = try ChunkedInsert<Row>(db, insert: insert, rowSQL: rowSQL, chunk: chunk, suffix: suffix)
        for row in rows { try inserter.add(row, in: db, bind: bind) }
        try inserter.flush(in: db, bind: bind)
    }
}
