import CordialCore
import CordialStore
import Foundation

/// Writes customers as CSV or JSON Lines that ``CustomerImporter`` reads back to the same
/// customers (with `--source` naming the source again): column names are the importer's
/// field names, lists are joined with `|`, birthdays are ISO 8601, each free attribute is
/// a column of its own.
public struct CustomerExporter {
    public var format: CustomerImporter.Format

    /// Only the current members of this segment (of its label, when it names one).
    public var segment: SegmentSelector?

    public init(format: CustomerImporter.Format, segment: SegmentSelector? = nil) {
        self.format = format
        self.segment = segment
    }

    /// The customers to export, a batch at a time: every one, or a segment's members in id order.
    private func eachBatch(of store: any Store, _ body: ([Customer]) throws -> Void) async throws {
        guard let segment else {
            for try await batch in store.scanCustomers(batchSize: 1_000) { try body(batch) }
            return
        }
        var after: CustomerID?
        while true {
            let page = try await store.customers(CustomerQuery(after: after, limit: 1_000, segment: segment.segment, label: segment.label))
            guard let last = page.last else { return }
            try body(page)
            after = last.id
        }
    }

    static let columns = [
        "external_id", "given_name", "family_name", "honorific", "emails", "phones", "address", "city", "region",
        "postal_code", "country", "birthday", "locale", "tier", "tags",
    ]

    /// Streams the store's customers to `write`, one batch in memory at a time. Returns how many.
    @discardableResult
    public func export(from store: any Store, to write: (String) throws -> Void) async throws -> Int {
        // First pass: the attribute columns (CSV needs them in the header).
        var attributeKeys: Set<String> = []
        if format == .csv {
            try await eachBatch(of: store) { batch in
                for customer in batch { attributeKeys.formUnion(customer.attributes.keys) }
            }
        }
        let attributes = attributeKeys.sorted()
        if format == .csv { try write(Self.csvLine(Self.columns + attributes)) }
        var count = 0
        try await eachBatch(of: store) { batch in
            for customer in batch {
                switch format {
                case .csv:
                    try write(Self.csvRow(customer, attributeColumns: attributes))
                case .jsonl:
                    var object: [String: Any] = [:]
                    for (key, value) in Self.fields(of: customer) where !value.isEmpty { object[key] = value }
                    for key in ["emails", "phones", "tags"] { object[key] = Self.list(key, of: customer) }
                    for (key, value) in customer.attributes { object[key] = Self.text(value) }
                    let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
                    try write(String(decoding: data, as: UTF8.self) + "\n")
                }
                count += 1
            }
        }
        return count
    }

    /// One customer as a CSV line: ``columns``, then the named attributes.
    static func csvRow(_ customer: Customer, attributeColumns: [String]) -> String {
        let fields = fields(of: customer)
        return csvLine(columns.map { fields[$0] ?? "" } + attributeColumns.map { text(customer.attributes[$0]) })
    }

    static func list(_ key: String, of customer: Customer) -> [String] {
        switch key {
        case "emails": customer.emails
        case "phones": customer.phones
        default: customer.tags
        }
    }

    static func fields(of customer: Customer) -> [String: String] {
        [
            "external_id": customer.externalID, "given_name": customer.name.given, "family_name": customer.name.family,
            "honorific": customer.honorific ?? "", "emails": customer.emails.joined(separator: "|"),
            "phones": customer.phones.joined(separator: "|"), "address": customer.address?.lines.joined(separator: ", ") ?? "",
            "city": customer.address?.city ?? "", "region": customer.address?.region ?? "",
            "postal_code": customer.address?.postalCode ?? "", "country": customer.address?.country ?? "",
            "birthday": customer.birthday?.description ?? "", "locale": customer.locale, "tier": customer.tier ?? "",
            "tags": customer.tags.joined(separator: "|"),
        ]
    }

    /// Strings as they are; other JSON values as JSON text.
    static func text(_ value: JSONValue?) -> String {
        switch value {
        case nil, .null?: ""
        case .string(let text)?: text
        case let value?: (try? String(decoding: JSONEncoder().encode(value), as: UTF8.self)) ?? ""
        }
    }

    /// One RFC 4180 line: fields with a comma, quote, newline or edge space are quoted.
    static func csvLine(_ fields: [String]) -> String {
        fields.map { field in
            let needsQuotes = field.contains { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == ";" }
                || field.first == " " || field.last == " "
            return needsQuotes ? "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : field
        }.joined(separator: ",") + "\r\n"
    }
}
