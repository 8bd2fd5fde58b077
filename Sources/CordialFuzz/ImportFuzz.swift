import Cordial
import Foundation

/// The importers on any bytes: the first byte picks the format, the rest is the file. An
/// import gives a batch, or an ``ImportError`` whose every issue names the file and a line
/// of it and reads as one line without control characters (data cannot reach the terminal).
package enum ImportFuzz {
    static func customers(_ bytes: [UInt8]) -> String? {
        guard let first = bytes.first else { return nil }
        let format: ImportFormat = first % 2 == 0 ? .csv : .jsonl
        return attempt(bytes, file: "fuzz.\(format.rawValue)") { (data: Data, file: String) throws(ImportError) in
            _ = try CustomerImporter(source: "fuzz").batch(from: data, format: format, fileName: file)
        }
    }

    static func purchases(_ bytes: [UInt8]) -> String? {
        guard let first = bytes.first else { return nil }
        guard first % 3 < 2 else {
            return attempt(bytes, file: "fuzz.txt") { (data: Data, file: String) throws(ImportError) in _ = try CDNOWImporter().batch(from: data, fileName: file) }
        }
        let format: ImportFormat = first % 3 == 0 ? .csv : .jsonl
        return attempt(bytes, file: "fuzz.\(format.rawValue)") { (data: Data, file: String) throws(ImportError) in
            _ = try PurchaseImporter(customerSource: "fuzz").batch(from: data, format: format, fileName: file)
        }
    }

    /// Imports the bytes after the first (which picked the format) and checks a refusal.
    private static func attempt(_ bytes: [UInt8], file: String, _ importing: (Data, String) throws(ImportError) -> Void) -> String? {
        let data = Data(bytes.dropFirst())
        do {
            try importing(data, file)
            return nil
        } catch {
            return check(error, file: file, data: data)
        }
    }

    package static func check(_ error: ImportError, file: String, data: Data) -> String? {
        if error.issues.isEmpty || error.total < error.issues.count { return "an import error without issues" }
        // Lines as the CSV reader counts them: LF, CRLF and a lone CR each end one.
        var lines = 1
        for (index, byte) in data.enumerated() {
            if byte == UInt8(ascii: "\n") || (byte == UInt8(ascii: "\r") && (index + 1 == data.count || data[data.startIndex + index + 1] != UInt8(ascii: "\n"))) {
                lines += 1
            }
        }
        for issue in error.issues {
            let text = issue.description
            if !text.hasPrefix("\(file):\(issue.line): ") { return "an issue not located in the file: \(text.debugDescription)" }
            if issue.line < 1 || issue.line > lines + 1 { return "line \(issue.line) of a file of \(lines) lines" }
            if let problem = OneLine.problem(in: text, "an import issue") { return problem }
        }
        return nil
    }
}
