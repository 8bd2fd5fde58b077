import CordialCore
import CordialStore
import Foundation

/// Reads feedback files — CSV or JSON Lines, one case per row: when it was received, its
/// channel, kind, category (one the plugins declare), severity and text; the customer's
/// external id (`customer_id`, with `customer_source` or the source given) or, for an
/// anonymous contact, a name, email or phone; optionally its own id in the system it comes
/// from (`feedback_id`: a file read twice adds each case once), language, CSAT and NPS.
///
/// An archive brought from another system carries its handling: when each case was
/// acknowledged, resolved, followed up and closed (`acknowledged_at`, `resolved_at`,
/// `followed_up_at`, `closed_at`, any of them, in that order). Those steps are written at their
/// times, so the service standards and reports read the archive as it was handled.
public struct FeedbackImporter: ImportRowParser {
    public static let fields: [String: [String]] = [
        "feedback_id": ["feedback_id", "id", "ticket", "case_id", "reference"],
        "customer_source": ["customer_source"],
        "customer_id": ["customer_id", "customer", "client_id"],
        "contact_name": ["contact_name", "name"],
        "contact_email": ["contact_email", "email"],
        "contact_phone": ["contact_phone", "phone"],
        "received_at": ["received_at", "time", "date", "created_at"],
        "channel": ["channel"],
        "kind": ["kind", "type"],
        "category": ["category"],
        "severity": ["severity", "priority"],
        "text": ["text", "message", "comment", "body"],
        "language": ["language", "lang", "locale"],
        "csat": ["csat", "satisfaction"],
        "nps": ["nps"],
        "acknowledged_at": ["acknowledged_at"],
        "resolved_at": ["resolved_at"],
        "followed_up_at": ["followed_up_at"],
        "closed_at": ["closed_at"],
    ]

    /// The archive's columns and the status each records.
    static let archiveColumns: [(column: String, status: FeedbackStatus)] = [
        ("acknowledged_at", .acknowledged), ("resolved_at", .resolved), ("followed_up_at", .followedUp), ("closed_at", .closed),
    ]

    /// A row's case, before its customer is looked up.
    public struct Row: Sendable {
        public var line: Int
        public var customer: (source: String, externalID: String)?
        public var feedback: Feedback
        /// The steps the archive recorded, in order.
        public var history: [FeedbackArchiveStep]
    }

    /// The system the cases come from (their ids are unique in it), and the source of the
    /// customers they name, for rows without a `customer_source` column.
    public var source: String
    public var customerSource: String
    public var taxonomy: FeedbackTaxonomy
    public var dateOrder: CustomerImporter.DateOrder?

    public init(source: String = "import", customerSource: String = "import", taxonomy: FeedbackTaxonomy, dateOrder: CustomerImporter.DateOrder? = nil) {
        self.source = source
        self.customerSource = customerSource
        self.taxonomy = taxonomy
        self.dateOrder = dateOrder
    }

    public var uniqueKey: String { "feedback_id" }

    public func duplicateKey(of row: ImportRow) -> String? { row.value("feedback_id") }

    public func resolve(header: [String], fileName: String) throws(ImportError) -> [String] {
        try ImportRow.knownNames(of: header, fields: Self.fields, required: ["received_at", "channel", "kind", "category", "text"], fileName: fileName)
    }

    public func item(from row: ImportRow, fileName: String) throws(ImportError) -> Row {
        var issues = ImportIssueList()
        func problem(_ column: String, _ text: String) {
            issues.add(ImportIssue(file: fileName, line: row.line, column: row.header(column), problem: text))
        }
        func choice<Value: RawRepresentable & CaseIterable>(_ column: String, _ type: Value.Type, default fallback: Value? = nil) -> Value?
        where Value.RawValue == String {
            let text = (row.value(column) ?? "").lowercased().replacingOccurrences(of: "_", with: "-")
            if text.isEmpty, let fallback { return fallback }
            guard let value = Value(rawValue: text) else {
                problem(column, "\(Self.shown(text)) is not one of " + Value.allCases.map(\.rawValue).joined(separator: ", "))
                return nil
            }
            return value
        }
        func score(_ column: String, _ range: ClosedRange<Int>) -> Int? {
            guard let text = row.value(column), !text.isEmpty else { return nil }
            guard let value = Int(text), range.contains(value) else {
                problem(column, "'\(ImportIssue.printable(text, limit: 20))' is not a whole number from \(range.lowerBound) to \(range.upperBound)")
                return nil
            }
            return value
        }

        var received: Date?
        let receivedText = row.value("received_at") ?? ""
        switch PurchaseImporter.time(receivedText, order: dateOrder) {
        case .success where receivedText.utf8.count > 10 && CalendarDays.day(ofPrefix: Array(receivedText.utf8.prefix(10))) == nil:
            // ISO parsing rolls 30 February over to March: a time's date must be a real one.
            problem("received_at", "'\(ImportIssue.printable(receivedText, limit: 40))' is not a time (2024-03-01, 2024-03-01T10:20:00Z)")
        case .success(let time):
            if let wrong = Self.receivedProblem(time, text: receivedText) { problem("received_at", wrong) } else { received = time }
        case .failure(let failure): problem("received_at", failure.text)
        }
        let channel = choice("channel", FeedbackChannel.self)
        let kind = choice("kind", FeedbackKind.self)
        let severity = choice("severity", FeedbackSeverity.self, default: .medium)
        let category = (row.value("category") ?? "").lowercased()
        // A value with spaces is no category: most likely a text in the wrong column, not repeated in the error.
        if category.contains(where: \.isWhitespace) || category.count > 80 {
            problem("category", "\(Self.shown(category)) is not a category (are the columns in their order?)")
        } else if let wrong = taxonomy.problem(category) {
            problem("category", wrong)
        }
        let text = row.value("text") ?? ""
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { problem("text", "is empty") }
        if text.utf8.count > Feedback.maximumTextBytes { problem("text", "is longer than \(Feedback.maximumTextBytes / 1024) KB") }
        let csat = score("csat", 1...5), nps = score("nps", 0...10)
        var history: [FeedbackArchiveStep] = []
        var previous = (column: "received_at", time: received)
        for (column, status) in Self.archiveColumns {
            guard let text = row.value(column), !text.isEmpty else { continue }
            guard let time = Self.time(text) else {
                problem(column, "'\(ImportIssue.printable(text, limit: 40))' is not a time (2024-03-01T10:20:00Z)")
                continue
            }
            if let wrong = Self.receivedProblem(time, text: text) { problem(column, wrong) }
            if let before = previous.time, time < before { problem(column, "is before \(row.header(previous.column))") }
            history.append(FeedbackArchiveStep(status, at: time))
            previous = (column, time)
        }
        let externalID = row.value("customer_id").flatMap { $0.isEmpty ? nil : $0 }
        let contact = FeedbackContact(name: row.value("contact_name"), email: row.value("contact_email"), phone: row.value("contact_phone")).nonEmpty
        if externalID == nil, contact == nil {
            problem("customer_id", "names no customer, and the row has no contact (contact_name, contact_email or contact_phone)")
        }
        try issues.check()
        guard let received, let channel, let kind, let severity else { throw ImportError(issues: [], total: 0) }
        let feedback = Feedback(
            customerID: nil, contact: contact, source: source, externalID: row.value("feedback_id").flatMap { $0.isEmpty ? nil : $0 },
            channel: channel, kind: kind, category: category, severity: severity, text: text,
            language: row.value("language").flatMap { $0.isEmpty ? nil : $0 }, csat: csat, nps: nps, receivedAt: received)
        return Row(line: row.line, customer: externalID.map { (row.value("customer_source") ?? customerSource, $0) }, feedback: feedback, history: history)
    }

    /// An ISO 8601 time (`2025-03-01T09:30:00Z`, with an offset, or `2025-03-01 09:30:00` as
    /// UTC) or an ISO date (midnight UTC), its date a real one (no 30 February); nil for anything else.
    public static func time(_ text: String) -> Date? {
        guard CalendarDays.day(ofPrefix: Array(text.utf8.prefix(10))) != nil else { return nil }
        if case .success(let time) = PurchaseImporter.time(text, order: nil) { return time }
        return nil
    }

    /// Why `time` cannot be when a case was received: before 1970, or more than a day ahead of now.
    public static func receivedProblem(_ time: Date, text: String, now: Date = Date()) -> String? {
        if time.timeIntervalSince1970 < 0 { return "'\(ImportIssue.printable(text, limit: 40))' is before 1970" }
        if time.timeIntervalSince(now) > 86_400 { return "'\(ImportIssue.printable(text, limit: 40))' is in the future" }
        return nil
    }

    /// A value as an error may show it: a word as it is; a text (spaces, or long) only by its
    /// length, since it is most likely a customer's words in the wrong column.
    static func shown(_ value: String) -> String {
        value.contains(where: \.isWhitespace) || value.count > 40 ? "a text of \(value.count) characters" : "'\(ImportIssue.printable(value, limit: 40))'"
    }

    /// The file's cases, every customer looked up in `store`; a customer the store does not
    /// hold (or has forgotten) refuses the file with its line, and nothing is written.
    public func cases(path: String, format: ImportFormat, in store: any Store) async throws -> [Feedback] {
        try await archive(path: path, format: format, in: store).cases
    }

    /// The file's cases and the handling steps each row's archive columns give (empty lists
    /// when the file has none), customers looked up as ``cases(path:format:in:)`` does.
    public func archive(path: String, format: ImportFormat, in store: any Store) async throws -> (cases: [Feedback], history: [[FeedbackArchiveStep]]) {
        let fileName = (path as NSString).lastPathComponent
        let rows = try items(path: path, format: format, fileName: fileName)
        var issues = ImportIssueList()
        var cases: [Feedback] = []
        var history: [[FeedbackArchiveStep]] = []
        var known: [String: CustomerID?] = [:]
        for row in rows {
            var feedback = row.feedback
            if let (source, externalID) = row.customer {
                let key = "\(source):\(externalID)"
                if known[key] == nil { known[key] = .some(try await store.customer(source: source, externalID: externalID)?.id) }
                guard let id = known[key] ?? nil else {
                    issues.add(ImportIssue(
                        file: fileName, line: row.line, column: "customer_id",
                        problem: "no customer '\(ImportIssue.printable(externalID, limit: 40))' from source '\(ImportIssue.printable(source, limit: 40))'"))
                    continue
                }
                feedback.customerID = id
            }
            cases.append(feedback)
            history.append(row.history)
        }
        try issues.check()
        return (cases, history.contains { !$0.isEmpty } ? history : [])
    }
}
