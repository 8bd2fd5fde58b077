import Foundation

/// Threads that each own one ``LuaState``, for parallel work (DESIGN.md decision 1).
///
/// A state never leaves its thread: work is sent to the thread as a closure that receives the
/// state. Lua never runs on Swift's cooperative pool or an event loop.
/// ```swift
/// let pool = try LuaWorkerPool(workers: 2) { _ in try LuaState() }
/// let sums = try await withThrowingTaskGroup(of: Int64.self) { group in
///     for worker in 0..<pool.count {
///         group.addTask { try await pool.perform(on: worker) { state in
///             try state.evaluate("local s = 0 for i = 1, 1e6 do s = s + i end return s")[0].integerValue!
///         } }
///     }
///     return try await group.reduce(0, +)
/// }
/// ```
public final class LuaWorkerPool: Sendable {
    private let workers: [LuaWorker]

    /// Starts `workers` threads; `makeState(index)` runs on each thread to create its state.
    /// Throws the first creation error.
    public init(workers: Int, makeState: @escaping @Sendable (Int) throws -> LuaState) throws {
        precondition(workers > 0, "a pool needs at least one worker")
        self.workers = (0..<workers).map { LuaWorker(index: $0, makeState: makeState) }
        for worker in self.workers { try worker.waitUntilReady() }
    }

    deinit {
        for worker in workers { worker.stop() }
    }

    public var count: Int { workers.count }

    /// Runs `body` on worker `index`'s thread with its state and waits without blocking a task thread.
    public func perform<T: Sendable>(on index: Int, _ body: @escaping @Sendable (LuaState) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            workers[index].enqueue { state in
                continuation.resume(with: Result { try body(state) })
            }
        }
    }

    /// Queues `body` on worker `index`'s thread and returns at once; `body` reports its own outcome.
    public func submit(on index: Int, _ body: @escaping @Sendable (LuaState) -> Void) {
        workers[index].enqueue(body)
    }

    /// Runs `body` on worker `index`'s thread and blocks the calling thread until it is done.
    public func performAndWait<T: Sendable>(on index: Int, _ body: @escaping @Sendable (LuaState) throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        workers[index].enqueue { state in
            box.result = Result { try body(state) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// Carries a result from a worker thread to a waiting thread; the semaphore orders the accesses.
private final class ResultBox<T>: @unchecked Sendable {
    var result: Result<T, any Error>?
}

/// One thread with its state and a queue of jobs.
final class LuaWorker: @unchecked Sendable {
    typealias Job = @Sendable (LuaState) -> Void

    private let condition = NSCondition()
    private var jobs: [Job] = []
    private var stopping = false
    private var ready: Result<Void, any Error>?

    init(index: Int, makeState: @escaping @Sendable (Int) throws -> LuaState) {
        let thread = Thread { [self] in self.run(index: index, makeState: makeState) }
        thread.name = "cordial.lua-worker-\(index)"
        // Lua's C recursion limit (200 nested C calls) with Swift frames between needs more than 512 KB.
        thread.stackSize = 16 << 20
        thread.start()
    }

    func waitUntilReady() throws {
        condition.lock()
        while ready == nil { condition.wait() }
        let outcome = ready!
        condition.unlock()
        try outcome.get()
    }

    func enqueue(_ job: @escaping Job) {
        condition.lock()
        jobs.append(job)
        condition.signal()
        condition.unlock()
    }

    func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
    }

    private func run(index: Int, makeState: @Sendable (Int) throws -> LuaState) {
        let state: LuaState
        do {
            state = try makeState(index)
            setReady(.success(()))
        } catch {
            setReady(.failure(error))
            return
        }
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                break
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job(state)
        }
        state.close()
    }

    private func setReady(_ outcome: Result<Void, any Error>) {
        condition.lock()
        ready = outcome
        condition.broadcast()
        condition.unlock()
    }
}
