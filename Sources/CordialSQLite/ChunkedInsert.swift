import Foundation
import GRDB

/// Inserts rows through `insert` ("INSERT INTO t (…) VALUES ") with one row's SQL ("(?, ?)")
/// per row, `chunk` rows per statement: for the bulk writes of a run or a fit (a million rows),
/// where a statement per row costs twice as much. Rows are held until a chunk is full;
/// ``flush(in:shared:bind:)`` writes the rest one by one. Its statements are prepared once, so
/// a writer that adds rows batch by batch pays for them once.
///
/// Values every row of a statement shares (a segment, a date) can be bound once per statement
/// by `shared`, before the rows, with row SQL that numbers its parameters after them.
struct ChunkedInsert<Row> {
    private var many: BoundStatement
    private var one: BoundStatement
    private let chunk: Int
    private var pending: [Row] = []

    /// `rowSQL(n)` is the SQL of a statement's row `n` (from 0); `suffix` follows the rows (an
    /// `ON CONFLICT` clause).
    init(_ db: Database, insert: String, rowSQL: (Int) -> String, chunk: Int, suffix: String = "") throws {
        many = try BoundStatement(db, sql: insert + (0..<chunk).map(rowSQL).joined(separator: ", ") + suffix)
        one = try BoundStatement(db, sql: insert + rowSQL(0) + suffix)
        self.chunk = chunk
        pending.reserveCapacity(chunk)
    }

    /// Every row the same SQL, its parameters positional.
    init(_ db: Database, insert: String, rowSQL: String, chunk: Int, suffix: String = "") throws {
        try self.init(db, insert: insert, rowSQL: { _ in rowSQL }, chunk: chunk, suffix: suffix)
    }

    /// Adds a row, writing a chunk when it is full; `shared` binds the statement's shared
    /// values, `bind` one row's.
    mutating func add(
        _ row: Row, in db: Database, shared: (inout BoundStatement) -> Void = { _ in }, bind: (inout BoundStatement, Row) -> Void
    ) throws {
        pending.append(row)
        guard pending.count == chunk else { return }
        shared(&many)
        for row in pending { bind(&many, row) }
        pending.removeAll(keepingCapacity: true)
        try many.run(db)
    }

    /// Writes the rows held back.
    mutating func flush(in db: Database, shared: (inout BoundStatement) -> Void = { _ in }, bind: (inout BoundStatement, Row) -> Void) throws {
        for row in pending {
            shared(&one)
            bind(&one, row)
            try one.run(db)
        }
        pending.removeAll(keepingCapacity: true)
    }
}
