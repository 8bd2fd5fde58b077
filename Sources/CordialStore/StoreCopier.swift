/// `cordial store copy`: moves an organisation from one store to another (SQLite to
/// PostgreSQL and back, or a file to a new file) and proves the copy.
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
            var total = 0
            for table in StoredTable.all { total += try await reader.count(of: table) }
            let batches = SnapshotBatches(reader: reader, batchSize: batchSize, total: total, progress: progress)
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
                    for row in rows { tally.add(row) }
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
    private let total: Int
    private let progress: (@Sendable (Int, Int) -> Void)?
    private var tableIndex = 0
    private var last: [StoredValue]?
    private var copied = 0
    private var tallies: [StoredTable: TableTally] = [:]

    init(reader: any StoredTableReader, batchSize: Int, total: Int, progress: (@Sendable (Int, Int) -> Void)?) {
        self.reader = reader
        self.batchSize = batchSize
        self.total = total
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
                tableIndex += 1
                last = nil
                continue
            }
            var tally = tallies[table] ?? TableTally()
            for row in rows { tally.add(row) }
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
