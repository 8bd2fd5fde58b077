import CordialCore
import Foundation
import CordialStore
import LuaHost

/// The filter table of `cordial.customers.find`, as a store query.
enum CustomerFilter {
    static let keys: Set<String> = ["tag", "tier", "segment", "label", "after", "limit"]

    static func query(_ arguments: LuaArguments, at index: Int) throws -> CustomerQuery {
        let value = try arguments.value(index, "filter")
        var query = CustomerQuery(limit: 100)
        if value.isNil { return query }
        guard let table = value.tableValue, table.array.isEmpty else {
            throw arguments.invalid("filter", "expected a table such as { tag = \"vip\", limit = 50 }, got \(value.typeName)")
        }
        for (key, element) in table.hash {
            guard let name = key.stringValue, keys.contains(name) else {
                throw arguments.invalid("filter", "unknown filter '\(key.stringValue ?? key.typeName)' (known: \(keys.sorted().joined(separator: ", ")))")
            }
            func text() throws -> String {
                guard let text = element.stringValue else { throw arguments.invalid("filter", "\(name) must be a string, got \(element.typeName)") }
                return text
            }
            func number() throws -> Int64 {
                guard let number = element.integerValue else { throw arguments.invalid("filter", "\(name) must be an integer, got \(element.typeName)") }
                return number
            }
            switch name {
            case "tag": query.tag = try text()
            case "tier": query.tier = try text()
            case "segment": query.segment = try text()
            case "label": query.label = try text()
            case "after": query.after = CustomerID(try number())
            default:
                let limit = try number()
                guard (1...1000).contains(limit) else { throw arguments.invalid("filter", "limit must be 1 to 1000, got \(limit)") }
                query.limit = Int(limit)
            }
        }
        if query.label != nil && query.segment == nil { throw arguments.invalid("filter", "label needs segment") }
        return query
    }
}

extension CustomerFacts {
    /// What a view shows of a stored customer: profile, purchase summary, current labels.
    init(_ customer: Customer, purchases: PurchaseSummary, labels: [String: String]) {
        let day = { (date: Date) in Int((date.timeIntervalSince1970 / 86_400).rounded(.down)) }
        self.init(
            id: customer.id ?? CustomerID(0), source: customer.source, externalID: customer.externalID,
            givenName: customer.name.given, familyName: customer.name.family, locale: customer.locale, tier: customer.tier,
            city: customer.address?.city, region: customer.address?.region, birthday: customer.birthday?.description,
            createdDay: day(customer.createdAt), tags: customer.tags, attributes: customer.attributes,
            purchases: PurchaseFacts(
                count: purchases.count, total: NSDecimalNumber(decimal: purchases.total).doubleValue,
                firstDay: purchases.first.map(day), lastDay: purchases.last.map(day)),
            labels: labels)
    }

    static func load(_ id: CustomerID, from store: any Store) async throws -> CustomerFacts? {
        guard let customer = try await store.customer(id) else { return nil }
        return CustomerFacts(customer, purchases: try await store.purchaseSummary(of: id), labels: try await store.segmentLabels(of: id))
    }

    static func find(_ query: CustomerQuery, in store: any Store) async throws -> [CustomerFacts] {
        try await store.customerFacts(query)
    }
}
