import Foundation

extension ImportFormat {
    /// The format of a customer or purchase file by its extension: JSON Lines for `.jsonl`
    /// and `.ndjson`, CSV otherwise.
    public static func detect(path: String) -> ImportFormat {
        ["jsonl", "ndjson"].contains(URL(fileURLWithPath: path).pathExtension.lowercased()) ? .jsonl : .csv
    }
}

/// The formats a purchase file may have: CSV and JSON Lines (``PurchaseImporter``) or the
/// CDNOW layout (``CDNOWImporter``), which names its own customers.
public enum PurchaseFileFormat: String, Sendable, CaseIterable {
    case csv, jsonl, cdnow

    /// By extension: CDNOW's `.txt`, else ``ImportFormat/detect(path:)``.
    public static func detect(path: String) -> PurchaseFileFormat {
        if path.lowercased().hasSuffix(".txt") { return .cdnow }
        return ImportFormat.detect(path: path) == .jsonl ? .jsonl : .csv
    }
}

/// How a file's columns map to an importer's fields: a JSON mapping file
/// (`{"external_id": "Mã KH", …}`) and `FIELD=COLUMN` entries, which win over the file's.
public enum ColumnMapping {
    /// A refused mapping, naming the file or the entry.
    public struct Problem: Error, LocalizedError {
        public let message: String
        public var errorDescription: String? { message }
    }

    /// Field → column, every field checked against `fields` (an importer's field → usual names).
    public static func parse(file: String?, entries: [String], fields: [String: [String]]) throws(Problem) -> [String: String] {
        let known = fields.keys.sorted().joined(separator: ", ")
        var mapping: [String: String] = [:]
        if let path = file {
            guard let data = FileManager.default.contents(atPath: path) else { throw Problem(message: "cannot read mapping file \(path)") }
            guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                throw Problem(message: "\(path): expected one JSON object of field → column, like {\"external_id\": \"Mã KH\"}")
            }
            for (field, column) in object.sorted(by: { $0.key < $1.key }) {
                guard fields[field] != nil else { throw Problem(message: "\(path): unknown field '\(field)' (fields: \(known))") }
                guard let column = column as? String else { throw Problem(message: "\(path): the column for '\(field)' must be a string") }
                mapping[field] = column
            }
        }
        for entry in entries {
            let parts = entry.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2, fields[parts[0]] != nil else {
                throw Problem(message: "--map '\(entry)': expected FIELD=COLUMN with FIELD one of \(known)")
            }
            mapping[parts[0]] = parts[1]
        }
        return mapping
    }
}
