import CordialCore
import CordialStore
import Foundation
import GRDB

/// Shared segment runs on SQLite: several processes on one machine share the file; GRDB's
/// writes are `BEGIN IMMEDIATE` transactions with a busy timeout, so claims, finished parts
/// and merges take turns.
extension SQLiteStore {
    public func openSegmentJob(_ request: SegmentJobRequest) async throws -> SegmentJob {
        try await writer.write { db in
            let names = SegmentJob.key(of: request.segments)
            if let open = try Self.openJob(named: names, in: db) { return open }
            let wanted = Set(request.segments.map(\.name))
            for row in try Row.fetchAll(db, sql: "SELECT id, segmentNames FROM segmentJob WHERE mergedAt IS NULL") {
                let other: String = row[1]
                if !wanted.isDisjoint(with: other.split(separator: " ").map(String.init)) {
                    throw StoreError.segmentJobOverlaps(job: row[0], segments: other)
                }
            }
            let largest = try Int64.fetchOne(db, sql: "SELECT max(id) FROM customer") ?? 0
            let parts = SegmentJob.parts(largestID: largest, partSize: request.partSize)
            try db.execute(
                sql: "INSERT INTO segmentJob (segmentNames, segments, at, partSize, parts, openedAt) VALUES (?, ?, ?, ?, ?, ?)",
                arguments: [names, SegmentJob.json(request.segments), CustomerRow.storedText(request.at), request.partSize, parts,
                            CustomerRow.storedText(Date())])
            let job = db.lastInsertedRowID
            try BoundStatement.insertAll(
                Array(0..<parts), in: db, insert: "INSERT INTO segmentJobPart (jobId, part) VALUES ", rowSQL: "(?, ?)", chunk: 64
            ) { statement, part in
                statement.bind(job)
                statement.bind(Int64(part))
            }
            guard let opened = try Self.openJob(named: names, in: db) else { throw StoreError.segmentJobUnfinished(job: job, done: 0, parts: parts) }
            return opened
        }
    }

    private static func openJob(named names: String, in db: Database) throws -> SegmentJob? {
        guard let row = try Row.fetchOne(db, sql: """
            SELECT id, segments, at, partSize, parts FROM segmentJob WHERE segmentNames = ? AND mergedAt IS NULL
            """, arguments: [names]) else { return nil }
        return SegmentJob(
            id: row[0], segments: try SegmentJob.decode([SegmentJob.Segment].self, row[1]), at: row[2], partSize: row[3], parts: row[4])
    }

    public func claimSegmentPart(of job: SegmentJob, worker: String, lease: TimeInterval) async throws -> SegmentJobPart? {
        try await writer.write { db in
            let now = Date()
            guard let row = try Row.fetchOne(db, sql: """
                SELECT id, part FROM segmentJobPart
                WHERE jobId = ? AND doneAt IS NULL AND (leaseUntil IS NULL OR leaseUntil < ?) ORDER BY part LIMIT 1
                """, arguments: [job.id, CustomerRow.storedText(now)]) else { return nil }
            let id: Int64 = row[0], number: Int = row[1]
            try db.execute(
                sql: "UPDATE segmentJobPart SET worker = ?, leaseUntil = ? WHERE id = ?",
                arguments: [worker, CustomerRow.storedText(now + lease), id])
            return SegmentJobPart(job: job.id, number: number, range: job.range(ofPart: number))
        }
    }

    public func renewSegmentPart(_ part: SegmentJobPart, worker: String, lease: TimeInterval) async throws -> Bool {
        try await writer.write { db in
            try db.execute(
                sql: "UPDATE segmentJobPart SET leaseUntil = ? WHERE jobId = ? AND part = ? AND worker = ? AND doneAt IS NULL",
                arguments: [CustomerRow.storedText(Date() + lease), part.job, part.number, worker])
            return db.changesCount > 0
        }
    }

    public func finishSegmentPart(_ part: SegmentJobPart, worker: String, results: [String: SegmentPartResult]) async throws {
        try await writer.write { db in
            guard let id = try Int64.fetchOne(db, sql: """
                SELECT id FROM segmentJobPart WHERE jobId = ? AND part = ? AND worker = ? AND doneAt IS NULL
                """, arguments: [part.job, part.number, worker]) else {
                throw StoreError.segmentPartLost(job: part.job, part: part.number)
            }
            for (segment, result) in results.sorted(by: { $0.key < $1.key }) where result.failure == nil {
                try BoundStatement.insertAll(
                    Array(zip(result.customers, result.labels)), in: db,
                    insert: "INSERT INTO segmentJobLabel (customerId, jobId, segment, label) VALUES ", rowSQL: "(?, ?, ?, ?)", chunk: 64
                ) { statement, member in
                    statement.bind(member.0.rawValue)
                    statement.bind(part.job)
                    statement.bind(segment)
                    statement.bind(member.1)
                }
            }
            let summaries = results.mapValues { SegmentPartSummary(classified: $0.classified, failure: $0.failure) }
            try db.execute(
                sql: "UPDATE segmentJobPart SET doneAt = ?, results = ? WHERE id = ?",
                arguments: [CustomerRow.storedText(Date()), SegmentJob.json(summaries), id])
        }
    }

    public func segmentJobProgress(_ job: SegmentJob) async throws -> SegmentJobProgress {
        try await writer.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT count(*), count(doneAt), coalesce(sum(doneAt IS NULL AND leaseUntil >= ?), 0),
                       (SELECT mergedAt IS NOT NULL FROM segmentJob WHERE id = ?)
                FROM segmentJobPart WHERE jobId = ?
                """, arguments: [CustomerRow.storedText(Date()), job.id, job.id])
            return SegmentJobProgress(parts: job.parts, done: row?[1] ?? 0, held: row?[2] ?? 0, merged: row?[3] ?? false)
        }
    }

    public func mergeSegmentJob(_ job: SegmentJob) async throws -> [String: SegmentJobOutcome] {
        for segment in job.segments {
            try await writer.write { db in try Self.merge(segment, of: job, in: db) }
        }
        return try await writer.write { db in
            try db.execute(sql: "UPDATE segmentJob SET mergedAt = ? WHERE id = ? AND mergedAt IS NULL", arguments: [CustomerRow.storedText(Date()), job.id])
            var outcomes: [String: SegmentJobOutcome] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT segment, outcome FROM segmentJobResult WHERE jobId = ?", arguments: [job.id]) {
                outcomes[row[0]] = try SegmentJob.decode(SegmentJobOutcome.self, row[1])
            }
            return outcomes
        }
    }

    /// One segment of a merge, in the caller's transaction; nothing when it was merged before.
    private static func merge(_ segment: SegmentJob.Segment, of job: SegmentJob, in db: Database) throws {
        guard try Int64.fetchOne(
            db, sql: "SELECT id FROM segmentJobResult WHERE jobId = ? AND segment = ?", arguments: [job.id, segment.name]) == nil
        else { return }
        let parts = try Row.fetchAll(db, sql: "SELECT doneAt IS NOT NULL, results FROM segmentJobPart WHERE jobId = ? ORDER BY part", arguments: [job.id])
        let (classified, failure) = try job.summary(of: segment.name, parts: parts.map { (done: $0[0], results: $0[1]) })
        var outcome: SegmentJobOutcome
        if let failure {
            outcome = .failed(failure)
        } else {
            var customers: [CustomerID] = []
            var labels: [String?] = []
            let staged = try SQLiteRows(db, sql: """
                SELECT l.customerId, l.label FROM segmentJobLabel l INDEXED BY segmentJobLabel_job
                JOIN customer c ON c.id = l.customerId AND c.forgottenAt IS NULL
                WHERE l.jobId = ? AND l.segment = ? ORDER BY l.customerId
                """, arguments: [job.id, segment.name])
            while try staged.next() {
                customers.append(CustomerID(staged.integer(0)))
                labels.append(staged.text(1))
            }
            do {
                outcome = .materialized(try materialize(SegmentOutcome(
                    segment: segment.name, plugin: segment.plugin, pluginVersion: segment.pluginVersion, at: job.at,
                    customers: customers, labels: labels, classified: classified), in: db))
            } catch let refusal as StoreError {
                outcome = SegmentJobOutcome(refusal: refusal)  // refused before anything was written
            }
        }
        try db.execute(
            sql: "INSERT INTO segmentJobResult (jobId, segment, outcome) VALUES (?, ?, ?)",
            arguments: [job.id, segment.name, SegmentJob.json(outcome)])
        try db.execute(sql: "DELETE FROM segmentJobLabel WHERE jobId = ? AND segment = ?", arguments: [job.id, segment.name])
    }
}
