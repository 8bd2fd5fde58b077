import ArgumentParser
import Cordial
import CordialCore

@main
struct CordialCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cordial",
        abstract: "Customer care with Lua plugins: segments, campaigns, letters and feedback.",
        version: CordialVersion.current,
        subcommands: [
            InitCommand.self, ImportCommand.self, CustomersCommand.self, SegmentsCommand.self, PluginsCommand.self, ValueCommand.self, CalendarCommand.self, RunCommand.self, StoreCommand.self, DemoCommand.self, CampaignsCommand.self, CatalogCommand.self, StaffCommand.self, VisitsCommand.self, ConsentCommand.self, LettersCommand.self, OutboxCommand.self, FeedbackCommand.self,
        ]
    )

    /// ArgumentParser's own `main`, with store errors that have a clearer reason (the store
    /// busy) given that reason.
    static func main() async {
        do {
            var command = try await asyncParseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            exit(withError: storeFailureReason(error).map(CommandFailure.init) ?? error)
        }
    }
}
