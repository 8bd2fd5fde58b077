import CordialCore
import CordialStore
import Foundation
import PostgresNIO

/// How a ``Customer`` maps to a row of the `customer` table: the same canonical text as
/// SQLite's store (``StoredCustomerText``), in PostgreSQL's column types.
enum PostgresCustomerRow {
    /// The columns of ``StoredCustomerText/texts(of:)``, in its order.
    static let textColumns = [
        "source", "external_id", "given_name", "family_name", "honorific", "emails", "phones", "address", "city", "region",
        "birthday", "birth_month_day", "locale", "tier", "tags", "attributes",
    ]
    static let jsonColumns: Set<String> = ["emails", "phones", "address", "tags", "attributes"]
    /// What a customer file says: every text column but the key (source, external id).
    static let contentColumns = Array(textColumns[2...])
    static let columns = textColumns + ["created_at", "updated_at", "version"]

    /// A column as read: JSON as its text.
    static func selected(_ column: String, table: String? = nil) -> String {
        let name = table.map { "\($0).\(column)" } ?? column
        return jsonColumns.contains(column) ? "\(name)::text" : name
    }

    /// `id` then every column a ``Customer`` has (not `birth_month_day`, `city`, `region`:
    /// the address holds them), in the order ``customer(_:)`` decodes.
    static let selectList = "id, source, external_id, given_name, family_name, honorific, emails::text, phones::text, "
        + "address::text, birthday, locale, tier, tags::text, attributes::text, created_at, updated_at, version"

    static func customer(_ row: PostgresRow) throws -> Customer {
        let (id, source, externalID, given, family, honorific, emails, phones, address, birthday, locale, tier, tags, attributes,
             created, updated, version) = try row.decode(
                (Int64, String, String, String, String, String?, String, String, String?, String?, String, String?, String, String,
                 Date, Date, Int).self)
        return Customer(
            id: CustomerID(id), source: source, externalID: externalID, name: PersonName(given: given, family: family),
            honorific: honorific, emails: try strings(emails, column: "emails"), phones: try strings(phones, column: "phones"),
            address: try address.map { text in try bytes(of: text, StoredCustomerText.address) },
            birthday: birthday.flatMap { text in bytes(of: text, StoredCustomerText.birthday) }, locale: locale, tier: tier,
            tags: try strings(tags, column: "tags"), attributes: try bytes(of: attributes, StoredCustomerText.attributes),
            createdAt: created, updatedAt: updated, version: version)
    }

    static func strings(_ text: String, column: String) throws -> [String] {
        try bytes(of: text) { try StoredCustomerText.strings($0, column: column) }
    }

    static func bytes<T>(of text: String, _ body: (UnsafeBufferPointer<UInt8>) throws -> T) rethrows -> T {
        var text = text
        return try text.withUTF8(body)
    }

    /// `UPDATE customer SET <every column> WHERE id = …` for a customer read earlier.
    static func update(_ customer: Customer) -> PostgresQuery {
        var bindings = PostgresBindings()
        var assignments: [String] = []
        for (column, text) in zip(textColumns, StoredCustomerText.texts(of: customer)) {
            bindings.append(text)
            assignments.append("\(column) = $\(bindings.count)" + (jsonColumns.contains(column) ? "::json" : ""))
        }
        bindings.append(PostgresTime.stored(customer.createdAt))
        assignments.append("created_at = $\(bindings.count)")
        bindings.append(PostgresTime.stored(customer.updatedAt))
        assignments.append("updated_at = $\(bindings.count)")
        bindings.append(customer.version)
        assignments.append("version = $\(bindings.count)")
        bindings.append(customer.id!.rawValue)
        return PostgresQuery(
            unsafeSQL: "UPDATE customer SET \(assignments.joined(separator: ", ")) WHERE id = $\(bindings.count)", binds: bindings)
    }
}
