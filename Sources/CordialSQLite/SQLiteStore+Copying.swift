import CordialStore
import Dispatch
import GRDB

extension SQLiteStore {
    public func readingSnapshot<Result: Sendable>(_ body: (any StoredTableReader) async throws -> Result) async throws -> Result {
        // A file store reads through a snapshot (its own connection in one read transaction);
        // an in-memory store has a single connection, which nothing else writes meanwhile.
        let reader: any DatabaseReader = if let pool = writer as? DatabasePool { try pool.makeSnapshot() } else { writer }
        return try await body(SQLiteTableReader(reader: reader))
    }

    public func load(from source: any StoredBatchSource) async throws {
        try await writer.write { db in
            for table in StoredTable.all {
                let rows = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(SQLiteTables.name(table))") ?? 0
                guard rows == 0 else { throw StoreError.copyTargetNotEmpty(table: table.name, rows: rows) }
            }
            var inserts: [StoredTable: BoundStatement] = [:]
            // The source is async (another store); this is GRDB's writer thread, not a task's,
            // so it waits for each batch in place and the whole load stays one transaction.
            while let batch = try waitInPlace({ try await source.next() }) {
                if inserts[batch.table] == nil { inserts[batch.table] = try BoundStatement(db, sql: SQLiteTables.insertSQL(batch.table)) }
                for row in batch.rows {
                    for (value, column) in zip(row, batch.table.columns) {
                        switch value {
                        case .null: inserts[batch.table]!.bind(nil as String?)
                        case .integer(let integer):
                            if column.kind == .time {
                                inserts[batch.table]!.bind(StoredTime.text(milliseconds: integer))
                            } else {
                                inserts[batch.table]!.bind(integer)
                            }
                        case .real(let real): inserts[batch.table]!.bind(real)
                        case .text(let text): inserts[batch.table]!.bind(text)
                        }
                    }
                    try inserts[batch.table]!.run(db)
                }
            }
            // AUTOINCREMENT ids: SQLite moves each table's sequence past the ids inserted.
            var written: [StoredTable: TableTally] = [:]
            for table in StoredTable.all {
                var tally = TableTally()
                var last: [StoredValue]?
                while case let rows = try SQLiteTables.rows(of: table, after: last, limit: 10_000, in: db), !rows.isEmpty {
                    for row in rows { tally.add(row, of: table) }
                    last = rows.last
                }
                written[table] = tally
            }
            try waitInPlace { [written] in try await source.verify(written) }
        }
    }
}

/// Reads through a snapshot or the store's own connection.
struct SQLiteTableReader: StoredTableReader {
    let reader: any DatabaseReader

    func count(of table: StoredTable) async throws -> Int {
        try await reader.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM \(SQLiteTables.name(table))") ?? 0 }
    }

    func rows(of table: StoredTable, after last: [StoredValue]?, limit: Int) async throws -> [[StoredValue]] {
        try await reader.read { db in try SQLiteTables.rows(of: table, after: last, limit: limit, in: db) }
    }
}

/// Waits on the calling thread for `operation`. Only for threads that are not the
/// concurrency pool's (GRDB's writer queue): blocking one of those could starve the pool.
private func waitInPlace<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    let outcome = Outcome<T>()
    let done = DispatchSemaphore(value: 0)
    Task {
        do { outcome.result = .success(try await operation()) } catch { outcome.result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try outcome.result!.get()
}

/// Written once by the task before it signals, read after the wait.
private final class Outcome<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// ``StoredTable``s as SQLite keeps them: GRDB's camel-case names, times as text.
enum SQLiteTables {
    /// "segment_member" → "segmentMember".
    static func name(_ table: StoredTable) -> String { camelCase(table.name) }

    static func column(_ name: String) -> String {
        switch name {
        case "external_id": "externalID"
        case "left_count": "left"  // `left` is a keyword in PostgreSQL
        default: camelCase(name)
        }
    }

    private static func camelCase(_ name: String) -> String {
        let words = name.split(separator: "_")
        return String(words[0]) + words.dropFirst().map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
    }

    static func insertSQL(_ table: StoredTable) -> String {
        "INSERT INTO \(name(table)) (\(table.columns.map { "\"\(column($0.name))\"" }.joined(separator: ", "))) VALUES ("
            + Array(repeating: "?", count: table.columns.count).joined(separator: ", ") + ")"
    }

    /// A page in the order of the first column, every table's integer primary key. Text is
    /// read as its bytes (`CAST … AS BLOB`): SQLite's text accessor stops at a NUL character,
    /// which a value may hold.
    static func rows(of table: StoredTable, after last: [StoredValue]?, limit: Int, in db: Database) throws -> [[StoredValue]] {
        let key = column(table.columns[0].name)
        let selected = table.columns.map { column -> String in
            switch column.kind {
            case .integer, .real: "\"\(Self.column(column.name))\""
            case .text, .decimal, .json, .time: "CASE typeof(\"\(Self.column(column.name))\") WHEN 'text' THEN CAST(\"\(Self.column(column.name))\" AS BLOB) ELSE \"\(Self.column(column.name))\" END"
            }
        }
        var sql = "SELECT \(selected.joined(separator: ", ")) FROM \(name(table)) "
        var arguments: StatementArguments = []
        if case .integer(let value)? = last?.first {
            sql += "WHERE \"\(key)\" > ? "
            arguments += [value]
        }
        sql += "ORDER BY \"\(key)\" LIMIT ?"
        arguments += [limit]
        let cursor = try Row.fetchCursor(db, sql: sql, arguments: arguments)
        var rows: [[StoredValue]] = []
        while let row = try cursor.next() {
            var values: [StoredValue] = []
            values.reserveCapacity(table.columns.count)
            for (index, column) in table.columns.enumerated() {
                values.append(try value(row[index] as DatabaseValue, column, of: table, row: row[0] as Int64?))
            }
            rows.append(values)
        }
        return rows
    }

    private static func value(_ value: DatabaseValue, _ column: StoredTable.Column, of table: StoredTable, row: Int64?) throws -> StoredValue {
        switch (value.storage, column.kind) {
        case (.null, _): return .null
        case (.int64(let integer), .integer): return .integer(integer)
        case (.int64(let integer), .real): return .real(Double(integer))
        case (.double(let real), .real): return .real(real)
        case (.blob(let bytes), .text), (.blob(let bytes), .decimal), (.blob(let bytes), .json):
            if let text = String(validating: bytes, as: UTF8.self) { return .text(text) }
        case (.blob(let bytes), .time):
            if let text = String(validating: bytes, as: UTF8.self), let milliseconds = StoredTime.milliseconds(text) { return .integer(milliseconds) }
        default: break
        }
        throw StoreError.copyUnreadableValue(table: table.name, column: column.name, row: row)
    }
}
