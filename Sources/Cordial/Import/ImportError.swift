import Foundation

/// One bad spot in an import file.
public struct ImportIssue: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    /// The column, when the problem is in one.
    public var column: String?
    public var problem: String

    public init(file: String, line: Int, column: String? = nil, problem: String) {
        self.file = file
        self.line = line
        self.column = column
        self.problem = problem
    }

    /// `data.csv:12: column 'birthday': is not a date`. A problem names no personal value
    /// (an e-mail address, a birthday); what a message does quote from the file (a column
    /// header, an amount) is shown without control characters, so a file cannot send escape
    /// sequences to the terminal, and cut to a sensible length.
    public var description: String {
        "\(file):\(line): " + (column.map { "column '\(Self.printable($0, limit: 80))': " } ?? "") + Self.printable(problem, limit: 300)
    }

    /// `text` with control characters (C0, DEL, C1) as U+FFFD, at most `limit` characters.
    static func printable(_ text: String, limit: Int) -> String {
        var shown = String.UnicodeScalarView()
        for (count, scalar) in text.unicodeScalars.enumerated() {
            if count == limit { return String(shown) + "…" }
            let unsafe = scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
                || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)  // bidi overrides
            shown.append(unsafe ? "\u{FFFD}" : scalar)
        }
        return String(shown)
    }
}

/// An import was refused: nothing was written. Lists every bad row up to a cap.
public struct ImportError: Error, LocalizedError, Sendable {
    /// The issues listed (at most ``cap``).
    public var issues: [ImportIssue]
    /// How many issues there were in all.
    public var total: Int

    public static let cap = 20

    public init(issues: [ImportIssue], total: Int) {
        self.issues = issues
        self.total = total
    }

    /// The first issue; the rest follow, one per line.
    public var errorDescription: String? {
        var lines = issues.map(\.description)
        if total > issues.count { lines.append("… and \(total - issues.count) more") }
        if total > 1 { lines.append("\(total) problems; nothing was imported") }
        return lines.joined(separator: "\n")
    }
}

/// Collects issues while a file is read, keeping the first ``ImportError/cap``.
struct ImportIssueList {
    private(set) var issues: [ImportIssue] = []
    private(set) var total = 0

    mutating func add(_ issue: ImportIssue) {
        total += 1
        if issues.count < ImportError.cap { issues.append(issue) }
    }

    func check() throws(ImportError) {
        if total > 0 { throw ImportError(issues: issues, total: total) }
    }
}
