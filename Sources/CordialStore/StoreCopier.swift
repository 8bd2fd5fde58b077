/// `cordial store copy`: moves an organisation from one store to another (SQLite to
/// PostgreSQL and back, or a file to a new file) and proves the copy: every table's rows
/// read out of the source are as many as it counts, and the target, read back, holds the
/// same rows (``TableTally``).
///
/// ```swift
/// let tallies = try await StoreCopier.copy(from: sqlite, to: postgres)
/// ```
///
/// The source is read in one snapshot (writers may go on meanwhile; the copy is the store as
/// it was when the copy began). The target is written in one transaction, which first
/// refuses a target holding any row, then reads every table back and commits only when each
/// table's row count and checksum (``TableTally``) equal what was read out of the source: a
/// failed or refused copy leaves the target as it was.
public enum StoreCopier {
    /// Copies every ``StoredTable`` of `source` into the empty `target`; returns each table's
    /// tally, the same on both sides. `progress` gets the rows copied so far and the total.
    @discardableResult
    public static func copy(
        from source: any Store, to target: any Store, batchSize: Int = 5_000,
        progress: (@Sendable (_ copied: Int, _ total: Int) -> Void)? = nil
    ) async throws -> [TableReport] {
        try await source.readingSnapshot { reader in
            var counts: [StoredTable: Int] = [:]
            for table in StoredTable.all { counts[table] = try await reader.count(of: table) }
            let batches = SnapshotBatches(reader: reader, batchSize: batchSize, counts: counts, progress: progress)
            try await target.load(from: batches)
            return await batches.reports
        }
    }

    /// Each table's tally of `store`, read in one snapshot: what `cordial store check`
    /// prints, so two stores can be compared table by table.
    public static func tally(of store: any Store, batchSize: Int = 10_000) async throws -> [TableReport] {
        try await store.readingSnapshot { reader in
            var reports: [TableReport] = []
            for table in StoredTable.all {
                var tally = TableTally()
                var last: [StoredValue]?
                while case let rows = try await reader.rows(of: table, after: last, limit: batchSize), !rows.isEmpty {
                    for row in rows { tally.add(row, of: table) }
                    last = rows.last
                }
                reports.append(TableReport(table: table.name, tally: tally))
            }
            return reports
        }
    }

    /// One table's rows and checksum.
    public struct TableReport: Sendable, Hashable {
        public let table: String
        public let tally: TableTally
    }
}

/// The source side of a copy: pages of the snapshot, table by table in ``StoredTable/all``
/// order, tallied as they go out; `verify` compares the target's tallies with them.
private actor SnapshotBatches: StoredBatchSource {
    private let reader: any StoredTableReader
    private let batchSize: Int
    private let counts: [StoredTable: Int]
    private let total: Int
    private let progress: (@Sendable (Int, Int) -> Void)?
    private var tableIndex = 0
    private var last: [StoredValue]?
    private var copied = 0
    private var tallies: [StoredTable: TableTally] = [:]

    init(reader: any StoredTableReader, batchSize: Int, counts: [StoredTable: Int], progress: (@Sendable (Int, Int) -> Void)?) {
        self.reader = reader
        self.batchSize = batchSize
        self.counts = counts
        self.total = counts.values.reduce(0, +)
        self.progress = progress
    }

    var reports: [StoreCopier.TableReport] {
        StoredTable.all.map { StoreCopier.TableReport(table: $0.name, tally: tallies[$0] ?? TableTally()) }
    }

    func next() async throws -> StoredBatch? {
        while tableIndex < StoredTable.all.count {
            let table = StoredTable.all[tableIndex]
            let rows = try await reader.rows(of: table, after: last, limit: batchSize)
            if rows.isEmpty {
                // The pages must hold every row the snapshot counts: a reader that skipped
                // rows would otherwise copy, and check, less than the store holds.
                let read = tallies[table]?.rows ?? 0
                guard read == counts[table] ?? 0 else { throw StoreError.copyRowsMissed(table: table.name, counted: counts[table] ?? 0, read: read) }
                tableIndex += 1
                last = nil
                continue
            }
            var tally = tallies[table] ?? TableTally()
            for row in rows { tally.add(row, of: table) }
            tallies[table] = tally
            last = rows.last
            copied += rows.count
            progress?(copied, total)
            return StoredBatch(table: table, rows: rows)
        }
        return nil
    }

    func verify(_ written: [StoredTable: TableTally]) async throws {
        for table in StoredTable.all {
            let read = tallies[table] ?? TableTally()
            let back = written[table] ?? TableTally()
            guard read == back else { throw StoreError.copyMismatch(table: table.name, read: read, written: back) }
        }
    }
}
