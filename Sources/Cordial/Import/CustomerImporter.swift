import CordialCore
import CordialStore
import Foundation

/// Reads customer files — CSV (RFC 4180) or JSON Lines — into an import batch, upserting by
/// external id. Headers map to fields by their usual names (`external_id`, `first_name`,
/// `family_name`, `email`, `birthday`, …) or by `mapping` (`["external_id": "Mã KH"]`);
/// other columns become free attributes. Lists (emails, phones, tags) are separated by `|`.
public struct CustomerImporter {
    public enum Format: String, Sendable, CaseIterable {
        case csv, jsonl
    }

    /// How day/month dates are written when they are not ISO 8601 (`1990-02-28`, `--02-28`).
    public enum DateOrder: String, Sendable, CaseIterable {
        /// 28/02/1990, 28.02.1990 (Vietnam, most of Europe)
        case dmy
        /// 02/28/1990 (the United States)
        case mdy
    }

    public static let fields: [String: [String]] = [
        "external_id": ["external_id", "id", "customer_id", "customer"],
        "given_name": ["given_name", "first_name", "given", "firstname"],
        "family_name": ["family_name", "last_name", "surname", "family", "lastname"],
        "honorific": ["honorific", "title", "salutation"],
        "emails": ["emails", "email", "e_mail"],
        "phones": ["phones", "phone", "mobile", "telephone"],
        "address": ["address", "street", "address_line"],
        "city": ["city", "town"],
        "region": ["region", "province", "state"],
        "postal_code": ["postal_code", "postcode", "zip"],
        "country": ["country"],
        "birthday": ["birthday", "birth_date", "date_of_birth", "dob"],
        "locale": ["locale", "language", "lang"],
        "tier": ["tier", "level"],
        "tags": ["tags", "tag", "labels"],
    ]

    public var source: String
    public var mapping: [String: String]
    public var dateOrder: DateOrder?

    public init(source: String = "import", mapping: [String: String] = [:], dateOrder: DateOrder? = nil) {
        self.source = source
        self.mapping = mapping
        self.dateOrder = dateOrder
    }

    public func batch(from data: Data, format: Format, fileName: String) throws(ImportError) -> ImportBatch {
        let rows: [(line: Int, values: [String: String])]
        switch format {
        case .csv: rows = try csvRows(data, fileName: fileName)
        case .jsonl: rows = try jsonRows(data, fileName: fileName)
        }
        var issues = ImportIssueList()
        var customers: [Customer] = []
        var seen: [String: Int] = [:]
        for row in rows {
            let externalID = row.values["external_id"]?.trimmingCharacters(in: .whitespaces) ?? ""
            if !externalID.isEmpty {
                if let first = seen[externalID] {
                    issues.add(ImportIssue(
                        file: fileName, line: row.line, column: "external_id",
                        problem: "'\(externalID)' already appears on line \(first)"))
                    continue
                }
                seen[externalID] = row.line
            }
            do {
                customers.append(try customer(from: row.values, line: row.line, fileName: fileName))
            } catch {
                for issue in error.issues { issues.add(issue) }
            }
        }
        try issues.check()
        return ImportBatch(customers: customers)
    }

    // MARK: - Rows

    private func csvRows(_ data: Data, fileName: String) throws(ImportError) -> [(line: Int, values: [String: String])] {
        let records: [CSVReader.Record]
        do {
            records = try CSVReader(separator: CSVReader.separator(for: data)).records(of: data)
        } catch {
            let (line, problem): (Int, String) = switch error {
            case .invalidUTF8(let line): (line, "not valid UTF-8")
            case .unterminatedQuote(let line): (line, "a quoted field is never closed")
            case .textAfterClosingQuote(let line): (line, "text after a closing quote (write \"\" for a quote inside a field)")
            }
            throw ImportError(issues: [ImportIssue(file: fileName, line: line, problem: problem)], total: 1)
        }
        guard let header = records.first else { return [] }
        let columns = try resolve(header: header.fields, fileName: fileName)
        var issues = ImportIssueList()
        var rows: [(line: Int, values: [String: String])] = []
        for record in records.dropFirst() {
            guard record.fields.count == header.fields.count else {
                issues.add(ImportIssue(
                    file: fileName, line: record.line,
                    problem: "expected \(header.fields.count) fields as in the header, found \(record.fields.count)"))
                continue
            }
            var values: [String: String] = [:]
            for (index, name) in columns.enumerated() { values[name] = record.fields[index] }
            rows.append((record.line, values))
        }
        try issues.check()
        return rows
    }

    private func jsonRows(_ data: Data, fileName: String) throws(ImportError) -> [(line: Int, values: [String: String])] {
        var issues = ImportIssueList()
        var rows: [(line: Int, values: [String: String])] = []
        var lineNumber = 0
        for rawLine in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard String(validating: rawLine, as: UTF8.self) != nil else {
                issues.add(ImportIssue(file: fileName, line: lineNumber, problem: "not valid UTF-8"))
                continue
            }
            if rawLine.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            guard let object = try? JSONSerialization.jsonObject(with: Data(rawLine)) as? [String: Any] else {
                issues.add(ImportIssue(file: fileName, line: lineNumber, problem: "not a JSON object"))
                continue
            }
            let names = (try? resolve(header: Array(object.keys), fileName: fileName)) ?? Array(object.keys)
            var values: [String: String] = [:]
            for (key, name) in zip(object.keys, names) {
                switch object[key] {
                case let list as [Any]: values[name] = list.map { "\($0)" }.joined(separator: "|")
                case is NSNull, nil: continue
                case let value?: values[name] = "\(value)"
                }
            }
            rows.append((lineNumber, values))
        }
        try issues.check()
        return rows
    }

    /// The field name of each header (or the header itself, for a free attribute).
    private func resolve(header: [String], fileName: String) throws(ImportError) -> [String] {
        let byHeader = Dictionary(mapping.map { ($0.value, $0.key) }, uniquingKeysWith: { first, _ in first })
        let names = header.map { title -> String in
            if let field = byHeader[title] { return field }
            let normal = Self.normalize(title)
            return Self.fields.first { $0.value.contains(normal) }?.key ?? title
        }
        for (field, title) in mapping where !header.contains(title) {
            throw ImportError(issues: [ImportIssue(
                file: fileName, line: 1, problem: "the mapping names column '\(title)' for '\(field)', but the header has no such column")], total: 1)
        }
        guard names.contains("external_id") else {
            throw ImportError(issues: [ImportIssue(
                file: fileName, line: 1,
                problem: "no column for 'external_id' (columns: \(header.joined(separator: ", "))); map one with --map external_id=COLUMN")], total: 1)
        }
        return names
    }

    static func normalize(_ title: String) -> String {
        title.trimmingCharacters(in: .whitespaces).lowercased()
            .replacingOccurrences(of: " ", with: "_").replacingOccurrences(of: "-", with: "_")
    }

    // MARK: - One customer

    private func customer(from values: [String: String], line: Int, fileName: String) throws(ImportError) -> Customer {
        var issues = ImportIssueList()
        func value(_ field: String) -> String? {
            guard let text = values[field]?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
            return text
        }
        func list(_ field: String) -> [String] {
            (value(field) ?? "").split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        let externalID = value("external_id") ?? ""
        if externalID.isEmpty { issues.add(ImportIssue(file: fileName, line: line, column: "external_id", problem: "is empty")) }
        let emails = list("emails")
        for email in emails where !Self.looksLikeEmail(email) {
            issues.add(ImportIssue(file: fileName, line: line, column: "emails", problem: "'\(email)' is not an e-mail address"))
        }
        var birthday: Birthday?
        if let text = value("birthday") {
            switch Self.birthday(text, order: dateOrder) {
            case .success(let parsed): birthday = parsed
            case .failure(let problem): issues.add(ImportIssue(file: fileName, line: line, column: "birthday", problem: problem.text))
            }
        }
        let locale = value("locale") ?? "en"
        if !locale.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) {
            issues.add(ImportIssue(file: fileName, line: line, column: "locale", problem: "'\(locale)' is not a language tag (vi, zh-Hans, en-GB)"))
        }
        try issues.check()

        let addressFields = ["address", "city", "region", "postal_code", "country"]
        let address: Address? = addressFields.contains(where: { value($0) != nil })
            ? Address(lines: value("address").map { [$0] } ?? [], city: value("city"), region: value("region"),
                      postalCode: value("postal_code"), country: value("country")?.uppercased())
            : nil
        var attributes: [String: JSONValue] = [:]
        for (key, text) in values where Self.fields[key] == nil && !text.isEmpty {
            attributes[key] = .string(text)
        }
        return Customer(
            source: source, externalID: externalID,
            name: PersonName(given: value("given_name") ?? "", family: value("family_name") ?? ""),
            honorific: value("honorific"), emails: emails, phones: list("phones"), address: address, birthday: birthday,
            locale: locale, tier: value("tier"), tags: list("tags"), attributes: attributes)
    }

    static func looksLikeEmail(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !text.contains(" ")
    }

    struct DateProblem: Error { let text: String }

    /// ISO 8601 (`1990-02-28`, `--02-28`), or day and month in `order` (`28/02/1990`,
    /// `28.02`); without an order, a date that reads both ways is refused as ambiguous.
    static func birthday(_ text: String, order: DateOrder?) -> Result<Birthday, DateProblem> {
        let notADate = DateProblem(text: "'\(text)' is not a date")
        if text.hasPrefix("--") {
            let parts = text.dropFirst(2).split(separator: "-").map { Int($0) }
            guard parts.count == 2, let month = parts[0], let day = parts[1],
                  let birthday = Birthday(year: nil, month: month, day: day) else { return .failure(notADate) }
            return .success(birthday)
        }
        if text.contains("-") {
            let parts = text.split(separator: "-").map { Int($0) }
            guard parts.count == 3, let year = parts[0], let month = parts[1], let day = parts[2], text.prefix(4).allSatisfy(\.isNumber),
                  let birthday = Birthday(year: year, month: month, day: day) else { return .failure(notADate) }
            return .success(birthday)
        }
        let parts = text.split(whereSeparator: { $0 == "/" || $0 == "." }).map { Int($0) }
        guard (2...3).contains(parts.count), parts.allSatisfy({ $0 != nil }) else { return .failure(notADate) }
        let first = parts[0]!, second = parts[1]!
        let year = parts.count == 3 ? parts[2]! : nil
        let resolved: DateOrder
        if let order {
            resolved = order
        } else if first > 12 {
            resolved = .dmy
        } else if second > 12 {
            resolved = .mdy
        } else if first == second {
            resolved = .dmy
        } else {
            return .failure(DateProblem(text: "'\(text)' is ambiguous (day/month or month/day?); name the order with --date-format dmy or mdy"))
        }
        let (day, month) = resolved == .dmy ? (first, second) : (second, first)
        guard let birthday = Birthday(year: year, month: month, day: day) else { return .failure(notADate) }
        return .success(birthday)
    }
}
