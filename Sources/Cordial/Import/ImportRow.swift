import CordialCore
import Foundation

/// What an import file holds: comma-separated values or one JSON object per line.
public enum ImportFormat: String, Sendable, CaseIterable {
    case csv, jsonl
}

/// One row's texts and which column holds which field, decided once per header.
public struct ImportRow {
    /// Shared by every row of a file (a class: a row copies one reference, not three).
    final class Columns: Sendable {
        /// The column of each field the header names. A list searched in order, not a
        /// dictionary: a customer row asks for some twenty fields, and hashing each name
        /// cost more than comparing it with the fifteen short names here.
        let byField: [(field: String, column: Int)]
        /// Columns that are no field: free attributes.
        let attributes: [(name: String, column: Int)]
        /// The file's own header of each column (for messages).
        let headers: [String]

        init(names: [String], fields: [String: [String]], headers: [String]? = nil) {
            self.headers = headers ?? names
            var byField: [(field: String, column: Int)] = [], attributes: [(name: String, column: Int)] = []
            for (column, name) in names.enumerated() {
                // A field two columns name reads the last of them (as it always has).
                if fields[name] == nil {
                    attributes.append((name, column))
                } else if let index = byField.firstIndex(where: { $0.field == name }) {
                    byField[index].column = column
                } else {
                    byField.append((name, column))
                }
            }
            self.byField = byField
            self.attributes = attributes
        }

        func column(of field: String) -> Int? {
            for entry in byField where entry.field == field { return entry.column }
            return nil
        }
    }

    var line: Int
    var texts: [String]
    var columns: Columns
    /// A JSON Lines row's values as typed (a boolean stays a boolean); nil for CSV rows,
    /// whose values are all text.
    var values: [JSONValue]? = nil
    /// False when the reader knows no text holds U+0000 (CSV records are checked as read).
    var mayHoldNUL = true

    /// The field's text without surrounding spaces; nil when missing or blank.
    func value(_ field: String) -> String? {
        guard let column = columns.column(of: field) else { return nil }
        let text = texts[column].trimmedOfSpaces()
        return text.isEmpty ? nil : text
    }

    /// The file's header for `field` (what a message about it should name).
    func header(_ field: String) -> String {
        columns.column(of: field).map { columns.headers[$0] } ?? field
    }

    /// A `|`-separated list.
    func list(_ field: String) -> [String] {
        guard let text = value(field) else { return [] }
        guard text.utf8.contains(UInt8(ascii: "|")) else { return [text] }
        return text.split(separator: "|").map { $0.trimmedOfSpaces() }.filter { !$0.isEmpty }
    }

    /// The fields a file of fixed columns names (no free attributes): an unknown column, or a
    /// `required` one missing, refuses the file at its first line.
    static func knownNames(of header: [String], fields: [String: [String]], required: [String], fileName: String) throws(ImportError) -> [String] {
        let names = names(of: header, fields: fields, mapping: [:])
        if let unknown = names.first(where: { fields[$0] == nil }) {
            throw ImportError(issues: [ImportIssue(
                file: fileName, line: 1,
                problem: "unknown column '\(ImportIssue.printable(unknown, limit: 40))' (known: \(fields.keys.sorted().joined(separator: ", ")))")], total: 1)
        }
        for needed in required where !names.contains(needed) {
            throw ImportError(issues: [ImportIssue(file: fileName, line: 1, problem: "no column for '\(needed)' (columns: \(header.joined(separator: ", ")))")], total: 1)
        }
        return names
    }

    /// The field each header names: by `mapping` (field → header), by the field's usual
    /// names (`fields`: field → names, compared in lower case with `_` for spaces and `-`),
    /// or else the header itself.
    static func names(of header: [String], fields: [String: [String]], mapping: [String: String]) -> [String] {
        let byHeader = Dictionary(mapping.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        return header.map { title -> String in
            if let field = byHeader[title] { return field }
            let normal = title.trimmingCharacters(in: .whitespaces).lowercased()
                .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
            return fields.first { $0.value.contains(normal) }?.key ?? title
        }
    }
}
