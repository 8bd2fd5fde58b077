import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// Shared segment runs on PostgreSQL: processes on any number of machines claim parts with
/// `FOR UPDATE SKIP LOCKED` (a claim never waits for another), leases run on the server's
/// clock, and merges take turns on the job's row.
extension PostgresStore {
    public func openSegmentJob(_ request: SegmentJobRequest) async throws -> SegmentJob {
        try await transaction { connection in
            let names = SegmentJob.key(of: request.segments)
            // Processes opening the same shared run at once take turns, so they get one job.
            try await connection.query("SELECT pg_advisory_xact_lock(73062013, hashtext(\(names)))")
            if let open = try await openJob(named: names, on: connection) { return open }
            // Runs of overlapping segment sets take turns too, and one that shares a segment is refused.
            try await connection.query("SELECT pg_advisory_xact_lock(73062014)")
            let wanted = Set(request.segments.map(\.name))
            for row in try await rows("SELECT id, segment_names FROM segment_job WHERE merged_at IS NULL", on: connection) {
                let (job, other) = try row.decode((Int64, String).self)
                if !wanted.isDisjoint(with: other.split(separator: " ").map(String.init)) {
                    throw StoreError.segmentJobOverlaps(job: job, segments: other)
                }
            }
            let largest: Int64 = (try await value(Int64?.self, "SELECT max(id) FROM customer", on: connection) ?? nil) ?? 0
            let parts = SegmentJob.parts(largestID: largest, partSize: request.partSize)
            let opened = PostgresTime.stored(Date()), at = PostgresTime.stored(request.at)
            guard let job = try await value(Int64.self, """
                INSERT INTO segment_job (segment_names, segments, at, part_size, parts, opened_at)
                VALUES (\(names), \(SegmentJob.json(request.segments)), \(at), \(request.partSize), \(parts), \(opened)) RETURNING id
                """, on: connection) else { throw PostgresFailure(server: location.server, reason: "a shared run was not recorded") }
            try await connection.query("INSERT INTO segment_job_part (job_id, part) SELECT \(job), generate_series(0, \(parts) - 1)")
            guard let created = try await openJob(named: names, on: connection) else {
                throw PostgresFailure(server: location.server, reason: "a shared run was not recorded")
            }
            return created
        }
    }

    private func openJob(named names: String, on connection: PostgresSession) async throws -> SegmentJob? {
        for try await (id, segments, at, partSize, parts) in try await connection.query("""
            SELECT id, segments, at, part_size, parts FROM segment_job WHERE segment_names = \(names) AND merged_at IS NULL
            """).decode((Int64, String, Date, Int64, Int).self) {
            return SegmentJob(id: id, segments: try SegmentJob.decode([SegmentJob.Segment].self, segments), at: at, partSize: partSize, parts: parts)
        }
        return nil
    }

    public func claimSegmentPart(of job: SegmentJob, worker: String, lease: TimeInterval) async throws -> SegmentJobPart? {
        try await withConnection { connection in
            let part = try await value(Int.self, """
                UPDATE segment_job_part SET worker = \(worker), lease_until = clock_timestamp() + make_interval(secs => \(lease))
                WHERE id = (
                    SELECT id FROM segment_job_part
                    WHERE job_id = \(job.id) AND done_at IS NULL AND (lease_until IS NULL OR lease_until < clock_timestamp())
                    ORDER BY part LIMIT 1 FOR UPDATE SKIP LOCKED)
                RETURNING part
                """, on: connection)
            return part.map { SegmentJobPart(job: job.id, number: $0, range: job.range(ofPart: $0)) }
        }
    }

    public func renewSegmentPart(_ part: SegmentJobPart, worker: String, lease: TimeInterval) async throws -> Bool {
        try await withConnection { connection in
            try await value(Int64.self, """
                UPDATE segment_job_part SET lease_until = clock_timestamp() + make_interval(secs => \(lease))
                WHERE job_id = \(part.job) AND part = \(part.number) AND worker = \(worker) AND done_at IS NULL RETURNING id
                """, on: connection) != nil
        }
    }

    public func finishSegmentPart(_ part: SegmentJobPart, worker: String, results: [String: SegmentPartResult]) async throws {
        try await transaction { connection in
            // The row lock keeps another worker from claiming the part while it is finished.
            guard let id = try await value(Int64.self, """
                SELECT id FROM segment_job_part
                WHERE job_id = \(part.job) AND part = \(part.number) AND worker = \(worker) AND done_at IS NULL FOR UPDATE
                """, on: connection) else { throw StoreError.segmentPartLost(job: part.job, part: part.number) }
            var rows = CopyRows()
            for (segment, result) in results.sorted(by: { $0.key < $1.key }) where result.failure == nil {
                for (customer, label) in zip(result.customers, result.labels) {
                    rows.integer(customer.rawValue)
                    rows.integer(part.job)
                    rows.text(segment)
                    rows.text(label)
                    rows.endRow()
                }
            }
            if rows.count > 0 {
                try await connection.copy(rows.buffer, into: "segment_job_label", columns: ["customer_id", "job_id", "segment", "label"])
            }
            let summaries = results.mapValues { SegmentPartSummary(classified: $0.classified, failure: $0.failure) }
            try await connection.query("""
                UPDATE segment_job_part SET done_at = \(PostgresTime.stored(Date())), results = \(SegmentJob.json(summaries)) WHERE id = \(id)
                """)
        }
    }

    public func segmentJobProgress(_ job: SegmentJob) async throws -> SegmentJobProgress {
        try await withConnection { connection in
            for try await (done, held, merged) in try await connection.query("""
                SELECT count(done_at)::integer, count(*) FILTER (WHERE done_at IS NULL AND lease_until >= clock_timestamp())::integer,
                       (SELECT merged_at IS NOT NULL FROM segment_job WHERE id = \(job.id))
                FROM segment_job_part WHERE job_id = \(job.id)
                """).decode((Int, Int, Bool?).self) {
                return SegmentJobProgress(parts: job.parts, done: done, held: held, merged: merged ?? false)
            }
            return SegmentJobProgress(parts: job.parts, done: 0, held: 0, merged: false)
        }
    }

    public func mergeSegmentJob(_ job: SegmentJob) async throws -> [String: SegmentJobOutcome] {
        for segment in job.segments {
            try await transaction { connection in try await merge(segment, of: job, on: connection) }
        }
        return try await transaction { connection in
            try await connection.query("UPDATE segment_job SET merged_at = \(PostgresTime.stored(Date())) WHERE id = \(job.id) AND merged_at IS NULL")
            var outcomes: [String: SegmentJobOutcome] = [:]
            for try await (segment, outcome) in try await connection.query("""
                SELECT segment, outcome FROM segment_job_result WHERE job_id = \(job.id)
                """).decode((String, String).self) {
                outcomes[segment] = try SegmentJob.decode(SegmentJobOutcome.self, outcome)
            }
            return outcomes
        }
    }

    /// One segment of a merge, in the caller's transaction; nothing when it was merged before.
    private func merge(_ segment: SegmentJob.Segment, of job: SegmentJob, on connection: PostgresSession) async throws {
        // Mergers of one job take turns on its row.
        try await connection.query("SELECT id FROM segment_job WHERE id = \(job.id) FOR UPDATE")
        guard try await value(Int64.self, """
            SELECT id FROM segment_job_result WHERE job_id = \(job.id) AND segment = \(segment.name)
            """, on: connection) == nil else { return }
        let parts = try await rows("SELECT done_at IS NOT NULL, results FROM segment_job_part WHERE job_id = \(job.id) ORDER BY part", on: connection)
            .map { row in try row.decode((Bool, String?).self) }
        let (classified, failure) = try job.summary(of: segment.name, parts: parts.map { (done: $0.0, results: $0.1) })
        var outcome: SegmentJobOutcome
        if let failure {
            outcome = .failed(failure)
        } else {
            // The staged labels in customer order, a page at a time (collected: see pagedScan).
            var customers: [CustomerID] = []
            var labels: [String?] = []
            var after: Int64 = 0
            while true {
                let page = try await rows("""
                    SELECT l.customer_id, l.label FROM segment_job_label l
                    JOIN customer c ON c.id = l.customer_id AND c.forgotten_at IS NULL
                    WHERE l.job_id = \(job.id) AND l.segment = \(segment.name) AND l.customer_id > \(after)
                    ORDER BY l.customer_id LIMIT 50000
                    """, on: connection)
                for row in page {
                    let (customer, label) = try row.decode((Int64, String).self)
                    customers.append(CustomerID(customer))
                    labels.append(label)
                    after = customer
                }
                if page.count < 50_000 { break }
            }
            do {
                outcome = .materialized(try await materialize(SegmentOutcome(
                    segment: segment.name, plugin: segment.plugin, pluginVersion: segment.pluginVersion, at: job.at,
                    customers: customers, labels: labels, classified: classified), on: connection))
            } catch let refusal as StoreError {
                outcome = SegmentJobOutcome(refusal: refusal)  // refused before anything was written
            }
        }
        try await connection.query("""
            INSERT INTO segment_job_result (job_id, segment, outcome) VALUES (\(job.id), \(segment.name), \(SegmentJob.json(outcome)))
            """)
        try await connection.query("DELETE FROM segment_job_label WHERE job_id = \(job.id) AND segment = \(segment.name)")
    }
}
