import CordialCore
import CordialStore
import Foundation
import GRDB

/// How a ``Customer`` maps to a row of the `customer` table.
enum CustomerRow {
    /// The columns a customer writes (all but id and forgottenAt), in the order ``bind(_:to:)`` binds them.
    static let columns = [
        "source", "externalID", "givenName", "familyName", "honorific", "emails", "phones", "address", "city", "region",
        "birthday", "birthMonthDay", "locale", "tier", "tags", "attributes", "createdAt", "updatedAt", "version",
    ]
    /// The columns that hold what a customer file says (not the key, not the bookkeeping).
    static let contentColumns = Array(columns[2..<16])
    /// An INSERT of `rows` customers.
    static func insertSQL(rows: Int = 1) -> String {
        let row = "(" + columns.map { _ in "?" }.joined(separator: ", ") + ")"
        return "INSERT INTO customer (\(columns.joined(separator: ", "))) VALUES " + Array(repeating: row, count: rows).joined(separator: ", ")
    }
    static let updateSQL = "UPDATE customer SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    /// Binds a customer's values for ``columns``, in order.
    static func bind(_ customer: Customer, to statement: inout BoundStatement) {
        for text in StoredCustomerText.texts(of: customer) { statement.bind(text) }
        statement.bind(storedText(customer.createdAt))
        statement.bind(storedText(customer.updatedAt))
        statement.bind(customer.version)
    }

    /// A time as GRDB stores it ("2024-01-01 00:00:00.000", UTC), so that rows written here
    /// and through GRDB read back alike.
    static func storedText(_ date: Date) -> String {
        String.fromDatabaseValue(date.databaseValue)!
    }

    static func purchase(from row: Row) throws -> Purchase {
        Purchase(
            id: row["id"], customerID: CustomerID(row["customerId"]), source: row["source"], externalID: row["externalID"],
            time: row["time"], amount: Money(Decimal(string: row["amount"], locale: Locale(identifier: "en_US_POSIX")) ?? 0, row["currency"]),
            quantity: row["quantity"], channel: row["channel"], product: row["product"], category: row["category"])
    }
}
