import Foundation
import GRDB

/// The entries of one segment's run (stays that begin with it), written 128 rows per
/// statement. The segment, the date and the run are bound once per statement and only each
/// row's customer and label per row: a first run over a million customers inserts a
/// million rows, and binding and copying the same three values each time was a fifth of it.
struct SegmentEntryInsert {
    private var rows: ChunkedInsert<(customer: Int64, label: String)>
    private let segment: String
    private let stamp: String
    private let run: Int64

    init(_ db: Database, segment: String, stamp: String, run: Int64) throws {
        // ?1 segment, ?2 date, ?3 run; then each row's customer and label.
        rows = try ChunkedInsert(
            db, insert: "INSERT INTO segmentMember (segment, customerId, label, enteredAt, enteredRun) VALUES ",
            rowSQL: { "(?1, ?\(4 + 2 * $0), ?\(5 + 2 * $0), ?2, ?3)" }, chunk: 128)
        self.segment = segment
        self.stamp = stamp
        self.run = run
    }

    /// Adds an entry, writing a chunk when it is full.
    mutating func add(customer: Int64, label: String, in db: Database) throws {
        try rows.add((customer, label), in: db, shared: bindShared, bind: Self.bind)
    }

    /// Writes the entries held back, one statement each.
    mutating func flush(in db: Database) throws {
        try rows.flush(in: db, shared: bindShared, bind: Self.bind)
    }

    private func bindShared(_ statement: inout BoundStatement) {
        statement.bind(segment)
        statement.bind(stamp)
        statement.bind(run)
    }

    private static func bind(_ statement: inout BoundStatement, _ row: (customer: Int64, label: String)) {
        statement.bind(row.customer)
        statement.bind(row.label)
    }
}
