import Foundation
import LuaHost
import Testing

/// Every script in `hostile/` must end with a clear one-line error (its first line says what
/// the error must contain), within its limits, and leave the host working.
@Suite struct HostileScriptTests {
    static let directory = Bundle.module.resourceURL!.appendingPathComponent("hostile")
    static let scripts = try! FileManager.default.contentsOfDirectory(atPath: directory.path)
        .filter { $0.hasSuffix(".lua") }.sorted()

    /// Scripts whose error cannot name a line: a tail call leaves no caller frame in Lua.
    static let withoutLocation: Set<String> = ["tail_call_unavailable.lua"]

    @Test(.timeLimit(.minutes(1)), arguments: scripts)
    func scriptIsContained(_ name: String) throws {
        let url = Self.directory.appendingPathComponent(name)
        let source = try String(contentsOf: url, encoding: .utf8)
        let firstLine = source.prefix { $0 != "\n" }
        #expect(firstLine.hasPrefix("-- expect: "), "\(name) must say what it expects on its first line")
        let expected = String(firstLine.dropFirst("-- expect: ".count))

        // A script whose point is not the time limit may name a longer one on its second line
        // (`-- time limit: 5`), so that a loaded machine does not stop it before its point.
        let secondLine = source.split(separator: "\n", maxSplits: 2).dropFirst().first ?? ""
        let timeLimit = secondLine.hasPrefix("-- time limit: ") ? Double(secondLine.dropFirst("-- time limit: ".count)) ?? 0.5 : 0.5
        let state = try Self.makeState(timeSeconds: timeLimit)
        defer { state.close() }
        let started = Date()
        var failure: (any Error)?
        do {
            try state.loadFile(url).run()
        } catch {
            failure = error
        }
        let elapsed = Date().timeIntervalSince(started)
        let error = try #require(failure, "\(name) ran to the end without an error")
        let text = String(describing: error)
        if expected != "gets an error" {
            #expect(text.contains(expected), "\(name): \(text)")
        }
        #expect(!text.contains("\n"), "\(name): the reason is one line: \(text)")
        if !Self.withoutLocation.contains(name) {
            #expect(text.contains("\(name):"), "\(name): the reason names file:line: \(text)")
        }
        if let runError = error as? LuaRunError, runError.kind == .timeLimit {
            #expect(elapsed < timeLimit + 4.5, "\(name): a \(timeLimit) s limit took \(elapsed) s to stop")
        }

        // The same state keeps working, and gives its memory back.
        let sum: Int64 = try state.load("return 20 + 22").call()
        #expect(sum == 42)
        #expect(state.memoryUsed < 8 << 20, "\(name): \(state.memoryUsed) bytes still held")
    }

    @Test func noFileWasCreatedByHostileScripts() {
        #expect(!FileManager.default.fileExists(atPath: "/tmp/cordial-hostile-was-here"))
    }

    static func makeState(timeSeconds: Double = 0.5) throws -> LuaState {
        let state = try LuaState(
            limits: LuaLimits(memoryBytes: 32 << 20, timeSeconds: timeSeconds),
            moduleRoot: directory, chunkNameRoot: directory)
        state.output = { _ in }
        let call = state.function("host.call") { arguments in
            try arguments.get(1, "f", as: LuaFunction.self).run()
            return LuaNoValue()
        }
        try state.registerModule("host", ["secret": "s", "limits": ["budget": 10], "call": .function(call)])
        return state
    }
}
