import CordialCore
import CordialStore
import Foundation

/// Reads customer files — CSV (RFC 4180) or JSON Lines — into an import batch, upserting by
/// external id. Headers map to fields by their usual names (`external_id`, `first_name`,
/// `family_name`, `email`, `birthday`, …) or by `mapping` (`["external_id": "Mã KH"]`);
/// other columns become free attributes. Lists (emails, phones, tags) are separated by `|`.
public struct CustomerImporter: BatchImportRowParser {
    public typealias Format = ImportFormat

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

    // MARK: - ImportRowParser

    public var uniqueKey: String { "external_id" }

    public func item(from row: ImportRow, fileName: String) throws(ImportError) -> Customer {
        try customer(from: row, fileName: fileName)
    }

    public static func batch(of customers: [Customer]) -> ImportBatch {
        ImportBatch(customers: customers)
    }

    /// The field name of each header (or the header itself, for a free attribute).
    public func resolve(header: [String], fileName: String) throws(ImportError) -> [String] {
        let names = ImportRow.names(of: header, fields: Self.fields, mapping: mapping)
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

    // MARK: - One customer

    func customer(from row: ImportRow, fileName: String) throws(ImportError) -> Customer {
        var issues = ImportIssueList()
        let line = row.line
        let value = row.value, list = row.list
        let externalID = value("external_id") ?? ""
        if externalID.isEmpty { issues.add(ImportIssue(file: fileName, line: line, column: row.header("external_id"), problem: "is empty")) }
        let emails = list("emails")
        for email in emails where !Self.looksLikeEmail(email) {
            issues.add(ImportIssue(file: fileName, line: line, column: row.header("emails"), problem: "is not an e-mail address"))
        }
        var birthday: Birthday?
        if let text = value("birthday") {
            switch Self.birthday(text, order: dateOrder) {
            case .success(let parsed): birthday = parsed
            case .failure(let problem): issues.add(ImportIssue(file: fileName, line: line, column: row.header("birthday"), problem: problem.text))
            }
        }
        let locale = value("locale") ?? "en"
        if !locale.utf8.allSatisfy(Self.isLanguageTagByte) {
            issues.add(ImportIssue(file: fileName, line: line, column: row.header("locale"), problem: "'\(locale)' is not a language tag (vi, zh-Hans, en-GB)"))
        }
        try issues.check()

        let (street, city, region, postalCode, country) = (value("address"), value("city"), value("region"), value("postal_code"), value("country"))
        let address: Address? = street == nil && city == nil && region == nil && postalCode == nil && country == nil
            ? nil
            : Address(lines: street.map { [$0] } ?? [], city: city, region: region, postalCode: postalCode, country: country?.uppercased())
        var attributes: [String: JSONValue] = [:]
        for (name, column) in row.columns.attributes {
            // JSON Lines values keep their type (a boolean, an object); CSV ones are text.
            // Empty text and null are no attribute.
            let value = row.values?[column] ?? .string(row.texts[column])
            if value == .null || value == .string("") { continue }
            attributes[name] = value
        }
        if attributes.count > ImportLimits.attributes {
            throw ImportError(issues: [ImportIssue(
                file: fileName, line: line, problem: "\(attributes.count) free attributes; at most \(ImportLimits.attributes)")], total: 1)
        }
        return Customer(
            source: source, externalID: externalID,
            name: PersonName(given: value("given_name") ?? "", family: value("family_name") ?? ""),
            honorific: value("honorific"), emails: emails, phones: list("phones"), address: address, birthday: birthday,
            locale: locale, tier: value("tier"), tags: list("tags"), attributes: attributes)
    }

    /// ASCII letters, digits, `-` and `_`: what a language tag (vi, zh-Hans, en_GB) is made of.
    static func isLanguageTagByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"): true
        default: false
        }
    }

    /// One `@` with text before it, a dot after it, no spaces.
    static func looksLikeEmail(_ text: String) -> Bool {
        let bytes = text.utf8
        guard let at = bytes.firstIndex(of: UInt8(ascii: "@")), at != bytes.startIndex else { return false }
        let domain = bytes[bytes.index(after: at)...]
        return !domain.contains(UInt8(ascii: "@")) && domain.contains(UInt8(ascii: ".")) && !bytes.contains(UInt8(ascii: " "))
    }

    struct DateProblem: Error { let text: String }

    /// `1990-02-28` read digit by digit (most files write this; the general parser below is
    /// ten times slower); nil for anything else.
    private static func isoDate(_ text: String) -> Result<Birthday, DateProblem>? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else { return nil }
        func number(_ range: Range<Int>) -> Int? {
            var value = 0
            for byte in bytes[range] {
                guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) else { return nil }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        guard let year = number(0..<4), let month = number(5..<7), let day = number(8..<10) else { return nil }
        guard let birthday = Birthday(year: year, month: month, day: day) else { return .failure(DateProblem(text: "is not a date")) }
        return .success(birthday)
    }

    /// ISO 8601 (`1990-02-28`, `--02-28`), or day and month in `order` (`28/02/1990`,
    /// `28.02`); without an order, a date that reads both ways is refused as ambiguous.
    static func birthday(_ text: String, order: DateOrder?) -> Result<Birthday, DateProblem> {
        if let iso = isoDate(text) { return iso }
        let notADate = DateProblem(text: "is not a date")
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
            return .failure(DateProblem(text: "is ambiguous (day/month or month/day?); name the order with --date-format dmy or mdy"))
        }
        let (day, month) = resolved == .dmy ? (first, second) : (second, first)
        guard let birthday = Birthday(year: year, month: month, day: day) else { return .failure(notADate) }
        return .success(birthday)
    }
}
