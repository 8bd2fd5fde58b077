import Foundation
import Testing

/// `cordial segments run --shared`: several processes share one run on one store, whatever
/// the backend, and write what one process would have written; a process killed at any
/// moment loses nothing, and its part is taken over when its lease runs out.
@Suite final class SharedSegmentRunTests {
    let stores = TemporaryStores()
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-shared-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: folder)
    }

    enum Backend: String, CaseIterable, CustomTestStringConvertible {
        case sqlite, postgres
        var testDescription: String { rawValue }

        static var allCases: [Backend] { PostgresTestServer.url == "skip" ? [.sqlite] : [.sqlite, .postgres] }
    }

    enum PostgresTestServer {
        static var url: String? { ProcessInfo.processInfo.environment["CORDIAL_TEST_POSTGRES"].flatMap { $0.isEmpty ? nil : $0 } }
    }

    /// A new store location of `backend`.
    func location(_ backend: Backend) throws -> String {
        switch backend {
        case .sqlite: return stores.path()
        case .postgres:
            guard let server = PostgresTestServer.url else { throw PostgresCommandTests.Missing() }
            let schema = "shared_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            return server + (server.contains("?") ? "&" : "?") + "schema=\(schema)&sslmode=disable"
        }
    }

    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome {
        let outcome = try RunCommandTests.cordial(arguments)
        #expect(outcome.status == 0, "cordial \(arguments.prefix(3).joined(separator: " ")): \(outcome.standardError)")
        return outcome
    }

    /// The demo organisation's first `customers` customers with their purchases and a value
    /// fit in a new store, and a copy of it made with `cordial store copy`.
    func organisation(_ backend: Backend, customers: Int) throws -> (shared: String, single: String) {
        let csv = folder.appendingPathComponent("customers.csv").path, purchases = folder.appendingPathComponent("purchases.csv").path
        _ = try cordial("demo", "generate", "--customers", "\(customers)", "--seed", "11", "--output", csv, "--purchases", purchases)
        let shared = try location(backend), single = try location(backend)
        _ = try cordial("init", "--db", shared)
        _ = try cordial("import", "customers", csv, "--source", "demo", "--db", shared)
        _ = try cordial("import", "transactions", purchases, "--source", "demo", "--currency", "VND", "--db", shared)
        _ = try cordial("value", "fit", "--until", "2024-12-31", "--unit", "week", "--db", shared)
        _ = try cordial("store", "copy", "--from", shared, "--to", single)
        return (shared, single)
    }

    /// What the segments' members and history read on `database`.
    func membership(_ database: String, segments: [String]) throws -> [String] {
        try segments.flatMap { segment in
            [
                try cordial("segments", "show", segment, "--json", "--db", database).standardOutput,
                try cordial("segments", "history", segment, "--limit", "100000", "--db", database).standardOutput,
            ]
        }
    }

    /// The rows of a `segments run` table (the segment's name to its counts), without the footer.
    func table(_ output: String) -> [String] {
        output.split(separator: "\n").map(String.init).filter { !$0.hasPrefix("shared run") && !$0.contains(" customers in ") }
    }

    final class Running {
        let process = Process()
        let output = Pipe(), error = Pipe()

        init(_ arguments: [String]) throws {
            process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cordial")
            process.arguments = arguments
            process.currentDirectoryURL = RunCommandTests.packageRoot
            process.standardOutput = output
            process.standardError = error
            try process.run()
        }

        func finish() -> RunCommandTests.Outcome {
            let out = output.fileHandleForReading.readDataToEndOfFile(), err = error.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return RunCommandTests.Outcome(
                status: process.terminationStatus, standardOutput: String(decoding: out, as: UTF8.self),
                standardError: String(decoding: err, as: UTF8.self))
        }

        func kill() {
            Foundation.kill(process.processIdentifier, SIGKILL)
            _ = finish()
        }
    }

    @Test(arguments: Backend.allCases)
    func twoProcessesShareARunAndWriteWhatOneProcessWrites(backend: Backend) throws {
        let (shared, single) = try organisation(backend, customers: 600)
        let plugins = RunCommandTests.packageRoot.appendingPathComponent("plugins").path
        let alone = try cordial("segments", "run", "--as-of", "2025-01-15", "--db", single, "--plugins", plugins)
        let arguments = ["segments", "run", "--as-of", "2025-01-15", "--shared", "--part-size", "50", "--db", shared, "--plugins", plugins]
        let first = try Running(arguments), second = try Running(arguments)
        let outcomes = [first.finish(), second.finish()]
        for outcome in outcomes {
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(table(outcome.standardOutput) == table(alone.standardOutput), "\(outcome.standardOutput)")
            #expect(outcome.standardOutput.contains(" of 12 parts"), "\(outcome.standardOutput)")
        }
        let segments = ["care-priority", "lifecycle", "rfm"]
        #expect(try membership(shared, segments: segments) == membership(single, segments: segments))
        #expect(try cordial("segments", "list", "--json", "--db", shared).standardOutput
            == cordial("segments", "list", "--json", "--db", single).standardOutput)
    }

    @Test(arguments: Backend.allCases)
    func aProcessKilledAtAnyMomentIsTakenOverAndTheRunIsWrittenOnce(backend: Backend) throws {
        // 3 ms a customer: ten parts of 40 customers, about 1.2 s of work in all.
        let plugins = try PluginFolder()
        try plugins.segmentPlugin("slow", labels: #"{ "even", "odd" }"#, body: """
            local started = os.clock()
            while os.clock() - started < 0.003 do end
            if c.purchases.count % 2 == 0 then return "even" end
            return "odd"
            """)
        var generator = SystemRandomNumberGenerator()
        for round in 1...3 {
            let (shared, single) = try organisation(backend, customers: 400)
            _ = try cordial("segments", "run", "--as-of", "2025-01-15", "--db", single, "--plugins", plugins.root.path)
            let arguments = [
                "segments", "run", "--as-of", "2025-01-15", "--shared", "--part-size", "40", "--lease", "1", "--db", shared,
                "--plugins", plugins.root.path,
            ]
            let doomed = try Running(arguments)
            let delay = Double.random(in: 0.2...1.5, using: &generator)
            Thread.sleep(forTimeInterval: delay)
            doomed.kill()
            let survivor = try Running(arguments).finish()
            #expect(survivor.status == 0, "round \(round), killed after \(delay) s: \(survivor.standardError)")
            #expect(try membership(shared, segments: ["slow"]) == membership(single, segments: ["slow"]), "round \(round), killed after \(delay) s")
            // Exactly one run of the segment, whatever the kill interrupted.
            let list = try cordial("segments", "list", "--json", "--db", shared).standardOutput
            #expect(list == (try cordial("segments", "list", "--json", "--db", single).standardOutput), "round \(round)")
            let history = try cordial("segments", "history", "slow", "--limit", "100000", "--db", shared).standardOutput
            #expect(history.split(separator: "\n").count > 1)
        }
    }

    @Test func aPartSlowerThanItsLeaseIsKeptByItsLiveProcess() throws {
        let (shared, _) = try organisation(.sqlite, customers: 200)
        let plugins = try PluginFolder()
        try plugins.segmentPlugin("slow", body: """
            local started = os.clock()
            while os.clock() - started < 0.012 do end
            return "x"
            """)
        // Two parts of about 1.2 s each against a 1 s lease: renewed, never taken over.
        let arguments = ["segments", "run", "--as-of", "2025-01-15", "--shared", "--part-size", "100", "--lease", "1", "--db", shared, "--plugins", plugins.root.path]
        let first = try Running(arguments), second = try Running(arguments)
        for outcome in [first.finish(), second.finish()] {
            #expect(outcome.status == 0, "\(outcome.standardError)")
            #expect(!outcome.standardOutput.contains("taken over"), "\(outcome.standardOutput)")
            #expect(outcome.standardOutput.contains("slow "), "\(outcome.standardOutput)")
        }
    }

    @Test func aJoinerWithAnotherDateOrPluginVersionIsRefusedInOneLine() throws {
        let (shared, _) = try organisation(.sqlite, customers: 200)
        let plugins = try PluginFolder()
        try plugins.segmentPlugin("slow", body: """
            local started = os.clock()
            while os.clock() - started < 0.01 do end
            return "x"
            """)
        // A run left unfinished: its only process died holding a part.
        let doomed = try Running(["segments", "run", "--as-of", "2025-01-15", "--shared", "--part-size", "20", "--db", shared, "--plugins", plugins.root.path])
        Thread.sleep(forTimeInterval: 0.5)
        doomed.kill()

        let later = try RunCommandTests.cordial(["segments", "run", "--as-of", "2025-01-20", "--shared", "--db", shared, "--plugins", plugins.root.path])
        #expect(later.status == 1)
        #expect(later.standardError == "Error: segments: the open shared run 1 of these segments is as of 2025-01-15; run it to the end with --as-of 2025-01-15\n")

        try plugins.segmentPlugin("slow", version: "1.1.0", body: "return 'y'")
        let newer = try RunCommandTests.cordial(["segments", "run", "--as-of", "2025-01-15", "--shared", "--db", shared, "--plugins", plugins.root.path])
        #expect(newer.status == 1)
        #expect(newer.standardError.hasPrefix("Error: segments: the open shared run 1 classifies slow (slow 1.0.0); this process has other plugin versions"), "\(newer.standardError)")
        #expect(newer.standardError.split(separator: "\n").count == 1)
        let listed = try cordial("segments", "list", "--json", "--db", shared).standardOutput
        let segments = try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [Any]
        #expect(segments?.isEmpty == true, "nothing is written before the run ends: \(listed)")
    }
}
