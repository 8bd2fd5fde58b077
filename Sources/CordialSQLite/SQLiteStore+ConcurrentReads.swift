import CordialStore
import Foundation
import GRDB

extension SQLiteStore {
    /// Runs `body(0)`…`body(count − 1)` at the same time, each on a reader connection of its
    /// own, all on the same committed state: every read starts while the writer is held, so
    /// no commit falls between them. Returns when all have finished; throws the first error.
    /// On a store without a pool of readers (in memory) the parts run one after another.
    func concurrentReads(_ count: Int, _ body: @escaping @Sendable (_ part: Int, _ db: Database) throws -> Void) async throws {
        precondition(count > 0, "at least one read")
        guard let pool = writer as? DatabasePool else {
            return try await writer.read { db in
                for part in 0..<count { try body(part, db) }
            }
        }
        let tally = ReadTally(count: count)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            tally.continuation = continuation
            pool.asyncWriteWithoutTransaction { _ in
                for part in 0..<count {
                    pool.asyncConcurrentRead { result in
                        tally.finish(Result { try body(part, try result.get()) })
                    }
                }
            }
        }
    }
}

/// Counts finished reads and resumes the waiting task after the last, with the first error.
private final class ReadTally: @unchecked Sendable {  // guarded by `lock`
    private let lock = NSLock()
    private var left: Int
    private var failure: (any Error)?
    var continuation: CheckedContinuation<Void, any Error>?

    init(count: Int) { left = count }

    func finish(_ result: Result<Void, any Error>) {
        lock.lock()
        if case .failure(let error) = result, failure == nil { failure = error }
        left -= 1
        let done = left == 0
        lock.unlock()
        guard done else { return }
        if let failure { continuation?.resume(throwing: failure) } else { continuation?.resume() }
    }
}
