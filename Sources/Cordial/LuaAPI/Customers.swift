import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// `cordial.customers`: reading customers as views, and changing their tags and attributes.
extension LuaAPI {
    static let customers: [LuaAPIFunction] = [
        LuaAPIFunction(
            "customers.get", "One customer by store id, or by `\"SOURCE:EXTERNAL_ID\"`; nil when there is none.",
            parameters: [.init("id", "integer|string", "a store id (42) or a source and external id (\"crm:C-1042\")")],
            results: [.init("cordial.Customer?", "the customer view")], permission: .customersRead
        ) { context, arguments in
            let store = try context.openStore()
            let id = try arguments.value(1, "id")
            let today = context.todayNumber
            let reference: CustomerReference
            if let number = id.integerValue {
                reference = .id(CustomerID(number))  // one that is not positive names no customer (CustomerFacts.load)
            } else if let text = id.stringValue, text.contains(":") {
                // "crm:" or ":x" names no customer, as an unknown one does.
                guard let parsed = CustomerReference(text) else { return CustomerViewValue(view: nil, metatables: context.viewMetatables) }
                reference = parsed
            } else {
                throw arguments.invalid("id", "expected a store id or \"SOURCE:EXTERNAL_ID\", got \(id.typeName == "string" ? "'\(id.stringValue ?? "")'" : id.typeName)")
            }
            let view = try context.wait { () -> CustomerFacts? in
                // A store id is read once, by the facts read itself.
                let id: CustomerID? = if case .id(let known) = reference { known } else { try await store.customerID(reference) }
                guard let id else { return nil }
                return try await CustomerFacts.load(id, from: store)
            }
            return CustomerViewValue(view: view.map { CustomerView(facts: $0, today: today) }, metatables: context.viewMetatables)
        },
        LuaAPIFunction(
            "customers.find", "Customers matching every given filter, in id order (at most `limit`, 100 by default, 1000 at most).",
            parameters: [.init("filter", "cordial.CustomerFilter", "tag, tier, segment, label, after, limit", optional: true)],
            results: [.init("cordial.Customer[]", "the customers found")], permission: .customersRead,
            example: """
                for _, c in ipairs(cordial.customers.find { segment = "lifecycle", label = "lapsing", limit = 50 }) do
                  print(c.id, c.name)
                end
                """
        ) { context, arguments in
            let store = try context.openStore()
            let query = try CustomerFilter.query(arguments, at: 1)
            let facts = try context.wait { try await store.customerFacts(query) }
            return CustomerViewBatch(facts: facts, today: context.todayNumber, metatables: context.viewMetatables)
        },
        LuaAPIFunction(
            "customers.count", "How many customers the store holds.",
            results: [.init("integer", "the number of customers")], permission: .customersRead
        ) { context, _ in
            let store = try context.openStore()
            return Int64(try context.wait { try await store.countCustomers() })
        },
        LuaAPIFunction(
            "customers.batches", "Iterates over every customer in batches (one query per batch, never one per customer).",
            parameters: [.init("size", "integer", "customers per batch, 1 to 1000 (default 200)", optional: true)],
            results: [.init("fun(): cordial.Customer[]?", "an iterator for a generic `for`")], permission: .customersRead,
            example: """
                for batch in cordial.customers.batches(500) do
                  for _, c in ipairs(batch) do total = total + c.purchases.total end
                end
                """
        ) { context, arguments in
            let store = try context.openStore()
            let size = try arguments.get(1, "size", as: Int?.self) ?? 200
            guard (1...1000).contains(size) else { throw arguments.invalid("size", "expected 1 to 1000, got \(size)") }
            var after: CustomerID?
            var finished = false
            return arguments.luaState.dynamicFunction("cordial.customers.batches iterator") { _ in
                if finished { return LuaValue.nil }
                let query = CustomerQuery(after: after, limit: size)
                let facts = try context.wait { try await store.customerFacts(query) }
                guard let last = facts.last else {
                    finished = true
                    return LuaValue.nil
                }
                after = last.id
                return CustomerViewBatch(facts: facts, today: context.todayNumber, metatables: context.viewMetatables)
            }
        },
        LuaAPIFunction(
            "customers.update", "Changes a customer's tags and attributes. Changes are written together, in one transaction, when the handler returns without error.",
            parameters: [
                .init("id", "integer", "the customer's store id"),
                .init("changes", "cordial.CustomerChanges", "add_tags, remove_tags, attributes (a value of nil removes one)"),
            ],
            permission: .customersWrite, phase: .changing,
            example: """
                cordial.customers.update(c.id, { add_tags = { "vip" }, attributes = { last_gift = "2026-01-20" } })
                """
        ) { context, arguments in
            let id = CustomerID(try arguments.get(1, "id", as: Int64.self))
            try context.run.pendingChanges.add(id, try arguments.value(2, "changes"), arguments: arguments)
            return LuaNoValue()
        },
    ]
}
