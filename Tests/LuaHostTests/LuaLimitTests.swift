import Foundation
import LuaHost
import Testing

@Suite struct LuaLimitTests {
    @Test func memoryLimitIsFatalAndTheStateRecovers() throws {
        let state = try LuaState(limits: LuaLimits(memoryBytes: 8 << 20, timeSeconds: 5))
        let error = try #require(throws: LuaRunError.self) {
            try state.evaluate("local t = {}\nwhile true do t[#t + 1] = ('x'):rep(100) .. #t end", chunkName: "@bomb.lua")
        }
        #expect(error.kind == .memoryLimit)
        #expect(error.message.hasPrefix("memory limit of 8 MB exceeded at bomb.lua:2"))
        #expect(state.memoryUsed < 1 << 20)
        #expect(try state.evaluate("return #('ok'):rep(1000)") == [2000])
    }

    @Test func timeLimitIsFatalEvenUnderPcall() throws {
        let state = try LuaState(limits: LuaLimits(memoryBytes: 8 << 20, timeSeconds: 0.2))
        let started = Date()
        let error = try #require(throws: LuaRunError.self) {
            try state.evaluate("while true do\n  pcall(function() while true do end end)\nend", chunkName: "@spin.lua")
        }
        #expect(error.kind == .timeLimit)
        #expect(error.message.hasPrefix("time limit of 0.2 s exceeded at spin.lua:"))
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(try state.evaluate("return 1") == [1], "the next call gets a fresh budget")
    }

    /// A reader function that returns the whole text at once: the sandbox's load still hands
    /// it to the parser in pieces, and stops between two at the limit.
    @Test func aReaderReturningOneLongTextStopsAtTheTimeLimit() throws {
        let state = try LuaState(limits: LuaLimits(memoryBytes: 1 << 30, timeSeconds: 30))
        _ = try state.evaluate("text = ';'\nfor _ = 1, 28 do text = text .. text end", chunkName: "@make.lua")
        state.limits = LuaLimits(memoryBytes: 1 << 30, timeSeconds: 0.3)
        let started = Date()
        let error = try #require(throws: LuaRunError.self) {
            try state.evaluate("local given = false\nlocal f = load(function() if given then return nil end given = true return text end)\nreturn 'compiled'", chunkName: "@reader.lua")
        }
        #expect(error.kind == .timeLimit)
        #expect(error.message.hasPrefix("time limit of 0.3 s exceeded at reader.lua:2"), "\(error.message)")
        #expect(Date().timeIntervalSince(started) < 4, "the parser ran on past the limit")
    }

    /// The host's own loads (a main chunk, a required module) are parsed under the limits
    /// too: 256 MiB of empty statements stop at the time limit, with a one-line reason, and
    /// the state goes on.
    @Test func compilingAMainChunkOrAModuleStopsAtTheTimeLimit() throws {
        let text = String(repeating: ";", count: 256 << 20)
        let state = try LuaState(limits: LuaLimits(memoryBytes: 1 << 30, timeSeconds: 0.3))
        var started = Date()
        let load = try #require(throws: LuaLoadError.self) { try state.load(text, chunkName: "@long.lua") }
        #expect(load.kind == .limit)
        #expect(load.message.hasPrefix("time limit of 0.3 s exceeded") && load.message.hasSuffix("while compiling long.lua"), "\(load.message)")
        #expect(Date().timeIntervalSince(started) < 4, "the parser ran on past the limit")

        state.moduleSources["long"] = LuaSource(text: text, displayPath: "long.lua")
        started = Date()
        let run = try #require(throws: LuaRunError.self) {
            try state.evaluate("local x = 1\nlocal long = require 'long'\nreturn long", chunkName: "@main.lua")
        }
        #expect(run.kind == .timeLimit)
        #expect(run.message.hasPrefix("time limit of 0.3 s exceeded at main.lua:2"), "\(run.message)")
        #expect(Date().timeIntervalSince(started) < 4, "the parser ran on past the limit")
        #expect(try state.evaluate("return 1 + 1") == [2])
    }

    /// A call's results are read after its deadline: a table of shared subtables (2^40
    /// leaves once expanded, a few kilobytes in Lua) is copied only up to the memory cap,
    /// then refused with a one-line reason, and the state goes on.
    @Test func resultsAreCopiedOnlyUpToTheMemoryLimit() throws {
        let state = try LuaState(limits: LuaLimits(memoryBytes: 8 << 20, timeSeconds: 0.5))
        let started = Date()
        let error = try #require(throws: LuaRunError.self) {
            try state.evaluate("local t = {}\nfor _ = 1, 40 do t = { t, t } end\nreturn t", chunkName: "@dag.lua")
        }
        #expect(error.message.contains("the values returned take more than the memory limit of 8 MB to copy"), "\(error.message)")
        #expect(!error.message.contains("\n"))
        #expect(Date().timeIntervalSince(started) < 10, "the copy ran on")
        #expect(try state.global("t") == .nil)
        #expect(try state.evaluate("local t = {}\nfor i = 1, 1000 do t[i] = {i} end\nreturn t").first?.tableValue?.array.count == 1000)
    }

    /// Lua's parser runs no instruction, so the hook cannot stop it: 256 MiB of empty
    /// statements take Lua 5.4.4 over 6 s to compile. The sandbox's load reads a text in
    /// 64 KiB pieces and stops between two at the limit.
    @Test func loadingALongTextStopsAtTheTimeLimit() throws {
        let state = try LuaState(limits: LuaLimits(memoryBytes: 1 << 30, timeSeconds: 30))
        // The text is made by an earlier call, with a budget of its own.
        _ = try state.evaluate("text = ';'\nfor _ = 1, 28 do text = text .. text end", chunkName: "@make.lua")
        state.limits = LuaLimits(memoryBytes: 1 << 30, timeSeconds: 0.3)
        let started = Date()
        let error = try #require(throws: LuaRunError.self) {
            try state.evaluate("local f = load(text)\nreturn 'compiled'", chunkName: "@parse.lua")
        }
        #expect(error.kind == .timeLimit)
        #expect(error.message.hasPrefix("time limit of 0.3 s exceeded at parse.lua:1"), "\(error.message)")
        #expect(Date().timeIntervalSince(started) < 4, "the parser ran on past the limit")
    }

    @Test func aKillInsideANestedSwiftCallStopsTheOuterCall() throws {
        let state = try LuaState(limits: LuaLimits(memoryBytes: 8 << 20, timeSeconds: 0.2))
        let each = state.function("each") { arguments in
            let body = try arguments.get(1, "body", as: LuaFunction.self)
            for i in 1...3 { try body.run(Int64(i)) }
            return LuaNoValue()
        }
        try state.setGlobal("each", .function(each))
        let error = try #require(throws: LuaRunError.self) {
            try state.evaluate("pcall(each, function(i) while true do end end)\nwhile true do end")
        }
        #expect(error.kind == .timeLimit)
    }

    @Test func swiftFunctionInsideACoroutineAndYieldAcrossIt() throws {
        let state = try LuaState()
        let twice = state.function("twice") { arguments in 2 * (try arguments.get(1, "n", as: Int64.self)) }
        let call = state.function("call") { arguments in
            try arguments.get(1, "f", as: LuaFunction.self).call(as: LuaValue.self)
        }
        try state.setGlobal("twice", .function(twice))
        try state.setGlobal("call", .function(call))
        let results = try state.evaluate("""
            local co = coroutine.wrap(function(n) local m = coroutine.yield(twice(n)) return twice(m) end)
            return co(2), co(5)
            """)
        #expect(results == [4, 10])
        let yielded = try state.evaluate("""
            local co = coroutine.create(function() call(function() coroutine.yield(1) end) end)
            return coroutine.resume(co)
            """)
        #expect(yielded.first == false)
        #expect(yielded.last?.stringValue?.contains("attempt to yield across a C-call boundary") == true)
    }

    @Test func deepRecursionThroughSwiftIsAnError() throws {
        let state = try LuaState()
        let call = state.function("call") { arguments in
            try arguments.get(1, "f", as: LuaFunction.self).call(as: LuaValue.self)
        }
        try state.setGlobal("call", .function(call))
        let error = try #require(throws: LuaRunError.self) {
            try state.evaluate("local function f() return call(f) end return f()")
        }
        #expect(error.message.contains("stack overflow"))
        #expect(try state.evaluate("return 'still here'") == ["still here"])
    }

    @Test func closedStateRefusesCalls() throws {
        let state = try LuaState()
        let function = try state.evaluate("return function() return 1 end")[0].functionValue!
        state.close()
        #expect(throws: LuaRunError.self) { let _: Int64 = try function.call() }
    }
}
