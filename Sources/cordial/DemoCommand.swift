import ArgumentParser
import Cordial
import Foundation

/// `cordial demo generate`: the demo organisation's customer and purchase files.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo", abstract: "The demo organisation.", subcommands: [GenerateDemo.self])
}

struct GenerateDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write the demo organisation's customers (vi, zh, en) and purchases as CSV; the same seed gives the same files.")

    @Option(help: "How many customers.")
    var customers: Int = 1_000

    @Option(help: "The seed.")
    var seed: UInt64 = 42

    @Option(name: .shortAndLong, help: "Write the customers to this file instead of standard output.")
    var output: String?

    @Option(help: "Also write the customers' purchases to this file.")
    var purchases: String?

    @Option(help: "Also write feedback about the customers (the ground-services plugin's categories) to this file.")
    var feedback: String?

    @Option(name: .customLong("feedback-count"), help: "How many feedback cases.")
    var feedbackCount = 2_000

    @Option(help: "Also write the organisation's staff (account managers across the customers' cities, supervisors, agents) to this file.")
    var staff: String?

    @Option(name: .customLong("staff-count"), help: "How many members of staff.")
    var staffCount = 24

    func validate() throws {
        guard (1...10_000_000).contains(customers) else { throw ValidationError("--customers must be 1 to 10,000,000") }
        guard (1...10_000_000).contains(feedbackCount) else { throw ValidationError("--feedback-count must be 1 to 10,000,000") }
        guard (1...100_000).contains(staffCount) else { throw ValidationError("--staff-count must be 1 to 100,000") }
    }

    func run() throws {
        let organisation = DemoOrganisation(seed: seed)
        if let output {
            try Self.write(to: output) { try organisation.writeCustomers(count: customers, to: $0) }
            StandardStreams.error("wrote \(customers) customers to \(output)\n")
        } else {
            try organisation.writeCustomers(count: customers) { StandardStreams.out($0) }
        }
        if let purchases {
            try Self.write(to: purchases) { try organisation.writePurchases(count: customers, to: $0) }
            StandardStreams.error("wrote their purchases to \(purchases)\n")
        }
        if let feedback {
            try Self.write(to: feedback) { try DemoFeedback(seed: seed, customers: customers).write(count: feedbackCount, to: $0) }
            StandardStreams.error("wrote \(feedbackCount) feedback cases to \(feedback)\n")
        }
        if let staff {
            try Self.write(to: staff) { try DemoStaff(seed: seed).write(count: staffCount, to: $0) }
            StandardStreams.error("wrote \(staffCount) members of staff to \(staff)\n")
        }
    }

    /// Writes what `produce` hands out to `path`, buffered: a million small writes would be
    /// a million system calls.
    static func write(to path: String, _ produce: ((String) throws -> Void) throws -> Void) throws {
        // Opened in place, not written beside and renamed (as FileManager.createFile does): a
        // path such as /dev/null or a named pipe stays what it is.
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw CommandFailure("cannot write \(path): \(String(cString: strerror(errno)))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        defer { try? handle.close() }
        var buffer = ""
        try produce { line in
            buffer += line
            if buffer.utf8.count > 1 << 20 {
                try handle.write(contentsOf: Data(buffer.utf8))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: Data(buffer.utf8))
    }
}
