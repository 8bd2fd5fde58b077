import CordialCore
import CordialStore
import Foundation
import NIOCore

/// One import batch already encoded as `COPY` rows. Batches are read, checked and encoded
/// on a thread of their own, ahead of the writer, so that the client's work (one core)
/// overlaps with the server's (the other) instead of taking turns with it.
struct PreparedImportBatch: Sendable {
    /// The customers of one round: no (source, external id) twice, one `COPY` row each.
    struct Round: Sendable {
        var sources: [String] = []
        var externalIDs: [String] = []
        /// The rows in ``PostgresImportWriter/customerColumns`` order.
        var rows = CopyRows()
        /// Where each row ends in `rows`, so that a writer can send some of them.
        var rowEnds: [Int] = []

        var count: Int { rowEnds.count }

        /// The rows at `indices` (ascending), as one `COPY` buffer.
        func rows(at indices: [Int]) -> ByteBuffer {
            if indices.count == count { return rows.buffer }
            var buffer = ByteBufferAllocator().buffer(capacity: rows.buffer.readableBytes)
            let bytes = rows.buffer.readableBytesView
            for index in indices {
                let start = index == 0 ? 0 : rowEnds[index - 1]
                buffer.writeBytes(bytes[(bytes.startIndex + start)..<(bytes.startIndex + rowEnds[index])])
            }
            return buffer
        }
    }

    var customerMode: ImportBatch.CustomerMode
    var rounds: [Round]
    var purchaseCount: Int
    var purchaseRows: CopyRows

    /// Encodes `batch`; `stamp` is the time every customer the import creates or changes gets.
    init(_ batch: ImportBatch, stamp: String) {
        customerMode = batch.customerMode
        rounds = Self.rounds(of: batch.customers).map { customers in
            var round = Round()
            round.sources.reserveCapacity(customers.count)
            round.externalIDs.reserveCapacity(customers.count)
            round.rowEnds.reserveCapacity(customers.count)
            var texts = StoredTexts(capacity: customers.count * 400, values: customers.count * StoredCustomerText.columnCount)
            for customer in customers { StoredCustomerText.append(customer, to: &texts) }
            texts.bytes.withUnsafeBufferPointer { buffer in
                for (row, customer) in customers.enumerated() {
                    round.sources.append(customer.source)
                    round.externalIDs.append(customer.externalID)
                    let first = row * StoredCustomerText.columnCount
                    for value in first..<first + StoredCustomerText.columnCount { round.rows.text(value, of: texts, in: buffer) }
                    round.rows.raw(stamp)
                    round.rows.raw(stamp)
                    round.rows.endRow()
                    round.rowEnds.append(round.rows.buffer.readableBytes)
                }
            }
            return round
        }
        purchaseCount = batch.purchases.count
        purchaseRows = CopyRows()
        for (order, imported) in batch.purchases.enumerated() {
            let purchase = imported.purchase
            purchaseRows.integer(Int64(order))
            purchaseRows.text(imported.customerSource)
            purchaseRows.text(imported.customerExternalID)
            purchaseRows.text(purchase.source)
            purchaseRows.text(purchase.externalID)
            purchaseRows.time(purchase.time)
            purchaseRows.raw(imported.amountText)
            purchaseRows.text(purchase.amount.currency)
            purchaseRows.integer(Int64(purchase.quantity))
            purchaseRows.text(purchase.channel)
            purchaseRows.text(purchase.product)
            purchaseRows.text(purchase.category)
            purchaseRows.text(imported.origin)
            purchaseRows.endRow()
        }
    }

    /// Reads `source` on a thread of its own, at most two batches ahead of the consumer.
    /// The reader's error (the list of bad rows) ends the stream; a consumer that stops
    /// (the write failed) stops the reader.
    static func reading(_ source: some ImportSource, stamp: String) -> BatchStream<PreparedImportBatch> {
        let (stream, producer) = BatchStream<PreparedImportBatch>.makeStream(capacity: 2)
        let thread = Thread {
            var source = source
            do {
                while let batch = try source.nextBatch() {
                    try producer.send([PreparedImportBatch(batch, stamp: stamp)])
                }
                producer.finish()
            } catch {
                producer.finish(throwing: error)
            }
        }
        thread.name = "cordial import reader"
        thread.start()
        return stream
    }

    /// The customers in rounds in which no (source, external id) appears twice, each
    /// customer's occurrences in order: usually one round, the batch itself. (One
    /// statement cannot change a row twice.)
    static func rounds(of customers: [Customer]) -> [[Customer]] {
        struct Key: Hashable {
            var source: String
            var externalID: String
        }
        var seen: [Key: Int] = [:]
        var rounds: [[Customer]] = [[]]
        rounds[0].reserveCapacity(customers.count)
        for customer in customers {
            let key = Key(source: customer.source, externalID: customer.externalID)
            let round = seen[key, default: 0]
            seen[key] = round + 1
            if round == rounds.count { rounds.append([]) }
            rounds[round].append(customer)
        }
        return rounds.filter { !$0.isEmpty }
    }
}
