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
    /// One customer as segmentation sees it, through the same bulk read as a page of them.
    static func load(_ id: CustomerID, from store: any Store) async throws -> CustomerFacts? {
        guard id.rawValue > 0 else { return nil }  // store ids are positive (and `- 1` below cannot overflow)
        let found = try await store.customerFacts(CustomerQuery(after: CustomerID(id.rawValue - 1), limit: 1))
        return found.first { $0.id == id }
    }
}
