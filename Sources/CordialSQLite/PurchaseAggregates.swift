import CordialCore
import CordialStore
import Foundation
import GRDB

/// Each customer's purchase summary, in customer order: what the facts scan merges with the
/// customers. Read either by a cursor on the scan's own connection, or on another thread
/// (``AggregateChannel``) so that SQLite's two largest pieces of work (the customer rows and
/// the purchase `GROUP BY`) run on two cores.
protocol PurchaseAggregates {
    mutating func next() throws -> (customer: Int64, facts: PurchaseFacts)?
}

/// The stored facts (``PurchaseFactsTable``) in customer order, optionally for a range of
/// customers.
struct PurchaseAggregateCursor: PurchaseAggregates {
    private let rows: SQLiteRows

    init(_ db: Database, range: ClosedRange<Int64>? = nil) throws {
        let bounds = range.map { "WHERE customerId BETWEEN \($0.lowerBound) AND \($0.upperBound)" } ?? ""
        rows = try SQLiteRows(db, sql: """
            SELECT customerId, purchases, total, firstDay, lastDay FROM purchaseFacts \(bounds) ORDER BY customerId
            """)
    }

    mutating func next() throws -> (customer: Int64, facts: PurchaseFacts)? {
        guard try rows.next() else { return nil }
        return (rows.integer(0), PurchaseFacts(
            count: Int(rows.integer(1)), total: rows.double(2), firstDay: Int(rows.integer(3)), lastDay: Int(rows.integer(4))))
    }
}

/// Chunks of aggregates handed from a producing thread to the scan, at most `capacity`
/// chunks ahead (so memory holds a few thousand summaries, not a million).
final class AggregateChannel: @unchecked Sendable {  // guarded by `condition`
    typealias Chunk = [(customer: Int64, facts: PurchaseFacts)]
    struct Cancelled: Error {}

    private let condition = NSCondition()
    private var chunks: [Chunk] = []
    private var finished = false
    private var failure: (any Error)?
    private var cancelled = false
    private let capacity = 8

    /// Producer: waits while the consumer is `capacity` chunks behind; throws once cancelled.
    func put(_ chunk: Chunk) throws {
        condition.lock()
        defer { condition.unlock() }
        while chunks.count >= capacity && !cancelled { condition.wait() }
        if cancelled { throw Cancelled() }
        chunks.append(chunk)
        condition.broadcast()
    }

    /// Producer: no more chunks (with the error that stopped it, if any).
    func finish(_ error: (any Error)? = nil) {
        condition.lock()
        finished = true
        failure = error
        condition.broadcast()
        condition.unlock()
    }

    /// Consumer: the next chunk; nil at the end; the producer's error if it failed.
    func take() throws -> Chunk? {
        condition.lock()
        defer { condition.unlock() }
        while chunks.isEmpty && !finished { condition.wait() }
        if !chunks.isEmpty {
            condition.broadcast()
            return chunks.removeFirst()
        }
        if let failure { throw failure }
        return nil
    }

    /// Consumer: stop the producer (the scan ended early).
    func cancel() {
        condition.lock()
        cancelled = true
        condition.broadcast()
        condition.unlock()
    }
}

/// The consumer's side of an ``AggregateChannel``.
struct ChannelAggregates: PurchaseAggregates {
    let channel: AggregateChannel
    private var chunk: AggregateChannel.Chunk = []
    private var index = 0

    init(_ channel: AggregateChannel) {
        self.channel = channel
    }

    mutating func next() throws -> (customer: Int64, facts: PurchaseFacts)? {
        while index == chunk.count {
            guard let next = try channel.take() else { return nil }
            chunk = next
            index = 0
        }
        defer { index += 1 }
        return chunk[index]
    }
}
