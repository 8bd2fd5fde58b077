import ArgumentParser
import CordialStore

/// `cordial init`: creates the store, or brings its schema up to date.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create the store (or migrate it).")

    @OptionGroup var store: StoreOptions

    /// `{"store": "cordial.sqlite", "customers": 0}`; a PostgreSQL location without its credentials.
    private struct Ready: Encodable {
        let store: String
        let customers: Int
    }

    func run() async throws {
        let opened = try await store.open(creating: true)
        let customers = try await opened.countCustomers()
        let shown = StoreLocation.withoutCredentials(store.location)
        if store.json { return try store.printJSON(Ready(store: shown, customers: customers)) }
        print("store \(shown) is ready (\(customers) customers)")
    }
}
