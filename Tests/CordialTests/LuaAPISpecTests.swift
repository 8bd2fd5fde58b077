import Cordial
import CordialStore
import Foundation
import LuaHost
import Testing

/// The spec of every API function is enforced where it is installed: each function called
/// with each wrongly typed argument answers in the one error shape,
/// `cordial.customers.find: invalid 'limit': expected integer, got string`.
@Suite final class LuaAPISpecTests {
    private let folder: PluginFolder
    private let api = LuaAPITests()

    init() throws {
        folder = try PluginFolder()
    }

    /// One call with one wrong argument, and what its error must say.
    struct WrongCall {
        var code: String
        /// `cordial.customers.find: invalid 'limit': expected `
        var expected: String
        /// The type the message must end with: `, got boolean`.
        var got: String
    }

    /// A Lua value of each type a parameter may have, and one that no type list accepts.
    static func sample(of type: String) -> String {
        let first = type.split(separator: "|").first.map(String.init) ?? type
        switch first.trimmingCharacters(in: CharacterSet(charactersIn: "?")) {
        case "integer": return "1"
        case "number": return "1.5"
        case "string": return "'2026-01-01'"
        case "boolean": return "true"
        case "any": return "1"
        default:
            if first.hasPrefix("\"") { return "'\(first.dropFirst().dropLast())'" }
            if first.hasPrefix("fun(") { return "function() end" }
            return "{}"
        }
    }

    /// A value of a type `type` does not accept (nil for `any`), and that type's name as
    /// errors say it.
    static func wrong(for type: String) -> (code: String, name: String)? {
        if type == "any" { return nil }
        let accepts = type.split(separator: "|").map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "?")) }
        if !accepts.contains("boolean") { return ("true", "boolean") }
        return ("function() end", "function")
    }

    /// Every wrong call of every function of `module` whose phase is in `phases`, as Lua code
    /// for a state where `cordial` (and, for `cordial.test`, `test`) is at hand.
    static func wrongCalls(module: String, phases: [LuaAPIFunction.Phase], receiver: String = "p") -> [WrongCall] {
        LuaAPI.functions.filter { $0.module == module && phases.contains($0.phase) }.flatMap { spec in
            spec.parameters.indices.compactMap { index -> WrongCall? in
                guard let wrong = wrong(for: spec.parameters[index].type) else { return nil }
                let arguments = spec.parameters.indices.map { $0 == index ? wrong.code : sample(of: spec.parameters[$0].type) }
                let callee = spec.isMethod ? "\(spec.owner == "Campaign" ? "run" : receiver):\(spec.name.split(separator: ":")[1])"
                    : (module == "cordial" ? "cordial.\(spec.name)" : "test.\(spec.name)")
                return WrongCall(
                    code: "\(callee)(\(arguments.joined(separator: ", ")))",
                    expected: "\(spec.qualifiedName): invalid '\(spec.parameters[index].name)': expected ", got: wrong.name)
            }
        }
    }

    /// Lua that runs every call under pcall and gathers the messages, one line each.
    static func collecting(_ calls: [WrongCall]) -> String {
        "local messages = {}\n" + calls.map { call in
            "messages[#messages + 1] = select(2, pcall(function() return \(call.code) end)) or [==[no error from \(call.code)]==]"
        }.joined(separator: "\n") + "\nlocal report = table.concat(messages, '\\n')\n"
    }

    static func check(_ report: String, _ calls: [WrongCall]) {
        let lines = report.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == calls.count, "\(report)")
        for (line, call) in zip(lines, calls) {
            #expect(line.contains(call.expected) && line.hasSuffix(", got \(call.got)"), "\(call.code): \(line)")
        }
    }

    @Test func everyDataAndPureFunctionRefusesEachWronglyTypedArgument() async throws {
        let calls = Self.wrongCalls(module: "cordial", phases: [.running, .changing, .any])
        #expect(calls.contains { $0.code.hasPrefix("cordial.customers.update") })
        #expect(calls.count > 20)
        let store = try await api.store(customers: 3)
        #expect(calls.contains { $0.code.hasPrefix("run:gift") } && calls.contains { $0.code.hasPrefix("cordial.campaign") })
        let output = try await api.script(
            "local cordial = require 'cordial'\nlocal run = cordial.campaign { name = 'spec-run' }\n" + Self.collecting(calls) + "print(report)", store: store)
        Self.check(String(output.dropLast()), calls)
    }

    @Test func registrationFunctionsRefuseEachWronglyTypedArgument() throws {
        let calls = Self.wrongCalls(module: "cordial", phases: [.registering])
        #expect(calls.contains { $0.code.hasPrefix("p:segment") } && calls.contains { $0.code.hasPrefix("cordial.plugin") })
        let directory = try folder.plugin("typed", ["plugin.lua": """
            local cordial = require "cordial"
            local p = cordial.plugin { name = "typed", version = "1.0.0", api = 1 }
            \(Self.collecting(calls))
            error(report, 0)
            """])
        let loader = PluginLoader(chunkNameRoot: folder.root)
        do {
            _ = try loader.load(directory: directory)
            Issue.record("the plugin loaded")
        } catch {
            Self.check(error.message, calls)
        }
    }

    @Test func testFunctionsRefuseEachWronglyTypedArgument() throws {
        let calls = Self.wrongCalls(module: "cordial.test", phases: [.running, .any])
        #expect(calls.count >= 6)
        let directory = try folder.plugin("typed", [
            "plugin.lua": """
                local cordial = require "cordial"
                return cordial.plugin { name = "typed", version = "1.0.0", api = 1 }
                """,
            "tests/typed_test.lua": """
                local test = require "cordial.test"
                local cordial = require "cordial"
                \(Self.collecting(calls))
                test.case("report", function() error(report, 0) end)
                """,
        ])
        let loader = PluginLoader(chunkNameRoot: folder.root)
        let results = PluginTestRunner(loader: loader).run(try loader.load(directory: directory))
        let failure = try #require(results.first?.failure)
        Self.check(failure.message, calls)
    }

    @Test func theOptionalOptionsOfASegmentMayBeLeftOut() throws {
        let directory = try folder.segmentPlugin("short", body: "return nil")
        try "local cordial = require 'cordial'\nlocal p = cordial.plugin { name = 'short', version = '1.0.0', api = 1 }\np:segment('short', function(c) return nil end)\nreturn p\n"
            .write(to: directory.appendingPathComponent("plugin.lua"), atomically: true, encoding: .utf8)
        let plugin = try PluginLoader(chunkNameRoot: folder.root).load(directory: directory)
        #expect(plugin.segments.map(\.name) == ["short"])
    }

    @Test func dataFunctionsAreRefusedWhilePluginsRegisterAndWithoutTheirPermission() throws {
        let loader = PluginLoader(chunkNameRoot: folder.root)
        let early = try folder.plugin("early", ["plugin.lua": """
            local cordial = require "cordial"
            local p = cordial.plugin { name = "early", version = "1.0.0", api = 1, permissions = { "customers.read" } }
            cordial.customers.count()
            return p
            """])
        #expect(throws: PluginError.self) { try loader.load(directory: early) }
        do { _ = try loader.load(directory: early) } catch {
            #expect(error.message.contains("cordial.customers.count: not available while a plugin registers"))
            #expect(error.location.hasSuffix("early/plugin.lua:3"))
        }
    }
}
