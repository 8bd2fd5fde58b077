import Cordial
import Foundation
import LuaHost
import Testing

/// `cordial run` as a user runs it: the built executable, its output, its exit status.
@Suite final class RunCommandTests {
    /// Script folders this test wrote, removed when it ends.
    private var directories: [URL] = []

    deinit {
        for directory in directories { try? FileManager.default.removeItem(at: directory) }
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    struct Outcome {
        var status: Int32
        var standardOutput: String
        var standardError: String
    }

    /// Runs the `cordial` executable built beside the test bundle, from the package root.
    func cordial(_ arguments: String...) throws -> Outcome {
        try Self.cordial(arguments)
    }

    static func cordial(_ arguments: [String]) throws -> Outcome {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("cordial")
        return try run(executable, arguments)
    }

    /// Runs an executable from the package root; its output, errors and exit status.
    static func run(_ executable: URL, _ arguments: [String]) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        let output = Pipe(), error = Pipe()
        process.standardOutput = output
        process.standardError = error
        try process.run()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Outcome(
            status: process.terminationStatus, standardOutput: String(decoding: out, as: UTF8.self),
            standardError: String(decoding: err, as: UTF8.self))
    }

    func script(_ source: String) throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-run-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        directories.append(directory)
        let url = directory.appendingPathComponent("script.lua")
        try source.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    @Test func theExampleRunsWithArguments() throws {
        let outcome = try cordial("run", "examples/hello.lua", "Ana Souza")
        #expect(outcome.status == 0, "\(outcome.standardError)")
        #expect(outcome.standardOutput.contains("Xin chào Nguyễn Thị Lan!"))
        #expect(outcome.standardOutput.contains("王伟，您好！"))
        #expect(outcome.standardOutput.contains("Hello, Ana Souza!"))
        #expect(outcome.standardOutput.hasSuffix("4 customers greeted\n"))
    }

    @Test func aFailingScriptExitsNonZeroWithFileLineAndTraceback() throws {
        let path = try script("local function check(c)\n  return c.total + 1\nend\ncheck({})\n")
        let outcome = try cordial("run", path)
        #expect(outcome.status == 1)
        let lines = outcome.standardError.split(separator: "\n")
        #expect(lines.first?.hasPrefix("cordial: ") == true)
        #expect(lines.first?.contains("script.lua:2: attempt to perform arithmetic on a nil value (field 'total')") == true)
        #expect(outcome.standardError.contains("stack traceback:"))
    }

    /// The traceback shows the script's frames, not the sandbox's own (`[sandbox]:27: in
    /// metamethod 'newindex'` for a write to a read-only library).
    @Test func tracebacksHideTheSandboxsFrames() throws {
        let outcome = try cordial("run", try script("local function f()\n  string.upper = nil\nend\nf()\n"))
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains("script.lua:2: attempt to modify read-only table 'string' (key 'upper')"))
        #expect(outcome.standardError.contains("script.lua:2: in local 'f'") && outcome.standardError.contains("script.lua:4: in main chunk"))
        #expect(!outcome.standardError.contains("[sandbox]"), "\(outcome.standardError)")
    }

    @Test func limitsAreOptions() throws {
        let loop = try cordial("run", "--time-limit", "0.3", try script("while true do end\n"))
        #expect(loop.status == 1)
        #expect(loop.standardError.contains("time limit of 0.3 s exceeded at"))
        let bomb = try cordial("run", "--memory-limit", "16", try script("local t = {}\nwhile true do t[#t + 1] = {} end\n"))
        #expect(bomb.status == 1)
        #expect(bomb.standardError.contains("memory limit of 16 MB exceeded at"))
        let bad = try cordial("run", "--memory-limit", "-1", "examples/hello.lua")
        #expect(bad.status != 0)
    }

    @Test func syntaxErrorsAndMissingFilesAreLoadErrors() throws {
        let syntax = try cordial("run", try script("x = = 1\n"))
        #expect(syntax.status == 1)
        #expect(syntax.standardError.contains("syntax error:"))
        #expect(syntax.standardError.contains("script.lua:1:"))
        let missing = try cordial("run", "no/such/script.lua")
        #expect(missing.status == 1)
        #expect(missing.standardError == "cordial: cannot load: cannot open no/such/script.lua: no such file\n")
    }

    @Test func versionAndHelp() throws {
        let version = try cordial("--version")
        #expect(version.status == 0)
        #expect(version.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let help = try cordial("run", "--help")
        #expect(help.standardOutput.contains("--memory-limit"))
        #expect(help.standardOutput.contains("--time-limit"))
    }

    @Test func scriptRunnerIsUsableFromSwift() throws {
        var printed = ""
        let runner = ScriptRunner(limits: .default) { printed += $0 }
        let results = try runner.run(script: URL(fileURLWithPath: try script("print(...) return #arg, arg[1]\n")), arguments: ["Lê Văn Tám"])
        #expect(printed == "Lê Văn Tám\n")
        #expect(results == [1, "Lê Văn Tám"])
    }
}
