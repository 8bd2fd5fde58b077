/// The role of a store in `cordial store copy`: its tables read in one snapshot, and a load
/// of another store's rows into it in one transaction, checked before it commits.
public protocol StoreCopying: Sendable {
    /// Calls `body` with a reader of this store's tables that sees one consistent snapshot
    /// for as long as `body` runs, whatever is written meanwhile.
    func readingSnapshot<Result: Sendable>(_ body: (any StoredTableReader) async throws -> Result) async throws -> Result

    /// In one transaction: refuses (``StoreError/copyTargetNotEmpty(table:rows:)``) when any of
    /// ``StoredTable/all`` holds a row; writes every batch `source` gives, ids as they come;
    /// moves each table's id generator past the copied ids; reads every table back and hands
    /// its tally to `source.verify`, and commits only when that returns.
    func load(from source: any StoredBatchSource) async throws
}

public protocol StoredTableReader: Sendable {
    /// The rows `table` holds in the snapshot.
    func count(of table: StoredTable) async throws -> Int

    /// Up to `limit` rows of `table` (values in its ``StoredTable/columns`` order) after
    /// `last`, the last row of the previous page (nil: from the start), in an order of the
    /// backend's choosing; an empty page at the end.
    func rows(of table: StoredTable, after last: [StoredValue]?, limit: Int) async throws -> [[StoredValue]]
}

/// Where a ``StoreCopying/load(from:)`` takes its rows from, and who checks what it wrote.
public protocol StoredBatchSource: Sendable {
    /// The next batch of rows (tables in ``StoredTable/all`` order); nil when all are given.
    func next() async throws -> StoredBatch?

    /// Checks the target's tallies, read back inside its transaction; throws to roll it back.
    func verify(_ written: [StoredTable: TableTally]) async throws
}
