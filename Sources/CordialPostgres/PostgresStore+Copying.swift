import CordialStore
import PostgresNIO

extension PostgresStore {
    public func readingSnapshot<Result: Sendable>(_ body: (any StoredTableReader) async throws -> Result) async throws -> Result {
        try await transaction(isolation: "REPEATABLE READ READ ONLY") { connection in
            try await body(PostgresTableReader(store: self, connection: connection))
        }
    }

    public func load(from source: any StoredBatchSource) async throws {
        try await transaction { connection in
            for table in StoredTable.all {
                let rows = try await value(Int64.self, PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table.name)"), on: connection) ?? 0
                guard rows == 0 else { throw StoreError.copyTargetNotEmpty(table: table.name, rows: Int(rows)) }
            }
            while let batch = try await source.next() {
                var copy = CopyRows()
                for row in batch.rows {
                    for (value, column) in zip(row, batch.table.columns) {
                        switch value {
                        case .null: copy.text(nil)
                        case .integer(let integer):
                            if column.kind == .time { copy.raw(StoredTime.text(milliseconds: integer) + "+00") } else { copy.integer(integer) }
                        case .real(let real): copy.double(real)
                        case .text(let text): copy.text(text)
                        }
                    }
                    copy.endRow()
                }
                try await connection.copy(copy.buffer, into: batch.table.name, columns: batch.table.columns.map(\.name))
            }
            // Ids were copied as they were: each identity continues after the largest.
            for table in StoredTable.all where table.hasGeneratedID {
                // The next id is the largest copied one's successor (or 1): `is_called` true
                // after the largest, so that even the largest bigint cannot overflow here.
                _ = try await rows(PostgresQuery(unsafeSQL: """
                    SELECT CASE WHEN max(id) IS NULL THEN setval(pg_get_serial_sequence('\(table.name)', 'id'), 1, false)
                                ELSE setval(pg_get_serial_sequence('\(table.name)', 'id'), max(id), true) END
                    FROM \(table.name)
                    """), on: connection)
            }
            var written: [StoredTable: TableTally] = [:]
            let reader = PostgresTableReader(store: self, connection: connection)
            for table in StoredTable.all {
                var tally = TableTally()
                var last: [StoredValue]?
                while case let rows = try await reader.rows(of: table, after: last, limit: 10_000), !rows.isEmpty {
                    for row in rows { tally.add(row, of: table) }
                    last = rows.last
                }
                written[table] = tally
            }
            try await source.verify(written)
        }
    }
}

/// Reads ``StoredTable``s on one connection (inside the caller's transaction), a page at a
/// time in primary-key order: `(customer_id, id)` for a customer's rows, else the first column.
struct PostgresTableReader: StoredTableReader {
    let store: PostgresStore
    let connection: PostgresSession

    func count(of table: StoredTable) async throws -> Int {
        Int(try await store.value(Int64.self, PostgresQuery(unsafeSQL: "SELECT count(*) FROM \(table.name)"), on: connection) ?? 0)
    }

    /// The primary key's columns (positions in `table.columns`), as PostgresSchema declares it.
    static func key(of table: StoredTable) -> [Int] {
        let names = table.columns.map(\.name)
        if table.hasGeneratedID, let customer = names.firstIndex(of: "customer_id"), let id = names.firstIndex(of: "id") {
            return [customer, id]
        }
        return [0]
    }

    func rows(of table: StoredTable, after last: [StoredValue]?, limit: Int) async throws -> [[StoredValue]] {
        let key = Self.key(of: table)
        let selected = table.columns.map { column in
            switch column.kind {
            case .integer: "\(column.name)::bigint"
            case .real: column.name
            case .text: column.name
            case .decimal, .json: "\(column.name)::text"
            // The nearest millisecond: what the store writes is a millisecond, but postgres-nio
            // sends a Date as whole microseconds cut from a Double, so `.123` may arrive as
            // `.122999`; times finer than a millisecond (written by other tools) are rounded.
            case .time: "round(extract(epoch FROM \(column.name)) * 1000)::bigint"
            }
        }
        var bindings = PostgresBindings()
        var sql = "SELECT \(selected.joined(separator: ", ")) FROM \(table.name)"
        let keyColumns = key.map { table.columns[$0].name }.joined(separator: ", ")
        if let last {
            var placeholders: [String] = []
            for index in key {
                guard case .integer(let value) = last[index] else { continue }
                bindings.append(value)
                placeholders.append("$\(bindings.count)")
            }
            sql += " WHERE (\(keyColumns)) > (\(placeholders.joined(separator: ", ")))"
        }
        sql += " ORDER BY \(keyColumns) LIMIT \(limit)"
        // Collected, not streamed (see PostgresStore.pagedScan).
        let rows = try await store.rows(PostgresQuery(unsafeSQL: sql, binds: bindings), on: connection)
        return try rows.map { row in
            var cells = CellReader(row)
            return try table.columns.map { column -> StoredValue in
                switch column.kind {
                case .integer, .time: try cells.next(Int64?.self).map(StoredValue.integer) ?? .null
                case .real: try cells.next(Double?.self).map(StoredValue.real) ?? .null
                case .text, .decimal, .json: try cells.next(String?.self).map(StoredValue.text) ?? .null
                }
            }
        }
    }
}
