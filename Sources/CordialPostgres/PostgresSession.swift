import Logging
import NIOConcurrencyHelpers
import NIOCore
import PostgresNIO

/// A connection of the pool as Cordial's statements use it: every statement goes through
/// here, none through `PostgresConnection` directly.
///
/// postgres-nio 1.33.2 loses a statement written to a connection that has just closed (the
/// server ended the session, restarted, or the network dropped it while Cordial held the
/// connection, as a scan's snapshot transaction does): its promise is never completed and the
/// caller waits forever. Each statement here is answered by whichever comes first, the
/// statement or the connection's closing, so a lost connection ends the operation with a
/// reason instead of hanging it.
struct PostgresSession: Sendable {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs `query`; its rows stream from the returned sequence.
    @discardableResult
    func query(_ query: PostgresQuery) async throws -> PostgresRowSequence {
        try await ConnectionLossWatch.shared.run(on: connection) { [connection, logger] in
            try await connection.query(query, logger: logger)
        }
    }

    /// Copies `rows` (COPY text format, see ``CopyRows``) into `table`'s `columns`.
    func copy(_ rows: ByteBuffer, into table: String, columns: [String]) async throws {
        try await ConnectionLossWatch.shared.run(on: connection) { [connection, logger] in
            try await connection.copyFrom(table: table, columns: columns, logger: logger) { writer in
                try await writer.write(rows)
            }
        }
    }
}

/// Fails the statements waiting on a connection when it closes. One callback per connection
/// on its `closeFuture` (not one per statement, which would pile up on a long-lived
/// connection of the pool), and the statements waiting on it.
final class ConnectionLossWatch: Sendable {
    static let shared = ConnectionLossWatch()

    /// A statement waiting for its answer: resumed once, by its answer or by the closing.
    private final class Waiter<Result: Sendable>: Sendable {
        private let continuation = NIOLockedValueBox<CheckedContinuation<Result, any Error>?>(nil)
        private let task = NIOLockedValueBox<Task<Void, Never>?>(nil)

        func start(_ continuation: CheckedContinuation<Result, any Error>) {
            self.continuation.withLockedValue { $0 = continuation }
        }

        func resume(with result: Swift.Result<Result, any Error>) {
            continuation.withLockedValue { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }

        func running(_ task: Task<Void, Never>) { self.task.withLockedValue { $0 = task } }
        func cancel() { task.withLockedValue { $0 }?.cancel() }
    }

    private struct Watched {
        var failures: [Int: @Sendable (any Error) -> Void] = [:]
    }

    private let watched = NIOLockedValueBox<(next: Int, connections: [ObjectIdentifier: Watched])>((0, [:]))

    /// `operation` (a statement on `connection`), ended with ``PostgresConnectionLost`` if
    /// the connection closes before it is answered. A lost statement's task is left waiting
    /// on postgres-nio's promise; it holds no connection of the pool.
    func run<Result: Sendable>(
        on connection: PostgresConnection, _ operation: @escaping @Sendable () async throws -> Result
    ) async throws -> Result {
        let waiter = Waiter<Result>()
        let key = ObjectIdentifier(connection)
        let (id, isNew) = watched.withLockedValue { state in
            state.next += 1
            let isNew = state.connections[key] == nil
            state.connections[key, default: Watched()].failures[state.next] = { waiter.resume(with: .failure($0)) }
            return (state.next, isNew)
        }
        defer { _ = watched.withLockedValue { $0.connections[key]?.failures.removeValue(forKey: id) } }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                waiter.start(continuation)
                waiter.running(Task {
                    do { waiter.resume(with: .success(try await operation())) } catch { waiter.resume(with: .failure(error)) }
                })
                // Registered after the waiter started: a connection closed already completes
                // its future at once, and the callback fails the waiter.
                if isNew || connection.isClosed {
                    connection.closeFuture.whenComplete { _ in self.closed(key) }
                }
            }
        } onCancel: {
            waiter.cancel()
        }
    }

    private func closed(_ key: ObjectIdentifier) {
        let failures = watched.withLockedValue { $0.connections.removeValue(forKey: key)?.failures.values.map { $0 } ?? [] }
        for fail in failures { fail(PostgresConnectionLost()) }
    }
}

/// The connection closed while a statement waited for its answer.
struct PostgresConnectionLost: Error, CustomStringConvertible {
    var description: String { "the connection to the server was lost" }
}
