import Crypto
import Foundation

/// What a copy checks of a table on both sides: its rows and a checksum of their values.
/// The checksum is the sum (mod 2⁶⁴) of a SHA-256 digest per row, so it does not depend on
/// the order a backend reads rows in, and any changed, lost or extra row changes it.
/// Values are compared as values where backends write them differently: exact decimals by
/// their number (SQLite keeps the text it was given, PostgreSQL's `numeric` its own), and
/// a negative zero as zero (SQLite keeps no sign on zero).
public struct TableTally: Sendable, Hashable, CustomStringConvertible {
    public private(set) var rows = 0
    public private(set) var checksum: UInt64 = 0

    public init() {}

    /// Adds a row of `table` (values in its column order).
    public mutating func add(_ row: [StoredValue], of table: StoredTable) {
        var hasher = SHA256()
        for (index, value) in row.enumerated() {
            var value = value
            if case .real(let real) = value, real == 0 { value = .real(0) }
            if case .text(let text) = value, table.columns[index].kind == .decimal, let number = Decimal(string: text, locale: Self.posix) {
                value = .text(number.description)
            }
            switch value {
            case .null:
                hasher.update(data: [0])
            case .integer(let integer):
                hasher.update(data: [1])
                withUnsafeBytes(of: integer.littleEndian) { hasher.update(bufferPointer: $0) }
            case .real(let real):
                hasher.update(data: [2])
                withUnsafeBytes(of: real.bitPattern.littleEndian) { hasher.update(bufferPointer: $0) }
            case .text(let text):
                hasher.update(data: [3])
                withUnsafeBytes(of: UInt64(text.utf8.count).littleEndian) { hasher.update(bufferPointer: $0) }
                hasher.update(data: Array(text.utf8))
            }
        }
        let digest = hasher.finalize().withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
        checksum &+= digest
        rows += 1
    }

    private static let posix = Locale(identifier: "en_US_POSIX")

    /// "1,000,000 rows, checksum 3f2a…" as sixteen hex digits.
    public var checksumText: String {
        let hex = String(checksum, radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }

    public var description: String { "\(rows) rows, checksum \(checksumText)" }
}
