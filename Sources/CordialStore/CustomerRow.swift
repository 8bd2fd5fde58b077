import CordialCore
import Foundation
import GRDB

/// How a ``Customer`` maps to a row of the `customer` table.
enum CustomerRow {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func json<T: Encodable>(_ value: T) throws -> String {
        String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static func decodeJSON<T: Decodable>(_ type: T.Type, _ text: String?) throws -> T? {
        guard let text else { return nil }
        return try JSONDecoder().decode(type, from: Data(text.utf8))
    }

    /// The columns a customer writes (all but id and forgottenAt), in the order of ``values(of:)``.
    static let columns = [
        "source", "externalID", "givenName", "familyName", "honorific", "emails", "phones", "address", "city", "region",
        "birthday", "birthMonthDay", "locale", "tier", "tags", "attributes", "createdAt", "updatedAt", "version",
    ]
    static let insertSQL =
        "INSERT INTO customer (\(columns.joined(separator: ", "))) VALUES (\(columns.map { _ in "?" }.joined(separator: ", ")))"
    static let updateSQL = "UPDATE customer SET \(columns.map { "\($0) = ?" }.joined(separator: ", ")) WHERE id = ?"

    /// The values of ``columns`` for `customer`.
    static func values(of customer: Customer) throws -> [DatabaseValue] {
        let values: [(any DatabaseValueConvertible)?] = [
            customer.source, customer.externalID, customer.name.given, customer.name.family, customer.honorific,
            try json(customer.emails), try json(customer.phones), try customer.address.map(json),
            customer.address?.city, customer.address?.region, customer.birthday?.description,
            customer.birthday.map { String(format: "%02d-%02d", $0.month, $0.day) },
            customer.locale, customer.tier, try json(customer.tags), try json(customer.attributes),
            customer.createdAt, customer.updatedAt, customer.version,
        ]
        return values.map { $0?.databaseValue ?? .null }
    }

    static func customer(from row: Row) throws -> Customer {
        var birthday: Birthday?
        if let text: String = row["birthday"] {
            let parts = text.split(separator: "-", omittingEmptySubsequences: true).compactMap { Int($0) }
            birthday = text.hasPrefix("--")
                ? (parts.count == 2 ? Birthday(year: nil, month: parts[0], day: parts[1]) : nil)
                : (parts.count == 3 ? Birthday(year: parts[0], month: parts[1], day: parts[2]) : nil)
        }
        return Customer(
            id: CustomerID(row["id"]), source: row["source"], externalID: row["externalID"],
            name: PersonName(given: row["givenName"], family: row["familyName"]), honorific: row["honorific"],
            emails: try decodeJSON([String].self, row["emails"]) ?? [],
            phones: try decodeJSON([String].self, row["phones"]) ?? [],
            address: try decodeJSON(Address.self, row["address"]), birthday: birthday,
            locale: row["locale"], tier: row["tier"], tags: try decodeJSON([String].self, row["tags"]) ?? [],
            attributes: try decodeJSON([String: JSONValue].self, row["attributes"]) ?? [:],
            createdAt: row["createdAt"], updatedAt: row["updatedAt"], version: row["version"])
    }

    static func purchase(from row: Row) throws -> Purchase {
        Purchase(
            id: row["id"], customerID: CustomerID(row["customerId"]), source: row["source"], externalID: row["externalID"],
            time: row["time"], amount: Money(Decimal(string: row["amount"], locale: Locale(identifier: "en_US_POSIX")) ?? 0, row["currency"]),
            quantity: row["quantity"], channel: row["channel"], product: row["product"], category: row["category"])
    }
}
