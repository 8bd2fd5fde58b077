import PostgresNIO

/// A row's cells read one after another, for rows too wide to decode as one tuple.
struct CellReader {
    private var cells: PostgresRow.Iterator

    init(_ row: PostgresRow) {
        cells = row.makeIterator()
    }

    mutating func next<T: PostgresDecodable>(_ type: T.Type = T.self) throws -> T {
        guard let cell = cells.next() else { throw MissingColumn() }
        return try cell.decode(T.self)
    }

    /// A double that may be NULL, as NaN (the store's "did not converge").
    mutating func real() throws -> Double {
        try next(Double?.self) ?? .nan
    }
}

/// A row with fewer columns than its reader expects: a statement and its reader disagree.
struct MissingColumn: Error {}
