import CordialCore
import CordialStore
import LuaHost

/// The `cordial.customers.update` calls of one handler run, merged per customer and written
/// in one transaction when the handler returns (discarded when it fails).
/// What they hold in Swift counts against the memory cap of the state that queued them until
/// they are removed: a handler that queues changes in a loop stops at its cap.
struct PendingCustomerChanges {
    private(set) var byCustomer: [CustomerID: CustomerChange] = [:]
    private(set) var order: [CustomerID] = []
    /// The state charged for the queued changes, and how much.
    private weak var chargedState: LuaState?
    private var chargedBytes = 0

    var isEmpty: Bool { byCustomer.isEmpty }
    var changes: [CustomerChange] { order.compactMap { byCustomer[$0] } }

    mutating func removeAll() {
        byCustomer = [:]
        order = []
        chargedState?.release(chargedBytes)
        chargedState = nil
        chargedBytes = 0
    }

    mutating func add(_ id: CustomerID, _ value: LuaValue, arguments: LuaArguments) throws {
        let state = arguments.luaState
        if chargedState !== state {
            chargedState?.release(chargedBytes)
            chargedBytes = 0
        }
        guard let table = value.tableValue, table.array.isEmpty else {
            throw arguments.invalid("changes", "expected a table with add_tags, remove_tags, attributes or remove_attributes")
        }
        let queued = byCustomer[id]
        var change = queued ?? CustomerChange(customer: id)
        for (key, element) in table.hash {
            switch key.stringValue {
            case "add_tags": Self.append(try tags(element, "add_tags", arguments), to: &change.addTags)
            case "remove_tags": Self.append(try tags(element, "remove_tags", arguments), to: &change.removeTags)
            case "attributes":
                guard let attributes = element.tableValue, attributes.array.isEmpty else {
                    throw arguments.invalid("changes", "attributes must be a table of name = value")
                }
                for (name, attribute) in attributes.hash {
                    guard let name = name.stringValue, !name.isEmpty else { throw arguments.invalid("changes", "attribute names are strings") }
                    change.attributes[name] = try LuaJSON.jsonValue(attribute, path: "attributes.\(name)")
                }
            case "remove_attributes":
                for name in try tags(element, "remove_attributes", arguments) { change.attributes[name] = .some(nil) }
            default:
                throw arguments.invalid("changes", "unknown change '\(key.stringValue ?? key.typeName)' (known: add_tags, remove_tags, attributes, remove_attributes)")
            }
        }
        // Charged by what the queue grows: a handler that updates one customer many times
        // with the same change holds one change, and is charged for one.
        let grown = Self.size(of: change) - (queued.map(Self.size(of:)) ?? 0)
        if grown > 0 {
            // Counted before the charge: one that crosses the cap is held too, and given back.
            chargedState = state
            chargedBytes += grown
            try state.charge(grown)
        }
        if queued == nil { order.append(id) }
        byCustomer[id] = change
    }

    private static func append(_ items: [String], to list: inout [String]) {
        for item in items where !list.contains(item) { list.append(item) }
    }

    /// About what a queued change holds: its texts and a slot for each value.
    private static func size(of change: CustomerChange) -> Int {
        let tags = (change.addTags + change.removeTags).reduce(96) { $0 + $1.utf8.count + 48 }
        return change.attributes.reduce(tags) { $0 + $1.key.utf8.count + 48 + ($1.value.map(size(of:)) ?? 0) }
    }

    private static func size(of value: JSONValue) -> Int {
        switch value {
        case .string(let text): text.utf8.count + 48
        case .array(let items): items.reduce(64) { $0 + size(of: $1) }
        case .object(let fields): fields.reduce(64) { $0 + $1.key.utf8.count + 48 + size(of: $1.value) }
        default: 48
        }
    }

    private func tags(_ value: LuaValue, _ field: String, _ arguments: LuaArguments) throws -> [String] {
        guard let list = value.tableValue, list.hash.isEmpty, let strings = Optional(list.array.compactMap(\.stringValue)),
              strings.count == list.array.count, strings.allSatisfy({ !$0.isEmpty }) else {
            throw arguments.invalid("changes", "\(field) must be a list of non-empty strings")
        }
        return strings
    }
}
