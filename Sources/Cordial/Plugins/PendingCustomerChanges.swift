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
        let bytes = Self.size(of: value)
        // Counted before the charge: one that crosses the cap is held too, and given back.
        chargedState = state
        chargedBytes += bytes
        try state.charge(bytes)
        guard let table = value.tableValue, table.array.isEmpty else {
            throw arguments.invalid("changes", "expected a table with add_tags, remove_tags, attributes or remove_attributes")
        }
        var change = byCustomer[id] ?? CustomerChange(customer: id)
        for (key, element) in table.hash {
            switch key.stringValue {
            case "add_tags": change.addTags += try tags(element, "add_tags", arguments)
            case "remove_tags": change.removeTags += try tags(element, "remove_tags", arguments)
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
        if byCustomer[id] == nil { order.append(id) }
        byCustomer[id] = change
    }

    /// About what a change holds once queued: its texts and a slot for each value.
    private static func size(of value: LuaValue) -> Int {
        switch value {
        case .string(let string): string.bytes.count + 48
        case .table(let table): table.array.reduce(64) { $0 + size(of: $1) } + table.hash.reduce(0) { $0 + size(of: $1.key) + size(of: $1.value) }
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
