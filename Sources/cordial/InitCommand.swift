import ArgumentParser
import CordialStore

/// `cordial init`: creates the store, or brings its schema up to date.
struct InitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "init", abstract: "Create the store (or migrate it).")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let opened = try await store.open(creating: true)
        let customers = try await opened.countCustomers()
        print("store \(store.location) is ready (\(customers) customers)")
    }
}
