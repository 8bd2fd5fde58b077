import Foundation

/// An RFC 4180 reader that keeps line numbers: quoted fields, doubled quotes, newlines
/// inside quotes, CRLF or LF, a UTF-8 byte-order mark, `,` or `;` as separator.
///
/// Written here rather than taken from a CSV package because imports must name the line of
/// every bad record, also when earlier records hold newlines inside quotes.
struct CSVReader {
    struct Record {
        /// The line the record starts on (1-based).
        var line: Int
        var fields: [String]
    }

    enum Problem: Error, Equatable {
        case invalidUTF8(line: Int)
        case unterminatedQuote(line: Int)
        case textAfterClosingQuote(line: Int)
    }

    let separator: UInt8

    /// Picks `;` when the header line has more semicolons than commas (spreadsheets set to
    /// locales with a decimal comma write `;`).
    static func separator(for data: Data) -> UInt8 {
        let firstLine = data.prefix { $0 != UInt8(ascii: "\n") }
        let semicolons = firstLine.count { $0 == UInt8(ascii: ";") }
        let commas = firstLine.count { $0 == UInt8(ascii: ",") }
        return semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }

    /// Every record of the file; empty lines are skipped.
    func records(of data: Data) throws(Problem) -> [Record] {
        var bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes.removeFirst(3) }
        var records: [Record] = []
        var fields: [String] = []
        var field: [UInt8] = []
        var line = 1
        var recordLine = 1
        var index = 0
        var inQuotes = false
        var wasQuoted = false

        func endField() throws(Problem) {
            guard let text = String(validating: field, as: UTF8.self) else { throw .invalidUTF8(line: line) }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }
        func endRecord() throws(Problem) {
            try endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields.removeAll(keepingCapacity: true)
        }

        while index < bytes.count {
            let byte = bytes[index]
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\"") {
                        field.append(byte)
                        index += 1
                    } else {
                        inQuotes = false
                    }
                } else {
                    if byte == UInt8(ascii: "\n") { line += 1 }
                    field.append(byte)
                }
            } else if byte == UInt8(ascii: "\"") && field.isEmpty && !wasQuoted {
                inQuotes = true
                wasQuoted = true
            } else if byte == separator {
                try endField()
            } else if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                if byte == UInt8(ascii: "\r"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "\n") { index += 1 }
                try endRecord()
                line += 1
                recordLine = line
            } else {
                if wasQuoted { throw .textAfterClosingQuote(line: line) }
                field.append(byte)
            }
            index += 1
        }
        if inQuotes { throw .unterminatedQuote(line: recordLine) }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { try endRecord() }
        return records
    }
}
