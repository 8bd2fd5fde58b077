import Foundation

/// A stream of batches from a store's read to its consumer, with back-pressure: the reader
/// is at most `capacity` batches ahead, so a scan of a million customers holds a few
/// thousand in memory. The producer may be a thread that blocks (a SQLite reader:
/// ``Producer/send(_:)-(_)``) or a task on an event loop that suspends (a PostgreSQL
/// connection: ``Producer/send(_:)-(_)async``); the consumer iterates with `for try await`.
///
/// ```swift
/// for try await batch in store.scanCustomerFacts(batchSize: 1_000, values: false) {
///     classify(batch)
/// }
/// ```
///
/// When the consumer stops early (its loop throws or breaks, or its task is cancelled) or
/// drops the stream without reading it, the producer's next `send` throws ``Cancelled`` and
/// the read ends, so no connection is held by a reader nobody listens to. A stream has one
/// consumer: iterate it once. A consumer whose task is cancelled still gets the batches
/// already buffered, then `CancellationError`.
public struct BatchStream<Item: Sendable>: AsyncSequence, Sendable {
    public typealias Element = [Item]

    /// The producer's next `send` after the consumer went away.
    public struct Cancelled: Error {}

    /// The producing side: send batches, then finish once (with the error that stopped the
    /// read, if any).
    public struct Producer: Sendable {
        fileprivate let channel: BatchChannel<Item>

        /// Hands over a batch, blocking the calling thread while the consumer is
        /// `capacity` batches behind. Throws ``Cancelled`` once the consumer is gone.
        public func send(_ batch: [Item]) throws {
            try channel.send(batch)
        }

        /// Hands over a batch, suspending while the consumer is `capacity` batches behind.
        /// Throws ``Cancelled`` once the consumer is gone.
        public func send(_ batch: [Item]) async throws {
            try await channel.sendSuspending(batch)
        }

        /// The read ended: after the buffered batches the consumer sees the end, or `error`.
        public func finish(throwing error: (any Error)? = nil) {
            channel.finish(error)
        }
    }

    private let consumer: Consumer

    /// A stream and the producer that feeds it.
    public static func makeStream(capacity: Int = 4) -> (stream: BatchStream, producer: Producer) {
        let channel = BatchChannel<Item>(capacity: capacity)
        return (BatchStream(consumer: Consumer(channel)), Producer(channel: channel))
    }

    /// A stream whose producer runs as a task; `produce` sends its batches and returns at
    /// the end (throwing ends the stream with that error).
    public static func producing(
        capacity: Int = 4, _ produce: @escaping @Sendable (Producer) async throws -> Void
    ) -> BatchStream {
        let (stream, producer) = makeStream(capacity: capacity)
        Task {
            do {
                try await produce(producer)
                producer.finish()
            } catch {
                producer.finish(throwing: error)
            }
        }
        return stream
    }

    private init(consumer: Consumer) {
        self.consumer = consumer
    }

    public func makeAsyncIterator() -> Iterator {
        Iterator(consumer: consumer, iteration: Iteration(consumer.channel))
    }

    public struct Iterator: AsyncIteratorProtocol {
        fileprivate let consumer: Consumer
        fileprivate let iteration: Iteration

        public mutating func next() async throws -> [Item]? {
            try await consumer.channel.next()
        }
    }

    /// Held by an iterator: when it goes (the loop ended, broke or threw), so does the read,
    /// as with `AsyncStream`. A stream has one consumer.
    fileprivate final class Iteration: Sendable {
        let channel: BatchChannel<Item>
        init(_ channel: BatchChannel<Item>) { self.channel = channel }
        deinit { channel.cancel() }
    }

    /// Held by the stream and its iterators: when the last of them goes (a stream nobody
    /// iterated), the producer is told to stop.
    fileprivate final class Consumer: Sendable {
        let channel: BatchChannel<Item>
        init(_ channel: BatchChannel<Item>) { self.channel = channel }
        deinit { channel.cancel() }
    }
}

/// The buffer between one producer and one consumer of a ``BatchStream``.
private final class BatchChannel<Item: Sendable>: @unchecked Sendable {  // guarded by `condition`
    private let condition = NSCondition()
    private let capacity: Int
    private var buffer: [[Item]] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    /// The consumer, waiting for a batch.
    private var waitingConsumer: CheckedContinuation<[Item]?, any Error>?
    /// Suspended producers' batches, waiting for room, first come first served (a backend
    /// may read several ranges at once, each with its own producing task).
    private var waitingProducers: [RoomWaiter] = []

    private struct RoomWaiter {
        var batch: [Item]
        var continuation: CheckedContinuation<Void, any Error>
    }

    init(capacity: Int) {
        precondition(capacity > 0, "a stream buffers at least one batch")
        self.capacity = capacity
    }

    /// Delivers `batch` to a waiting consumer or the buffer; false when the buffer is full.
    /// Called with the lock held; returns the consumer to resume after unlocking.
    private func deliver(_ batch: [Item]) -> (delivered: Bool, consumer: CheckedContinuation<[Item]?, any Error>?) {
        if let consumer = waitingConsumer {
            waitingConsumer = nil
            return (true, consumer)
        }
        guard buffer.count < capacity else { return (false, nil) }
        buffer.append(batch)
        return (true, nil)
    }

    func send(_ batch: [Item]) throws {
        condition.lock()
        while !cancelled && waitingConsumer == nil && buffer.count >= capacity { condition.wait() }
        if cancelled {
            condition.unlock()
            throw BatchStream<Item>.Cancelled()
        }
        let (_, consumer) = deliver(batch)
        condition.unlock()
        consumer?.resume(returning: batch)
    }

    func sendSuspending(_ batch: [Item]) async throws {
        // Suspends until the batch is delivered: at once when there is room, else when the
        // consumer takes one (or goes away).
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            offer(batch, resuming: continuation)
        }
    }

    /// Delivers `batch` and resumes `continuation`, or, with the buffer full, keeps the
    /// continuation until there is room and tries again then.
    private func offer(_ batch: [Item], resuming continuation: CheckedContinuation<Void, any Error>) {
        condition.lock()
        if cancelled {
            condition.unlock()
            return continuation.resume(throwing: BatchStream<Item>.Cancelled())
        }
        let (delivered, consumer) = deliver(batch)
        if delivered {
            condition.unlock()
            consumer?.resume(returning: batch)
            return continuation.resume()
        }
        waitingProducers.append(RoomWaiter(batch: batch, continuation: continuation))
        condition.unlock()
    }

    func finish(_ error: (any Error)?) {
        condition.lock()
        guard !finished else { return condition.unlock() }
        finished = true
        failure = error
        let consumer = waitingConsumer
        waitingConsumer = nil
        condition.unlock()
        if let consumer {
            if let error { consumer.resume(throwing: error) } else { consumer.resume(returning: nil) }
        }
    }

    func next() async throws -> [Item]? {
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<[Item]?, any Error>) in
                condition.lock()
                if !buffer.isEmpty {
                    let batch = buffer.removeFirst()
                    let producer = waitingProducers.isEmpty ? nil : waitingProducers.removeFirst()
                    condition.broadcast()
                    condition.unlock()
                    continuation.resume(returning: batch)
                    if let producer { self.offer(producer.batch, resuming: producer.continuation) }
                } else if cancelled {
                    condition.unlock()
                    continuation.resume(throwing: CancellationError())
                } else if finished {
                    let failure = self.failure
                    condition.unlock()
                    if let failure { continuation.resume(throwing: failure) } else { continuation.resume(returning: nil) }
                } else {
                    waitingConsumer = continuation
                    // A blocked producer may hand its batch straight over now.
                    condition.broadcast()
                    condition.unlock()
                }
            }
        } onCancel: {
            cancel()
        }
    }

    /// The consumer is gone: wake everyone; the producer's next send throws.
    func cancel() {
        condition.lock()
        cancelled = true
        let consumer = waitingConsumer
        waitingConsumer = nil
        let producers = waitingProducers
        waitingProducers = []
        condition.broadcast()
        condition.unlock()
        consumer?.resume(throwing: CancellationError())
        for producer in producers { producer.continuation.resume(throwing: BatchStream<Item>.Cancelled()) }
    }
}
