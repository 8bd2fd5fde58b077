import CordialCore
import CordialStore
import Foundation

/// A customer file read one batch at a time, for ``Store/apply(_:dryRun:)``: the store
/// writes each batch inside its one import transaction, so memory holds one batch however
/// long the file. Bad rows are collected as the file is read; once there is one, no more
/// batches are handed out, the rest of the file is still checked, and the reader throws
/// the list at the end — the store rolls back and nothing is written.
public struct CustomerFileReader: ImportSource {
    static let batchSize = 2_048

    private let importer: CustomerImporter
    private let fileName: String
    // One of the two is set. (Not an enum with payloads: mutating a payload in place would
    // copy the reader's block on every row.)
    private var csv: CSVReader?
    private var columns = CustomerImporter.Row.Columns(names: [])
    private var columnCount = 0
    private var jsonl: ByteStream?
    private var jsonLine = 0
    private var issues = ImportIssueList()
    /// The line of each external id seen so far: a file must not name a customer twice.
    private var seen: [String: Int] = [:]

    init(importer: CustomerImporter, bytes: ByteStream, format: CustomerImporter.Format, fileName: String) throws(ImportError) {
        self.importer = importer
        self.fileName = fileName
        switch format {
        case .jsonl:
            jsonl = bytes
        case .csv:
            var csv = CSVReader(bytes)
            if let header = try Self.record(from: &csv, fileName: fileName) {
                columns = CustomerImporter.Row.Columns(names: try importer.resolve(header: header.fields, fileName: fileName))
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

    public mutating func nextBatch() throws -> ImportBatch? {
        try nextCustomers().map { ImportBatch(customers: $0) }
    }

    /// Up to ``batchSize`` valid customers; nil at the end of a good file; throws the
    /// listed issues at the end of a bad one.
    mutating func nextCustomers() throws(ImportError) -> [Customer]? {
        var customers: [Customer] = []
        customers.reserveCapacity(Self.batchSize)
        while customers.count < Self.batchSize, let row = try nextRow() {
            let externalID = row.value("external_id") ?? ""
            if !externalID.isEmpty {
                if let first = seen[externalID] {
                    issues.add(ImportIssue(
                        file: fileName, line: row.line, column: "external_id", problem: "'\(externalID)' already appears on line \(first)"))
                    continue
                }
                seen[externalID] = row.line
            }
            do {
                let customer = try importer.customer(from: row, fileName: fileName)
                if issues.total == 0 { customers.append(customer) }  // after a bad row, only check the rest
            } catch {
                for issue in error.issues { issues.add(issue) }
            }
        }
        if customers.isEmpty {
            try issues.check()
            return nil
        }
        return customers
    }

    // MARK: - Rows

    /// The next row; rows with the wrong number of fields or broken JSON are listed as
    /// issues and skipped.
    private mutating func nextRow() throws(ImportError) -> CustomerImporter.Row? {
        while true {
            if csv != nil {
                guard let record = try Self.record(from: &csv!, fileName: fileName) else { return nil }
                guard record.fields.count == columnCount else {
                    issues.add(ImportIssue(
                        file: fileName, line: record.line,
                        problem: "expected \(columnCount) fields as in the header, found \(record.fields.count)"))
                    continue
                }
                return CustomerImporter.Row(line: record.line, texts: record.fields, columns: columns)
            } else {
                var text: [UInt8] = []
                var ended = true
                while let byte = jsonl!.next() {
                    ended = false
                    if byte == UInt8(ascii: "\n") { break }
                    text.append(byte)
                }
                jsonLine += 1
                if ended {
                    if let error = jsonl!.readError { throw Self.unreadable(error, fileName: fileName, line: jsonLine) }
                    return nil
                }
                if let row = jsonRow(text, line: jsonLine) { return row }
            }
        }
    }

    /// One JSON Lines row; nil for a blank line or a listed issue.
    private mutating func jsonRow(_ bytes: [UInt8], line: Int) -> CustomerImporter.Row? {
        guard String(validating: bytes, as: UTF8.self) != nil else {
            issues.add(ImportIssue(file: fileName, line: line, problem: "not valid UTF-8"))
            return nil
        }
        if bytes.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { return nil }
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else {
            issues.add(ImportIssue(file: fileName, line: line, problem: "not a JSON object"))
            return nil
        }
        let keys = Array(object.keys)
        let names = (try? importer.resolve(header: keys, fileName: fileName)) ?? keys
        let texts = keys.map { key -> String in
            switch object[key] {
            case let list as [Any]: list.map { "\($0)" }.joined(separator: "|")
            case is NSNull, nil: ""
            case let value?: "\(value)"
            }
        }
        return CustomerImporter.Row(line: line, texts: texts, columns: CustomerImporter.Row.Columns(names: names))
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
            }
            throw ImportError(issues: [ImportIssue(file: fileName, line: line, problem: problem)], total: 1)
        }
    }

    private static func unreadable(_ error: any Error, fileName: String, line: Int) -> ImportError {
        ImportError(issues: [ImportIssue(file: fileName, line: line, problem: "cannot be read: \(error.localizedDescription)")], total: 1)
    }
}
