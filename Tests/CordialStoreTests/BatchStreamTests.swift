import CordialStore
import Foundation
import Testing

/// The back-pressured stream between a store's read and its consumer.
@Suite struct BatchStreamTests {
    /// How far a producer got, written from its thread.
    final class Progress: @unchecked Sendable {
        private let lock = NSLock()
        private var sent = 0
        private var stoppedBecauseCancelled = false
        func record() { lock.withLock { sent += 1 } }
        func cancelled() { lock.withLock { stoppedBecauseCancelled = true } }
        var count: Int { lock.withLock { sent } }
        var wasCancelled: Bool { lock.withLock { stoppedBecauseCancelled } }
    }

    /// A thread that sends `batches` batches, blocking as the stream says.
    func blockingProducer(_ batches: Int, capacity: Int, progress: Progress, done: DispatchSemaphore) -> BatchStream<Int> {
        let (stream, producer) = BatchStream<Int>.makeStream(capacity: capacity)
        Thread {
            do {
                for number in 0..<batches {
                    try producer.send([number])
                    progress.record()
                }
                producer.finish()
            } catch is BatchStream<Int>.Cancelled {
                progress.cancelled()
            } catch {
                producer.finish(throwing: error)
            }
            done.signal()
        }.start()
        return stream
    }

    @Test func aBlockingProducerStaysAtMostCapacityAhead() async throws {
        let progress = Progress(), done = DispatchSemaphore(value: 0)
        let stream = blockingProducer(50, capacity: 3, progress: progress, done: done)
        var received: [Int] = []
        for try await batch in stream {
            // The producer may be `capacity` batches ahead, plus the one it hands over.
            #expect(progress.count - received.count <= 4)
            received += batch
            if received.count % 10 == 0 { try await Task.sleep(for: .milliseconds(20)) }
        }
        #expect(received == Array(0..<50))
        done.wait()
    }

    @Test func aSuspendingProducerDeliversInOrder() async throws {
        let stream = BatchStream<Int>.producing(capacity: 2) { producer in
            for number in 0..<100 { try await producer.send([number, number]) }
        }
        var received: [Int] = []
        for try await batch in stream { received += batch }
        #expect(received == (0..<100).flatMap { [$0, $0] })
    }

    @Test func theProducersErrorEndsTheStreamAfterItsBatches() async throws {
        struct Broken: Error {}
        let stream = BatchStream<Int>.producing { producer in
            try await producer.send([1])
            throw Broken()
        }
        var received: [Int] = []
        await #expect(throws: Broken.self) {
            for try await batch in stream { received += batch }
        }
        #expect(received == [1])
    }

    @Test func aConsumerThatStopsEarlyStopsTheProducer() async throws {
        let progress = Progress(), done = DispatchSemaphore(value: 0)
        let stream = blockingProducer(1_000_000, capacity: 2, progress: progress, done: done)
        for try await batch in stream where batch == [3] { break }
        // The stream and its iterator are gone: the producer's next send throws.
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                done.wait()
                continuation.resume()
            }
        }
        #expect(progress.wasCancelled)
        #expect(progress.count < 100)
    }

    @Test func aStreamNobodyReadsDoesNotHoldItsProducer() async throws {
        let progress = Progress(), done = DispatchSemaphore(value: 0)
        do {
            _ = blockingProducer(100, capacity: 1, progress: progress, done: done)
        }
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                done.wait()
                continuation.resume()
            }
        }
        #expect(progress.wasCancelled)
    }

    @Test func aCancelledTaskEndsItsIteration() async throws {
        let stream = BatchStream<Int>.producing { producer in
            try await producer.send([1])
            try await Task.sleep(for: .seconds(30))
        }
        let task = Task {
            var count = 0
            for try await _ in stream { count += 1 }
            return count
        }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        await #expect(throws: (any Error).self) { _ = try await task.value }
    }
}

/// Locations as people write them.
@Suite struct StoreLocationTests {
    @Test func pathsAndURLs() throws {
        #expect(try StoreLocation("cordial.sqlite") == .sqlite(path: "cordial.sqlite"))
        #expect(try StoreLocation("/srv/crm.sqlite") == .sqlite(path: "/srv/crm.sqlite"))
        #expect(try StoreLocation("sqlite:data/crm.sqlite") == .sqlite(path: "data/crm.sqlite"))
        #expect(try StoreLocation("sqlite:///srv/crm.sqlite") == .sqlite(path: "/srv/crm.sqlite"))
        #expect(try StoreLocation("file:///srv/My%20CRM.sqlite") == .sqlite(path: "/srv/My CRM.sqlite"))
        #expect(try StoreLocation("file://localhost/srv/crm.sqlite") == .sqlite(path: "/srv/crm.sqlite"))
        #expect(try StoreLocation("postgres://cordial@127.0.0.1:5432/crm") == .postgres(url: "postgres://cordial@127.0.0.1:5432/crm"))
        #expect(try StoreLocation("postgresql://db/crm") == .postgres(url: "postgresql://db/crm"))
    }

    @Test func unsupportedLocationsAreRefusedWithoutTheirPassword() {
        for bad in ["", "mysql://root:hunter2@db/crm", "file://otherhost/crm.sqlite", "sqlite:"] {
            #expect(throws: StoreError.self) { try StoreLocation(bad) }
        }
        let message = StoreError.unsupportedLocation("mysql://root:hunter2@db/crm").localizedDescription
        #expect(!message.contains("hunter2") && message.contains("mysql://…@db/crm"))
        let shown = StoreLocation.postgres(url: "postgres://cordial:secret@db:5432/crm").description
        #expect(!shown.contains("secret"))
    }
}
