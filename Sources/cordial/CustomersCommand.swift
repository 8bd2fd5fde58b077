import ArgumentParser
import CordialCore
import CordialStore
import Foundation

/// `cordial customers list|show`
struct CustomersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customers", abstract: "Look at the customer file.",
        subcommands: [ListCustomers.self, ShowCustomer.self])
}

struct ListCustomers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List customers in id order.")

    @OptionGroup var store: StoreOptions

    @Option(help: "At most this many.")
    var limit: Int = 20

    @Option(help: "Only customers with this tag.")
    var tag: String?

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let opened = try await store.open()
        let customers = try await opened.customers(CustomerQuery(limit: limit, tag: tag))
        if store.json { return try store.printJSON(customers) }
        for customer in customers {
            let name = customer.displayName.isEmpty ? "(no name)" : customer.displayName
            print("\(customer.id!)\t\(customer.source):\(customer.externalID)\t\(name)\t\(customer.locale)\t\(customer.tier ?? "-")")
        }
        let total = try await opened.countCustomers()
        print("\(customers.count) of \(total) customers")
    }
}

struct ShowCustomer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One customer, with a purchase summary.",
        discussion: "ID is the store id (42) or SOURCE:EXTERNAL-ID (cdnow:00042).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The customer.")
    var id: String

    struct Shown: Encodable {
        var customer: Customer
        var purchases: PurchaseSummary
    }

    func run() async throws {
        let opened = try await store.open()
        let found: Customer?
        if let number = Int64(id) {
            found = try await opened.customer(CustomerID(number))
        } else if let colon = id.firstIndex(of: ":") {
            found = try await opened.customer(source: String(id[..<colon]), externalID: String(id[id.index(after: colon)...]))
        } else {
            throw ValidationError("'\(id)' is neither a store id nor SOURCE:EXTERNAL-ID")
        }
        guard let customer = found else { throw CommandFailure("no customer '\(id)'") }
        let summary = try await opened.purchaseSummary(of: customer.id!)
        if store.json { return try store.printJSON(Shown(customer: customer, purchases: summary)) }
        let day = Date.ISO8601FormatStyle().year().month().day()
        print("""
            id        \(customer.id!)  (\(customer.source):\(customer.externalID))
            name      \(customer.displayName.isEmpty ? "(no name)" : customer.displayName)
            locale    \(customer.locale)   tier \(customer.tier ?? "-")   tags \(customer.tags.joined(separator: ", "))
            purchases \(summary.count), total \(summary.total), first \(summary.first.map { $0.formatted(day) } ?? "-"), last \(summary.last.map { $0.formatted(day) } ?? "-")
            """)
    }
}
