import CordialCore
import CordialStore
import Foundation

/// Reads consent files — CSV or JSON Lines, one answer per row: the customer's external id
/// (`customer_id`, with `customer_source` or the source given), the `channel` (email, sms,
/// post, phone) and the `consent` (yes/no, granted/refused, opt-in/opt-out, true/false, 1/0).
/// `cordial consent export` writes the same columns, so a file goes back and forth.
public struct ConsentImporter: ImportRowParser {
    public static let fields: [String: [String]] = [
        "customer_source": ["customer_source"],
        "customer_id": ["customer_id", "customer", "external_id", "client_id"],
        "channel": ["channel"],
        "consent": ["consent", "answer", "granted", "status", "opt_in"],
        "changed_at": ["changed_at"],
        "via": ["via"],
    ]

    /// A row's answer, before its customer is looked up.
    public struct Answer: Sendable {
        public var line: Int
        public var customerSource: String
        public var externalID: String
        public var channel: ContactChannel
        public var granted: Bool
    }

    /// The source of the customers the file names (as they were imported), for rows without
    /// a `customer_source` column.
    public var customerSource: String

    public init(customerSource: String = "import") {
        self.customerSource = customerSource
    }

    public var uniqueKey: String { "customer_id" }

    public func duplicateKey(of row: ImportRow) -> String? {
        row.value("customer_id").map { "\(row.value("customer_source") ?? customerSource)/\($0)/\((row.value("channel") ?? "").lowercased())" }
    }

    public func resolve(header: [String], fileName: String) throws(ImportError) -> [String] {
        try ImportRow.knownNames(of: header, fields: Self.fields, required: ["customer_id", "channel", "consent"], fileName: fileName)
    }

    public func item(from row: ImportRow, fileName: String) throws(ImportError) -> Answer {
        var issues = ImportIssueList()
        func problem(_ column: String, _ text: String) {
            issues.add(ImportIssue(file: fileName, line: row.line, column: row.header(column), problem: text))
        }
        let externalID = row.value("customer_id") ?? ""
        if externalID.isEmpty { problem("customer_id", "is empty") }
        let channelText = (row.value("channel") ?? "").lowercased()
        let channel = ContactChannel(rawValue: channelText)
        if channel == nil {
            problem("channel", "'\(ImportIssue.printable(channelText, limit: 20))' is not a channel (email, sms, post, phone)")
        }
        let answerText = row.value("consent") ?? ""
        let granted = ConsentChange.answer(answerText)
        if granted == nil {
            problem("consent", "'\(ImportIssue.printable(answerText, limit: 20))' is not an answer (yes or no, granted or refused, opt-in or opt-out)")
        }
        try issues.check()
        guard let channel, let granted else { throw ImportError(issues: [], total: 0) }
        return Answer(line: row.line, customerSource: row.value("customer_source") ?? customerSource, externalID: externalID, channel: channel, granted: granted)
    }

    /// The file's answers as changes, every customer looked up in `store`; a customer the
    /// store does not hold (or has forgotten) refuses the file with its line, and nothing is
    /// written.
    public func changes(path: String, format: ImportFormat, in store: any Store) async throws -> [ConsentChange] {
        let fileName = (path as NSString).lastPathComponent
        let answers = try items(path: path, format: format, fileName: fileName)
        var issues = ImportIssueList()
        var changes: [ConsentChange] = []
        var known: [String: CustomerID?] = [:]
        for answer in answers {
            let key = "\(answer.customerSource):\(answer.externalID)"
            if known[key] == nil {
                let customer = try await store.customer(source: answer.customerSource, externalID: answer.externalID)
                known[key] = .some(customer?.id)
            }
            guard let id = known[key] ?? nil else {
                issues.add(ImportIssue(
                    file: fileName, line: answer.line, column: "customer_id",
                    problem: "no customer '\(ImportIssue.printable(answer.externalID, limit: 40))' from source '\(ImportIssue.printable(answer.customerSource, limit: 40))'"))
                continue
            }
            changes.append(ConsentChange(customerID: id, channel: answer.channel, granted: answer.granted))
        }
        try issues.check()
        return changes
    }
}
