import Foundation

/// An RFC 4180 reader that keeps line numbers: quoted fields, doubled quotes, newlines
/// inside quotes, CRLF or LF, a UTF-8 byte-order mark, `,` or `;` as separator. It reads
/// one record at a time from a ``ByteStream``, so files of any size stream through.
///
/// Written here rather than taken from a CSV package because imports must name the line of
/// every bad record, also when earlier records hold newlines inside quotes, and must not
/// hold the whole file.
package struct CSVReader {
    /// `bytes` as text when they are valid UTF-8. Not `String(validating:as:)`, whose
    /// generic path costs more than the rest of a field: ASCII is text as it is, and
    /// anything else is decoded (which would repair bad bytes) and kept only when it comes
    /// back byte for byte.
    /// Sets `nul` when they hold a NUL byte (which imports refuse, naming the column).
    static func text(validating bytes: UnsafeBufferPointer<UInt8>, nul: inout Bool) -> String? {
        var plain = true  // ASCII without NUL
        for byte in bytes where byte >= 0x80 || byte == 0 {
            plain = false
            break
        }
        var text = String(decoding: bytes, as: UTF8.self)
        if plain { return text }
        if bytes.contains(0) { nul = true }
        let same = text.withUTF8 { decoded in
            decoded.count == bytes.count && (bytes.isEmpty || memcmp(decoded.baseAddress!, bytes.baseAddress!, bytes.count) == 0)
        }
        return same ? text : nil
    }

    package struct Record {
        /// The line the record starts on (1-based).
        package var line: Int
        package var fields: [String]
        /// Whether a field holds a NUL byte.
        package var holdsNUL = false
    }

    package enum Problem: Error, Equatable {
        case invalidUTF8(line: Int)
        case unterminatedQuote(line: Int)
        case textAfterClosingQuote(line: Int)
        case unreadable(String)
        /// A record with more than ``ImportLimits/fields`` fields.
        case tooManyFields(line: Int)
        /// A field longer than ``ImportLimits/fieldBytes``.
        case fieldTooLong(line: Int)
        /// A record longer than ``ImportLimits/recordBytes``.
        case recordTooLong(line: Int)
    }

    private var bytes: ByteStream
    package let separator: UInt8
    private var line = 1
    private var field: [UInt8] = []

    /// Picks `;` when the header line has more semicolons than commas (spreadsheets set to
    /// locales with a decimal comma write `;`).
    package init(_ bytes: ByteStream) {
        self.bytes = bytes
        if bytes.position == 0, self.bytes.startsWith([0xEF, 0xBB, 0xBF]) {
            _ = self.bytes.next(); _ = self.bytes.next(); _ = self.bytes.next()  // the byte-order mark
        }
        let firstLine = self.bytes.firstLine()
        let semicolons = firstLine.count { $0 == UInt8(ascii: ";") }
        let commas = firstLine.count { $0 == UInt8(ascii: ",") }
        separator = semicolons > commas ? UInt8(ascii: ";") : UInt8(ascii: ",")
    }

    /// How far through the file the reader is, from 0 to 1.
    var fractionRead: Double { bytes.totalBytes > 0 ? Double(bytes.position) / Double(bytes.totalBytes) : 1 }

    /// The next record, or nil at the end; empty lines are skipped.
    package mutating func next() throws(Problem) -> Record? {
        while true {
            guard bytes.peek() != nil else {
                if let error = bytes.readError { throw .unreadable(error.localizedDescription) }
                return nil
            }
            let record = try readRecord()
            if !(record.fields.count == 1 && record.fields[0].isEmpty) { return record }
        }
    }

    private mutating func readRecord() throws(Problem) -> Record {
        let recordLine = line
        var fields: [String] = []
        var inQuotes = false
        var wasQuoted = false
        var recordBytes = 0
        var holdsNUL = false
        field.removeAll(keepingCapacity: true)

        // The limits are checked as the bytes come, so that a hostile file is refused at
        // its line before its record is held in memory.
        func endField() throws(Problem) {
            guard fields.count < ImportLimits.fields else { throw .tooManyFields(line: recordLine) }
            guard field.count <= ImportLimits.fieldBytes else { throw .fieldTooLong(line: line) }
            guard let text = field.withUnsafeBufferPointer({ Self.text(validating: $0, nul: &holdsNUL) }) else {
                throw .invalidUTF8(line: line)
            }
            fields.append(text)
            field.removeAll(keepingCapacity: true)
            wasQuoted = false
        }

        while let byte = bytes.next() {
            recordBytes += 1
            if recordBytes > ImportLimits.recordBytes { throw .recordTooLong(line: recordLine) }
            if field.count > ImportLimits.fieldBytes { throw .fieldTooLong(line: line) }
            if inQuotes {
                if byte == UInt8(ascii: "\"") {
                    if bytes.peek() == UInt8(ascii: "\"") {
                        field.append(byte)
                        _ = bytes.next()
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
                if byte == UInt8(ascii: "\r"), bytes.peek() == UInt8(ascii: "\n") { _ = bytes.next() }
                try endField()
                line += 1
                return Record(line: recordLine, fields: fields, holdsNUL: holdsNUL)
            } else {
                if wasQuoted { throw .textAfterClosingQuote(line: line) }
                field.append(byte)
                // The rest of a plain field in one go, checked against the limits after.
                let separator = separator
                recordBytes += bytes.appendRun(into: &field) { byte in
                    byte == separator || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") || byte == UInt8(ascii: "\"")
                }
                if recordBytes > ImportLimits.recordBytes { throw .recordTooLong(line: recordLine) }
            }
        }
        if inQuotes { throw .unterminatedQuote(line: recordLine) }
        try endField()
        return Record(line: recordLine, fields: fields, holdsNUL: holdsNUL)
    }
}
