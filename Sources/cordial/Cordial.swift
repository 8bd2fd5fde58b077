import ArgumentParser
import CordialCore

@main
struct CordialCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cordial",
        abstract: "Customer care with Lua plugins: segments, campaigns, letters and feedback.",
        version: CordialVersion.current,
        subcommands: [RunCommand.self, BenchCommand.self]
    )
}
