import Cordial
import Foundation

/// The CSV reader on any bytes. When it reads records, writing them out again (every field
/// quoted, the same separator) and reading that must give the same fields: a record that
/// changes on the way through is a reader bug an import would hide.
package enum CSVFuzz {
    static func run(_ bytes: [UInt8]) -> String? {
        guard let (records, separator) = read(bytes) else { return nil }
        var previousLine = 0
        for record in records {
            // Each record starts on a later line than the one before (a record ends with a line break).
            if record.line < 1 || record.line <= previousLine { return "line \(record.line) after line \(previousLine)" }
            previousLine = record.line
            if record.fields.count > ImportLimits.fields { return "\(record.fields.count) fields passed the limit" }
            if let long = record.fields.first(where: { $0.utf8.count > ImportLimits.fieldBytes }) {
                return "a field of \(long.utf8.count) bytes passed the limit"
            }
        }
        let written = write(records.map(\.fields), separator: separator)
        // The separator is chosen from the first line's counts: skip texts where quoting changed them.
        guard separatorOf(written) == separator else { return nil }
        guard let (again, _) = read(written) else { return "the written records do not read back" }
        let before = records.map(\.fields), after = again.map(\.fields)
        if before != after { return "records changed on the way through: \(before.prefix(3)) became \(after.prefix(3))" }
        return nil
    }

    package static func read(_ bytes: [UInt8]) -> ([CSVReader.Record], UInt8)? {
        var reader = CSVReader(ByteStream(data: Data(bytes)))
        var records: [CSVReader.Record] = []
        do {
            while let record = try reader.next() { records.append(record) }
        } catch {
            return nil
        }
        return (records, reader.separator)
    }

    package static func write(_ records: [[String]], separator: UInt8) -> [UInt8] {
        var out: [UInt8] = []
        for fields in records {
            for (index, field) in fields.enumerated() {
                if index > 0 { out.append(separator) }
                out.append(UInt8(ascii: "\""))
                for byte in field.utf8 {
                    if byte == UInt8(ascii: "\"") { out.append(byte) }
                    out.append(byte)
                }
                out.append(UInt8(ascii: "\""))
            }
            out.append(UInt8(ascii: "\n"))
        }
        return out
    }

    static func separatorOf(_ bytes: [UInt8]) -> UInt8 {
        CSVReader(ByteStream(data: Data(bytes))).separator
    }
}
