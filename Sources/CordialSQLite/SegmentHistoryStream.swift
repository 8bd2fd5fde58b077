import CordialCore
import CordialStore
import Foundation
import GRDB
import GRDBSQLite

/// Writes segment runs inside one write transaction while their customers are still being
/// classified: each batch's labels are merged with the current members of the same
/// customer range and its entries and exits are written at once, so that a run's history
/// costs no time after its last batch. What ``SQLiteStore/materialize(_:labels:)`` does on
/// a store file.
///
/// A segment the feed reports failed is undone in the same transaction (its entries
/// deleted, its exits reopened, its run record deleted): as ``SQLiteStore/materialize(_:)``,
/// a failed segment writes nothing, and the run's other segments are still written.
struct SegmentHistoryStream {
    private struct Segment {
        var header: SegmentRunHeader
        var run: Int64
        var stamp: String
        var merge = MembershipMerge()
        var entries: SegmentEntryInsert
    }

    private let db: Database
    /// The segments being written, in the order of the runs asked for.
    private var writing: [Segment] = []
    private var refused: [String: StoreError] = [:]
    private var classified = 0
    /// The last customer of the batches merged so far: the next range starts after it.
    private var lastCustomer: Int64 = .min

    private var currentMembers: BoundStatement
    private var leave: BoundStatement
    /// Checks each run (the plugin that owns the segment, no backdating) and records the
    /// ones allowed, in `db`'s transaction.
    init(_ db: Database, runs: [SegmentRunHeader]) throws {
        self.db = db
        currentMembers = try BoundStatement(db, sql: """
            SELECT id, customerId, label FROM segmentMember INDEXED BY segmentMember_current
            WHERE segment = ? AND leftAt IS NULL AND customerId > ? AND customerId <= ? ORDER BY customerId
            """)
        leave = try BoundStatement(db, sql: "UPDATE segmentMember SET leftAt = ?, leftRun = ? WHERE id = ?")
        for header in runs {
            do {
                try SQLiteStore.checkSegmentRun(header.segment, plugin: header.plugin, at: header.at, in: db)
            } catch let refusal as StoreError {
                refused[header.segment] = refusal
                continue
            }
            let stamp = CustomerRow.storedText(header.at)
            let run = try SQLiteStore.insertSegmentRun(header, in: db)
            writing.append(Segment(
                header: header, run: run, stamp: stamp, entries: try SegmentEntryInsert(db, segment: header.segment, stamp: stamp, run: run)))
        }
    }

    /// Writes every batch of `feed` as it comes, then the exits of members no longer
    /// classified, and the runs' counts. Returns the written and refused segments.
    mutating func write(_ feed: any SegmentLabelFeed) throws -> [String: Result<SegmentRunSummary, StoreError>] {
        while let batch = try feed.nextBatch() {
            // A segment the feed gave no labels for is not written either.
            let unlabelled = writing.map(\.header.segment).filter { batch.labels[$0]?.count != batch.customers.count }
            try undo(batch.failed.union(unlabelled))
            guard let last = batch.customers.last else { continue }
            for index in writing.indices {
                try merge(index, customers: batch.customers, labels: batch.labels[writing[index].header.segment] ?? [], through: last.rawValue)
            }
            classified += batch.customers.count
            lastCustomer = last.rawValue
        }
        try undo(feed.failedSegments)
        for index in writing.indices {
            // Members after the last customer classified (forgotten since) leave.
            try merge(index, customers: [], labels: [], through: .max)
        }
        for index in writing.indices { try writing[index].entries.flush(in: db) }
        var results: [String: Result<SegmentRunSummary, StoreError>] = refused.mapValues { .failure($0) }
        for segment in writing {
            try db.execute(
                sql: "UPDATE segmentRun SET classified = ?, entered = ?, left = ?, finishedAt = ? WHERE id = ?",
                arguments: [classified, segment.merge.entered, segment.merge.left, CustomerRow.storedText(Date()), segment.run])
            results[segment.header.segment] = .success(SegmentRunSummary(
                segment: segment.header.segment, run: segment.run, classified: classified, entered: segment.merge.entered,
                left: segment.merge.left, unchanged: segment.merge.unchanged, counts: segment.merge.counts))
        }
        return results
    }

    /// Merges one batch of a segment with its current members after the previous batch's
    /// last customer and up to `last`, and writes the entries and exits.
    private mutating func merge(_ index: Int, customers: [CustomerID], labels: [String?], through last: Int64) throws {
        let segment = writing[index]
        // The range's members are read whole before any of them is changed: an exit takes a
        // row out of the index being read.
        var members: [MembershipDiff.Member] = []
        currentMembers.bind(segment.header.segment)
        currentMembers.bind(lastCustomer)
        currentMembers.bind(last)
        try currentMembers.runReturning(db) { row in
            members.append(MembershipDiff.Member(
                row: sqlite3_column_int64(row, 0), customer: CustomerID(sqlite3_column_int64(row, 1)),
                label: sqlite3_column_text(row, 2).map { String(cString: $0) } ?? ""))
        }
        var next = members.makeIterator()
        var entering: [(customer: CustomerID, label: String)] = []
        var leaving: [Int64] = []
        writing[index].merge.merge(
            customers: customers, labels: labels, current: { next.next() },
            leave: { leaving.append($0) }, enter: { entering.append(($0, $1)) })
        for row in leaving {
            leave.bind(segment.stamp)
            leave.bind(segment.run)
            leave.bind(row)
            try leave.run(db)
        }
        for member in entering { try writing[index].entries.add(customer: member.customer.rawValue, label: member.label, in: db) }
    }

    /// Undoes what was written of `segments` (those still being written): their entries go,
    /// the stays they ended are current again, their run records go.
    private mutating func undo(_ segments: Set<String>) throws {
        // Entries still held back are dropped with the segment.
        for segment in writing where segments.contains(segment.header.segment) {
            // Entries first: a reopened stay and a new one of the same customer may not both be current.
            // The run's entries are all current (a run never ends a stay it began): through
            // the current-member index, not a read of the whole history.
            try db.execute(
                sql: "DELETE FROM segmentMember INDEXED BY segmentMember_current WHERE segment = ? AND leftAt IS NULL AND enteredRun = ?",
                arguments: [segment.header.segment, segment.run])
            try db.execute(
                sql: "UPDATE segmentMember SET leftAt = NULL, leftRun = NULL WHERE segment = ? AND leftRun = ?",
                arguments: [segment.header.segment, segment.run])
            try db.execute(sql: "DELETE FROM segmentRun WHERE id = ?", arguments: [segment.run])
        }
        writing.removeAll { segments.contains($0.header.segment) }
    }
}
