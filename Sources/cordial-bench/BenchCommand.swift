import ArgumentParser
import CLuaBench
import Foundation
import LuaHost

/// `cordial-bench`: the benchmarks of docs/benchmarks.md, apart from the product. Each one
/// measures Cordial against its baseline (plain C, sqlite3, Python's lifetimes) in the same
/// run: the machines are shared and noisy, so only ratios measured together mean anything.
@main
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cordial-bench",
        abstract: "Run a benchmark and print its figures.",
        subcommands: [LuaBench.self, ImportBench.self, ScanBench.self, SegmentBench.self, ValueBench.self, CampaignBench.self, LetterBench.self, FeedbackBench.self, VisitBench.self, VisitPlanBench.self]
    )
}

/// `cordial-bench lua`: the host's call costs and limit overhead against plain C-API loops
/// and the stock `lua5.4` interpreter.
struct LuaBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lua",
        abstract: "Swift<->Lua call cost and the cost of time and memory limits."
    )

    @Option(help: "Calls per measurement.")
    var iterations: Int = 2_000_000

    @Option(help: "Measurements per figure; the fastest is reported.")
    var repeats: Int = 5

    @Flag(help: "Measure the calls only (for profiling).")
    var callsOnly = false

    func run() throws {
        print("cordial-bench lua — \(iterations) calls per measurement, best of \(repeats)")
        print("")
        let swiftCallsLua = try best { try hostCallsLua() }
        let cCallsLua = try best { try cBaseline(cordial_bench_c_calls_lua(Int64(iterations))) }
        let stockCallsLua = try best { try stockInterpreter(callScript(callee: "local function f(a, b, c) return a + b + c end")) }
        let luaCallsSwift = try best { try luaCallsHost() }
        let luaCallsC = try best { try cBaseline(cordial_bench_lua_calls_c(Int64(iterations))) }
        let stockCallsC = try best { try stockInterpreter(callScript(callee: "local f = math.max")) }

        print("| call | host | plain C API | host / C | stock lua5.4 |")
        print("|---|---|---|---|---|")
        printCallRow("Swift→Lua, 3 arguments, 1 result", swiftCallsLua, cCallsLua, stockCallsLua, stockNote: "Lua→Lua call")
        printCallRow("Lua→Swift, 3 arguments, 1 result", luaCallsSwift, luaCallsC, stockCallsC, stockNote: "Lua→C `math.max`")
        print("")
        if callsOnly { return }

        print("| loop | plain C state | host, no limits | host, limits | limits / plain | limits / no limits |")
        print("|---|---|---|---|---|---|")
        for (name, script) in LuaBench.loops {
            let plain = try best { try cBaseline(cordial_bench_c_script(script)) }
            let unlimited = try best { try hostScript(script, limits: .unlimited) }
            let limited = try best { try hostScript(script, limits: LuaLimits(memoryBytes: 1 << 30, timeSeconds: 600)) }
            print("| \(name) | \(ms(plain)) | \(ms(unlimited)) | \(ms(limited)) | \(ratio(limited, plain)) | \(ratio(limited, unlimited)) |")
        }
    }

    static let loops: [(String, String)] = [
        ("tight arithmetic loop (5e7)", "local s = 0 for i = 1, 5e7 do s = s + i % 7 end"),
        ("table-building loop (2e6 tables)", "local t = {} for i = 1, 2e6 do t[i] = {id = i, name = 'c' .. i} end"),
    ]

    // MARK: - Measurements (nanoseconds)

    private func hostCallsLua() throws -> Double {
        let state = try LuaState(limits: LuaLimits(memoryBytes: 1 << 30, timeSeconds: 600))
        defer { state.close() }
        guard let add = try state.evaluate("return function(a, b, c) return a + b + c end").first?.functionValue else {
            throw ValidationError("no function")
        }
        var sum: Int64 = 0
        let start = DispatchTime.now().uptimeNanoseconds
        for i in 0..<Int64(iterations) {
            sum &+= try add.call(i, Int64(2), Int64(3), as: Int64.self)
        }
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        guard sum != 0 else { throw ValidationError("wrong sum") }
        return Double(elapsed)
    }

    private func luaCallsHost() throws -> Double {
        let state = try LuaState(limits: LuaLimits(memoryBytes: 1 << 30, timeSeconds: 600))
        defer { state.close() }
        let add = state.function("add3") { arguments in
            try arguments.get(1, "a", as: Int64.self) &+ arguments.get(2, "b", as: Int64.self)
                &+ arguments.get(3, "c", as: Int64.self)
        }
        try state.setGlobal("add3", .function(add))
        let loop = try state.load("local n = ... local add3 = add3 local s = 0 for i = 1, n do s = add3(i, 2, 3) end return s")
        let start = DispatchTime.now().uptimeNanoseconds
        let result: Int64 = try loop.call(Int64(iterations))
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        guard result == Int64(iterations) + 5 else { throw ValidationError("wrong result \(result)") }
        return Double(elapsed)
    }

    private func hostScript(_ script: String, limits: LuaLimits) throws -> Double {
        let state = try LuaState(limits: limits)
        defer { state.close() }
        let chunk = try state.load(script)
        let start = DispatchTime.now().uptimeNanoseconds
        try chunk.run()
        return Double(DispatchTime.now().uptimeNanoseconds - start)
    }

    private func cBaseline(_ nanoseconds: Int64) throws -> Double {
        guard nanoseconds >= 0 else { throw ValidationError("the C baseline failed") }
        return Double(nanoseconds)
    }

    private func callScript(callee: String) -> String {
        """
        \(callee)
        local s = 0
        local start = os.clock()
        for i = 1, \(iterations) do s = f(i, 2, 3) end
        io.write(string.format("%.0f", (os.clock() - start) * 1e9))
        """
    }

    /// Runs the script with the stock interpreter; the script prints its own timing in ns.
    private func stockInterpreter(_ script: String) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/lua5.4")
        process.arguments = ["-e", script]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0, let value = Double(String(decoding: data, as: UTF8.self)) else {
            throw ValidationError("lua5.4 failed")
        }
        return value
    }

    private func best(_ measure: () throws -> Double) throws -> Double {
        var fastest = Double.infinity
        for _ in 0..<max(1, repeats) { fastest = min(fastest, try measure()) }
        return fastest
    }

    // MARK: - Output

    private func printCallRow(_ name: String, _ host: Double, _ c: Double, _ stock: Double, stockNote: String) {
        let perCall = { (ns: Double) in String(format: "%.1f ns", ns / Double(iterations)) }
        let stockText = "\(perCall(stock)) (\(stockNote))"
        print("| \(name) | \(perCall(host)) | \(perCall(c)) | \(ratio(host, c)) | \(stockText) |")
    }

    private func ms(_ ns: Double) -> String { String(format: "%.1f ms", ns / 1e6) }
    private func ratio(_ a: Double, _ b: Double) -> String { String(format: "%.2f×", a / b) }
}
