import Foundation

/// Sums a vector-valued function over index ranges split across the machine's cores: the
/// likelihoods of a million customers are evaluated a hundred times in a fit.
enum ParallelSum {
    /// Serial below this many items, where threads would cost more than they save.
    static let parallelThreshold = 20_000

    static func sum(count: Int, _ body: @Sendable (Range<Int>) -> [Double]) -> [Double] {
        let pieces = count < parallelThreshold ? 1 : ProcessInfo.processInfo.activeProcessorCount
        guard pieces > 1 else { return body(0..<count) }
        let results = Results(count: pieces)
        DispatchQueue.concurrentPerform(iterations: pieces) { piece in
            results.set(piece, body(count * piece / pieces..<count * (piece + 1) / pieces))
        }
        return results.total()
    }

    /// One slot per piece; each written by its own thread, read after all have finished.
    private final class Results: @unchecked Sendable {
        // A buffer, not an array property: threads writing different slots of a class's
        // array would trip Swift's exclusivity check on the whole property.
        private let slots: UnsafeMutableBufferPointer<[Double]>

        init(count: Int) {
            slots = .allocate(capacity: count)
            slots.initialize(repeating: [])
        }

        deinit {
            slots.deinitialize()
            slots.deallocate()
        }

        func set(_ piece: Int, _ value: [Double]) { slots[piece] = value }

        func total() -> [Double] {
            slots.dropFirst().reduce(into: slots[0]) { sum, part in
                for i in part.indices { sum[i] += part[i] }
            }
        }
    }
}
