import Foundation
import GRDB

/// The entries of one segment's run (stays that begin with it), written `chunk` rows per
/// statement. The segment, the date and the run are bound once per statement and only each
/// row's customer and label per row: a first run over a million customers inserts a
/// million rows, and binding and copying the same three values each time was a fifth of it.
struct SegmentEntryInsert {
    private static let chunk = 128
    private var many: BoundStatement
    private var one: BoundStatement
    private let segment: String
    private let stamp: String
    private let run: Int64
    private var pending: [(customer: Int64, label: String)] = []

    init(_ db: Database, segment: String, stamp: String, run: Int64) throws {
        // ?1 segment, ?2 date, ?3 run; then each row's customer and label.
        func rows(_ count: Int) -> String {
            (0..<count).map { "(?1, ?\(4 + 2 * $0), ?\(5 + 2 * $0), ?2, ?3)" }.joined(separator: ", ")
        }
        let insert = "INSERT INTO segmentMember (segment, customerId, label, enteredAt, enteredRun) VALUES "
        many = try BoundStatement(db, sql: insert + rows(Self.chunk))
        one = try BoundStatement(db, sql: insert + rows(1))
        self.segment = segment
        self.stamp = stamp
        self.run = run
        pending.reserveCapacity(Self.chunk)
    }

    /// Adds an entry, writing a chunk when it is full.
    mutating func add(customer: Int64, label: String, in db: Database) throws {
        pending.append((customer, label))
        guard pending.count == Self.chunk else { return }
        try write(pending[...], with: &many, in: db)
        pending.removeAll(keepingCapacity: true)
    }

    /// Writes the entries held back, one statement each.
    mutating func flush(in db: Database) throws {
        for index in pending.indices { try write(pending[index...index], with: &one, in: db) }
        pending.removeAll(keepingCapacity: true)
    }

    private func write(_ rows: ArraySlice<(customer: Int64, label: String)>, with statement: inout BoundStatement, in db: Database) throws {
        statement.bind(segment)
        statement.bind(stamp)
        statement.bind(run)
        for row in rows {
            statement.bind(row.customer)
            statement.bind(row.label)
        }
        try statement.run(db)
    }
}
