import Foundation
import GRDB

/// Inserts rows through `insert` ("INSERT INTO t (…) VALUES ") with `rowSQL` ("(?, ?)") per
/// row, `chunk` rows per statement: for the bulk writes of a run or a fit (a million rows),
/// where a statement per row costs twice as much. Rows are held until a chunk is full;
/// ``flush(in:bind:)`` writes the rest one by one. Its statements are prepared once, so a
/// writer that adds rows batch by batch pays for them once.
struct ChunkedInsert<Row> {
    private var many: BoundStatement
    private var one: BoundStatement
    private let chunk: Int
    private var pending: [Row] = []

    /// `suffix` follows the rows (an `ON CONFLICT` clause).
    init(_ db: Database, insert: String, rowSQL: String, chunk: Int, suffix: String = "") throws {
        many = try BoundStatement(db, sql: insert + Array(repeating: rowSQL, count: chunk).joined(separator: ", ") + suffix)
        one = try BoundStatement(db, sql: insert + rowSQL + suffix)
        self.chunk = chunk
        pending.reserveCapacity(chunk)
    }

    /// Adds a row, writing a chunk when it is full; `bind` binds one row's values.
    mutating func add(_ row: Row, in db: Database, bind: (inout BoundStatement, Row) -> Void) throws {
        pending.append(row)
        guard pending.count == chunk else { return }
        for row in pending { bind(&many, row) }
        pending.removeAll(keepingCapacity: true)
        try many.run(db)
    }

    /// Writes the rows held back.
    mutating func flush(in db: Database, bind: (inout BoundStatement, Row) -> Void) throws {
        for row in pending {
            bind(&one, row)
            try one.run(db)
        }
        pending.removeAll(keepingCapacity: true)
    }
}
