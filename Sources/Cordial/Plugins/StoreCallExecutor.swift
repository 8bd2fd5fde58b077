import Foundation

/// Threads of their own for the store calls that Lua handlers wait for (DESIGN.md decision
/// 1: Lua runs on its own threads, and a store call it makes must not wait for Swift's
/// cooperative pool). A plugin's ``PluginEnvironment`` owns one; commands that block on a
/// store call from their main thread make their own.
///
/// The work runs here, not on the cooperative pool: a busy pool (two threads on a two-core
/// machine, say while tests run in parallel) would otherwise hold a plugin's read back until
/// its time limit ran out.
public final class StoreCallExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "cordial.store-calls", attributes: .concurrent)

    public init() {}

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }

    /// Runs async store work and blocks the calling thread until it is done: for a Lua worker
    /// thread or a command's main thread, never a task on the cooperative pool.
    public func wait<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
        let done = DispatchSemaphore(value: 0)
        let box = ResultBox<T>()
        Task(executorPreference: self) {
            do { box.result = .success(try await operation()) } catch { box.result = .failure(error) }
            done.signal()
        }
        done.wait()
        return try box.result!.get()
    }
}

/// Runs async store work on a ``StoreCallExecutor`` of its own and blocks until it is done
/// (see ``StoreCallExecutor/wait(_:)``).
public func waitForStore<T: Sendable>(_ operation: @escaping @Sendable () async throws -> T) throws -> T {
    try StoreCallExecutor().wait(operation)
}

private final class ResultBox<T>: @unchecked Sendable {  // written before the semaphore signals, read after
    var result: Result<T, any Error>?
}
