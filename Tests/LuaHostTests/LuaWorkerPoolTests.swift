import LuaHost
import Testing

@Suite struct LuaWorkerPoolTests {
    @Test func workersRunTheirOwnStatesInParallel() async throws {
        let pool = try LuaWorkerPool(workers: 2) { index in
            let state = try LuaState()
            try state.setGlobal("worker", .integer(Int64(index)))
            return state
        }
        let results = try await withThrowingTaskGroup(of: [Int64].self) { group in
            for worker in 0..<pool.count {
                group.addTask {
                    try await pool.perform(on: worker) { state in
                        let values = try state.evaluate("local s = 0 for i = 1, 1e5 do s = s + i end return worker, s")
                        return values.compactMap(\.integerValue)
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(Set(results.map { $0[0] }) == [0, 1])
        #expect(results.allSatisfy { $0[1] == 5_000_050_000 })
    }

    @Test func errorsComeBackToTheCaller() throws {
        let pool = try LuaWorkerPool(workers: 1) { _ in try LuaState(limits: LuaLimits(memoryBytes: 8 << 20, timeSeconds: 0.2)) }
        #expect(throws: LuaRunError.self) {
            try pool.performAndWait(on: 0) { state in try state.evaluate("while true do end").count }
        }
        let after = try pool.performAndWait(on: 0) { state in try state.evaluate("return 7")[0].integerValue }
        #expect(after == 7)
    }
}
