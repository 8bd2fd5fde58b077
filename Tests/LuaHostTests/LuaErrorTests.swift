import Foundation
import LuaHost
import Testing

@Suite final class LuaErrorTests {
    let directory: URL
    let state: LuaState

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-errors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("util"), withIntermediateDirectories: true)
        state = try LuaState(limits: LuaLimits(memoryBytes: 16 << 20, timeSeconds: 1), moduleRoot: directory, chunkNameRoot: directory)
    }

    deinit {
        try? FileManager.default.removeItem(at: directory)
    }

    private func write(_ name: String, _ source: String) throws -> URL {
        let url = directory.appendingPathComponent(name)
        try source.write(to: url, atomically: true, encoding: .utf8)
        return url
    }

    /// A script's message reaches a report as one line of sensible length: its newlines and
    /// escape sequences shown, a huge message cut in the middle with its start and end kept.
    @Test func aScriptsMessageIsReportedOnOneSensibleLine() throws {
        let url = try write("loud.lua", "error(string.rep('spam ', 100000) .. 'the end', 0)\n")
        let loud = try #require(throws: LuaRunError.self) { try state.loadFile(url).call(as: LuaValue.self) }
        #expect(loud.description.count < LuaRunError.reportedLength + 100)
        #expect(loud.description.hasPrefix("spam spam"))
        #expect(loud.description.contains("characters left out"))
        #expect(loud.description.hasSuffix("the end (at loud.lua:1)"))
        let wrapped = "plugins/loud/plugin.lua:1: " + loud.description
        #expect(LuaRunError.reported(wrapped) == wrapped, "a reported message wrapped again is not cut again (its count stays true)")

        let escapes = try write("escapes.lua", "error('line one\\n\\27[2Jline two', 0)\n")
        let shown = try #require(throws: LuaRunError.self) { try state.loadFile(escapes).call(as: LuaValue.self) }
        #expect(shown.description == "line one\\n\\x1B[2Jline two (at escapes.lua:1)")
        #expect(shown.message == "line one\n\u{1B}[2Jline two", "the message itself is kept as raised")
    }

    @Test func syntaxErrorIsALoadErrorWithFileAndLine() throws {
        let url = try write("broken.lua", "local x = 1\nlocal y = = 2\n")
        let error = try #require(throws: LuaLoadError.self) { try state.loadFile(url) }
        #expect(error.kind == .syntax)
        #expect(error.location == "broken.lua:2")
        #expect(error.description.hasPrefix("syntax error: broken.lua:2:"))
    }

    @Test func missingFileIsALoadError() throws {
        let error = try #require(throws: LuaLoadError.self) { try state.loadFile(directory.appendingPathComponent("nope.lua")) }
        #expect(error.kind == .missingFile)
        #expect(error.description == "cannot load: cannot open nope.lua: no such file")
    }

    @Test func runErrorCarriesLocationAndTraceback() throws {
        let url = try write("run.lua", "local function inner(c)\n  return c.name.first\nend\nreturn inner({})\n")
        let error = try #require(throws: LuaRunError.self) { try state.loadFile(url).run() }
        #expect(error.kind == .error)
        #expect(error.location == "run.lua:2")
        #expect(error.message.contains("attempt to index a nil value (field 'name')"))
        #expect(error.traceback.contains("stack traceback:"))
        #expect(error.traceback.contains("run.lua:2"))
    }

    @Test func errorInRequiredModulePointsAtTheModule() throws {
        _ = try write("util/dates.lua", "local M = {}\nfunction M.parse(s)\n  return s + nil\nend\nreturn M\n")
        let url = try write("main.lua", "local dates = require 'util.dates'\nreturn dates.parse('x')\n")
        let error = try #require(throws: LuaRunError.self) { try state.loadFile(url).run() }
        #expect(error.location == "util/dates.lua:3")
        _ = try write("util/bad.lua", "return {\n")
        let load = try #require(throws: LuaRunError.self) { try state.evaluate("return require 'util.bad'") }
        #expect(load.message.contains("util/bad.lua:2:"))
        let missing = try #require(throws: LuaRunError.self) { try state.evaluate("return require 'util.none'") }
        #expect(missing.message.contains("module 'util.none' not found"))
    }

    @Test func argumentErrorsNameFunctionParameterAndTypes() throws {
        let find = state.function("cordial.customers.find") { arguments in
            try arguments.get(1, "limit", as: Int64.self)
        }
        try state.setGlobal("find", .function(find))
        let error = try #require(throws: LuaRunError.self) {
            try state.evaluate("local ok = 1\nreturn find('ten')", chunkName: "@caller.lua")
        }
        #expect(error.message == "caller.lua:2: cordial.customers.find: invalid 'limit': expected integer, got string")
        let float = try #require(throws: LuaRunError.self) { try state.evaluate("return find(1.5)") }
        #expect(float.message.contains("expected integer, got float with no integer representation"))
        let none = try #require(throws: LuaRunError.self) { try state.evaluate("return find()") }
        #expect(none.message.contains("expected integer, got no value"))
    }

    struct Refusal: Error, LocalizedError {
        var errorDescription: String? { "the budget is spent" }
    }

    @Test func swiftErrorsBecomeLuaErrorsAtTheCaller() throws {
        let spend = state.function("budget.spend") { _ -> Int64 in throw Refusal() }
        try state.setGlobal("spend", .function(spend))
        let caught = try state.evaluate(
            "local ok, e = pcall(function() local left = spend(5) return left end) return ok, e", chunkName: "@plan.lua")
        #expect(caught == [false, "plan.lua:1: budget.spend: the budget is spent"])
    }

    @Test func errorValuesThatAreNotStringsStillRead() throws {
        let table = try #require(throws: LuaRunError.self) { try state.evaluate("error({code = 1})") }
        #expect(table.message == "(error object is a table value)")
        let described = try #require(throws: LuaRunError.self) {
            try state.evaluate("error(setmetatable({}, {__tostring = function() return 'custom' end}))")
        }
        #expect(described.message == "custom")
        let failing = try #require(throws: LuaRunError.self) {
            try state.evaluate("error(setmetatable({}, {__tostring = function() error('no') end}))")
        }
        #expect(failing.message.contains("its __tostring failed"))
    }

    @Test func undeclaredGlobalsAreErrorsButMainChunksDeclare() throws {
        #expect(try state.evaluate("counter = 1\nfunction bump() counter = counter + 1 end\nbump()\nreturn counter") == [2])
        let error = try #require(throws: LuaRunError.self) { try state.evaluate("return undefined_name") }
        #expect(error.message.contains("undefined global 'undefined_name'"))
    }
}
