import CordialCore
import CordialStore
import Foundation

/// How one kind of import file (customers, purchases) turns rows into what it imports.
public protocol ImportRowParser: Sendable {
    associatedtype Item
    /// The field that must not repeat within a file (a customer's or a purchase's id).
    var uniqueKey: String { get }
    /// The field name of each header, or the header itself; throws when a needed field
    /// has no column.
    func resolve(header: [String], fileName: String) throws(ImportError) -> [String]
    /// Every field the parser knows (for telling fields from free attributes).
    static var fields: [String: [String]] { get }
    func item(from row: ImportRow, fileName: String) throws(ImportError) -> Item
    /// What must not repeat within a file for `row`; by default its ``uniqueKey`` field.
    func duplicateKey(of row: ImportRow) -> String?
}

extension ImportRowParser {
    public func duplicateKey(of row: ImportRow) -> String? { row.value(uniqueKey) }
}

/// A parser of what a customer-file import writes (customers, purchases): its items make
/// the ``ImportBatch`` the store applies.
public protocol BatchImportRowParser: ImportRowParser {
    static func batch(of items: [Item]) -> ImportBatch
}

extension ImportRowParser {
    /// Streams `path` through validation in batches: hand it to ``Store/apply(_:dryRun:)``.
    /// Problems with the file as a whole (no id column, a mapping naming a missing column)
    /// are thrown here; bad rows are thrown by the reader after the last row.
    public func reader(path: String, format: ImportFormat, fileName: String? = nil) throws(ImportError) -> ImportFileReader<Self> {
        try ImportFileReader(parser: self, path: path, format: format, fileName: fileName)
    }

    public func reader(data: Data, format: ImportFormat, fileName: String) throws(ImportError) -> ImportFileReader<Self> {
        try ImportFileReader(parser: self, bytes: ByteStream(data: data), format: format, fileName: fileName)
    }

    /// Every item of a file that fits in memory; throws every bad row.
    public func items(path: String, format: ImportFormat, fileName: String? = nil) throws(ImportError) -> [Item] {
        var reader = try reader(path: path, format: format, fileName: fileName)
        var items: [Item] = []
        while let batch = try reader.nextItems() { items += batch }
        return items
    }
}

extension BatchImportRowParser {
    /// The whole file as one batch, for files that fit in memory; throws every bad row.
    public func batch(from data: Data, format: ImportFormat, fileName: String) throws(ImportError) -> ImportBatch {
        try reader(data: data, format: format, fileName: fileName).all()
    }
}

/// An import file read one batch at a time, for ``Store/apply(_:dryRun:)``: the store
/// writes each batch inside its one import transaction, so memory holds one batch however
/// long the file. Bad rows are collected as the file is read; once there is one, no more
/// batches are handed out, the rest of the file is still checked, and the reader throws
/// the list at the end — the store rolls back and nothing is written.
public struct ImportFileReader<Parser: ImportRowParser>: Sendable {
    static var batchSize: Int { 2_048 }

    private let parser: Parser
    private let fileName: String
    // One of the two is set. (Not an enum with payloads: mutating a payload in place would
    // copy the reader's block on every row.)
    private var csv: CSVReader?
    private var columns = ImportRow.Columns(names: [], fields: [:])
    private var columnCount = 0
    private var jsonl: ByteStream?
    private var jsonLine = 0
    private var issues = ImportIssueList()
    /// The line of each unique key seen so far: a file must not name a customer twice.
    private var seen: [String: Int] = [:]
    private var reservedSeen = false

    init(parser: Parser, path: String, format: ImportFormat, fileName: String?) throws(ImportError) {
        let bytes: ByteStream
        do {
            bytes = try ByteStream(path: path)
        } catch {
            throw ImportError(issues: [ImportIssue(file: fileName ?? path, line: 0, problem: "cannot be read")], total: 1)
        }
        try self.init(parser: parser, bytes: bytes, format: format, fileName: fileName ?? path)
    }

    init(parser: Parser, bytes: ByteStream, format: ImportFormat, fileName: String) throws(ImportError) {
        self.parser = parser
        self.fileName = fileName
        switch format {
        case .jsonl:
            jsonl = bytes
        case .csv:
            var csv = CSVReader(bytes)
            if let header = try Self.record(from: &csv, fileName: fileName) {
                columns = ImportRow.Columns(
                    names: try parser.resolve(header: header.fields, fileName: fileName), fields: Parser.fields, headers: header.fields)
                columnCount = header.fields.count
            }
            self.csv = csv
        }
    }

    /// How far through the file the reader is, from 0 to 1 (for a progress bar).
    public var fractionRead: Double {
        if let csv { return csv.fractionRead }
        guard let jsonl, jsonl.totalBytes > 0 else { return 1 }
        return Double(jsonl.position) / Double(jsonl.totalBytes)
    }


    /// Up to ``batchSize`` valid items; nil at the end of a good file; throws the listed
    /// issues at the end of a bad one.
    mutating func nextItems() throws(ImportError) -> [Parser.Item]? {
        var items: [Parser.Item] = []
        items.reserveCapacity(Self.batchSize)
        while items.count < Self.batchSize, let row = try nextRow() {
            // Valid UTF-8 may hold U+0000, which PostgreSQL text cannot: refused here, at its
            // line, on every backend alike.
            if row.mayHoldNUL, let column = row.texts.firstIndex(where: { $0.utf8.contains(0) }) {
                issues.add(ImportIssue(
                    file: fileName, line: row.line, column: row.columns.headers[column], problem: "holds a NUL character (U+0000)"))
                continue
            }
            if let key = parser.duplicateKey(of: row) {
                // One look-up: the line is stored unless the key has one already.
                let first = Self.value(&seen[key, default: row.line])
                if first != row.line {
                    issues.add(ImportIssue(
                        file: fileName, line: row.line, column: row.header(parser.uniqueKey), problem: "'\(key)' already appears on line \(first)"))
                    continue
                }
            }
            do {
                let item = try parser.item(from: row, fileName: fileName)
                if issues.total == 0 { items.append(item) }  // after a bad row, only check the rest
            } catch {
                for issue in error.issues { issues.add(issue) }
            }
        }
        if items.isEmpty {
            try issues.check()
            return nil
        }
        if !reservedSeen {
            // Room for the whole file's keys, estimated from the first batch, so that the
            // table is not copied again and again as it grows (millions of purchases).
            reservedSeen = true
            let fraction = fractionRead
            if fraction > 0, fraction < 1 { seen.reserveCapacity(min(Int(Double(seen.count) / fraction * 1.05), 20_000_000)) }
        }
        return items
    }

    private static func value(_ stored: inout Int) -> Int { stored }

    // MARK: - Rows

    /// The next row; rows with the wrong number of fields or broken JSON are listed as
    /// issues and skipped.
    private mutating func nextRow() throws(ImportError) -> ImportRow? {
        while true {
            if csv != nil {
                guard let record = try Self.record(from: &csv!, fileName: fileName) else { return nil }
                guard record.fields.count == columnCount else {
                    issues.add(ImportIssue(
                        file: fileName, line: record.line,
                        problem: "expected \(columnCount) fields as in the header, found \(record.fields.count)"))
                    continue
                }
                return ImportRow(line: record.line, texts: record.fields, columns: columns, mayHoldNUL: record.holdsNUL)
            } else {
                var text: [UInt8] = []
                var ended = true
                var tooLong = false
                while let byte = jsonl!.next() {
                    ended = false
                    if byte == UInt8(ascii: "\n") { break }
                    // A line past the limit is read to its end but not kept.
                    if text.count == ImportLimits.recordBytes { tooLong = true } else { text.append(byte) }
                }
                jsonLine += 1
                if jsonLine == 1, text.starts(with: [0xEF, 0xBB, 0xBF]) { text.removeFirst(3) }  // a byte-order mark
                if ended {
                    if let error = jsonl!.readError { throw Self.unreadable(error, fileName: fileName, line: jsonLine) }
                    return nil
                }
                if tooLong {
                    issues.add(ImportIssue(file: fileName, line: jsonLine, problem: "a line longer than \(ImportLimits.recordBytes / 1024 / 1024) MiB"))
                    continue
                }
                if let row = jsonRow(text, line: jsonLine) { return row }
            }
        }
    }

    /// One JSON Lines row; nil for a blank line or a listed issue. Values keep their JSON
    /// type: a number's text is kept as written (ids of any length stay distinct), a
    /// boolean stays a boolean for a free attribute and is refused for a field.
    private mutating func jsonRow(_ bytes: [UInt8], line: Int) -> ImportRow? {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            issues.add(ImportIssue(file: fileName, line: line, problem: "not valid UTF-8"))
            return nil
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        var keys: [String] = [], values: [JSONValue] = [], texts: [String] = []
        var problem: String?
        do {
            try bytes.withUnsafeBufferPointer { buffer in
                try JSONTextParser.object(buffer, maxDepth: ImportLimits.nesting) { key, parser in
                    let value = try parser.anyValue()
                    guard problem == nil else { return }
                    if keys.count == ImportLimits.fields {
                        problem = "more than \(ImportLimits.fields) keys"
                    } else if keys.contains(key) {
                        problem = "the key '\(Self.shown(key))' appears twice"
                    }
                    keys.append(key)
                    let kept = Self.keepingNumberText(value, parser.lastNumberText)
                    values.append(kept)
                    switch value {
                    case .integer, .number: texts.append(parser.lastNumberText ?? Self.text(of: kept))  // as written
                    default: texts.append(Self.text(of: kept))
                    }
                }
            }
        } catch is JSONTextParser.TooDeep {
            problem = "arrays or objects nested deeper than \(ImportLimits.nesting)"
        } catch {
            problem = "not a JSON object"
        }
        if let problem {
            issues.add(ImportIssue(file: fileName, line: line, problem: problem))
            return nil
        }
        let names: [String]
        do {
            names = try parser.resolve(header: keys, fileName: fileName)
        } catch {
            // A file of fixed fields (feedback, consent) refuses a key no field has — a
            // misspelt "severty" would otherwise be dropped unseen — at the row's line. A
            // required key left out is the field's own problem, reported with the row.
            let read = ImportRow.names(of: keys, fields: Parser.fields, mapping: [:])
            if let index = read.firstIndex(where: { Parser.fields[$0] == nil }) {
                issues.add(ImportIssue(
                    file: fileName, line: line,
                    problem: "unknown key '\(Self.shown(keys[index]))' (known: \(Parser.fields.keys.sorted().joined(separator: ", ")))"))
                return nil
            }
            names = read
        }
        let columns = ImportRow.Columns(names: names, fields: Parser.fields, headers: keys)
        var refused = false
        for (index, value) in values.enumerated() {
            if texts[index].utf8.count > ImportLimits.fieldBytes {
                issues.add(ImportIssue(file: fileName, line: line, column: keys[index], problem: "longer than \(ImportLimits.fieldBytes / 1024) KiB"))
                refused = true
            } else if Parser.fields[names[index]] != nil, let kind = Self.notText(value) {
                issues.add(ImportIssue(file: fileName, line: line, column: keys[index], problem: "is \(kind); expected text, a number or a list of them"))
                refused = true
            }
        }
        return refused ? nil : ImportRow(line: line, texts: texts, columns: columns, values: values)
    }

    /// An integer too large for 64 bits kept as the text it was written as, not rounded.
    private static func keepingNumberText(_ value: JSONValue, _ text: String?) -> JSONValue {
        if case .number = value, let text, !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }) { return .string(text) }
        return value
    }

    /// A value as a field reads it: strings as they are, numbers as written, lists joined
    /// by `|`, null empty.
    private static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let text): text
        case .integer(let integer): String(integer)
        case .number(let number): "\(number)"
        case .null: ""
        case .bool(let flag): flag ? "true" : "false"
        case .array(let items): items.map(text(of:)).joined(separator: "|")
        case .object: ""
        }
    }

    /// What a field cannot hold: nil for text, numbers, null and flat lists of those.
    private static func notText(_ value: JSONValue) -> String? {
        switch value {
        case .bool: "a boolean"
        case .object: "an object"
        case .array(let items): items.contains { notText($0) != nil || { if case .array = $0 { true } else { false } }($0) } ? "a nested list" : nil
        default: nil
        }
    }

    /// A key as a message shows it: at most 40 characters, no control characters.
    private static func shown(_ key: String) -> String {
        String(key.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(40).map(Character.init))
    }

    /// The next CSV record; a broken file (unclosed quote, invalid UTF-8) stops the import
    /// with its line.
    private static func record(from csv: inout CSVReader, fileName: String) throws(ImportError) -> CSVReader.Record? {
        do {
            return try csv.next()
        } catch {
            let (line, problem): (Int, String) = switch error {
            case .invalidUTF8(let line): (line, "not valid UTF-8")
            case .unterminatedQuote(let line): (line, "a quoted field is never closed")
            case .textAfterClosingQuote(let line): (line, "text after a closing quote (write \"\" for a quote inside a field)")
            case .unreadable(let reason): (0, "cannot be read: \(reason)")
            case .tooManyFields(let line): (line, "more than \(ImportLimits.fields) columns")
            case .fieldTooLong(let line): (line, "a field longer than \(ImportLimits.fieldBytes / 1024) KiB")
            case .recordTooLong(let line): (line, "a record longer than \(ImportLimits.recordBytes / 1024 / 1024) MiB")
            }
            throw ImportError(issues: [ImportIssue(file: fileName, line: line, problem: problem)], total: 1)
        }
    }

    private static func unreadable(_ error: any Error, fileName: String, line: Int) -> ImportError {
        ImportError(issues: [ImportIssue(file: fileName, line: line, problem: "cannot be read: \(error.localizedDescription)")], total: 1)
    }
}

extension ImportFileReader: ImportSource where Parser: BatchImportRowParser {
    public mutating func nextBatch() throws -> ImportBatch? {
        try nextItems().map(Parser.batch)
    }

    /// The whole file as one batch, for files that fit in memory; throws every bad row.
    public consuming func all() throws(ImportError) -> ImportBatch {
        var items: [Parser.Item] = []
        while let batch = try nextItems() { items += batch }
        return Parser.batch(of: items)
    }
}
