import ArgumentParser
import Cordial
import Foundation

/// `cordial demo generate`: the demo organisation's customer file.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "The demo organisation.", subcommands: [GenerateDemo.self])
}

struct GenerateDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the demo organisation's customers (vi, zh, en) as CSV; the same seed gives the same file.")

    @Option(help: "How many customers.")
    var customers: Int = 1_000

    @Option(help: "The seed.")
    var seed: UInt64 = 42

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func validate() throws {
        guard (1...10_000_000).contains(customers) else { throw ValidationError("--customers must be 1 to 10,000,000") }
    }

    func run() throws {
        let organisation = DemoOrganisation(seed: seed)
        guard let output else {
            return try organisation.writeCustomers(count: customers) { FileHandle.standardOutput.write(Data($0.utf8)) }
        }
        FileManager.default.createFile(atPath: output, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
        defer { try? handle.close() }
        // Buffered: a million small writes would be a million system calls.
        var buffer = ""
        try organisation.writeCustomers(count: customers) { line in
            buffer += line
            if buffer.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
        FileHandle.standardError.write(Data("wrote \(customers) customers to \(output)\n".utf8))
    }
}
