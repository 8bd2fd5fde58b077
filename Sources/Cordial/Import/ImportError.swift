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

    /// `data.csv:12: column 'birthday': '31/02/1990' is not a date`
    public var description: String {
        "\(file):\(line): " + (column.map { "column '\($0)': " } ?? "") + problem
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
