import Foundation

/// Sums a vector-valued function over index ranges split across the machine's cores: the
/// likelihoods of a million customers are evaluated a hundred times in a fit.
enum ParallelSum {
    /// Serial below this many items, where threads would cost more than they save.
    static let parallelThreshold = 20_000

    /// Pieces of a parallel sum: fixed, not the core count, so that a fit gives the same
    /// digits on every machine (floating-point sums depend on how they are split).
    static let pieces = 8

    static func sum(count: Int, _ body: @Sendable (Range<Int>) -> [Double]) -> [Double] {
        let pieces = count < parallelThreshold ? 1 : Self.pieces
        guard pieces > 1 else { return body(0..<count) }
        let results = PieceResults<[Double]>(count: pieces)
        DispatchQueue.concurrentPerform(iterations: pieces) { piece in
            results.set(piece, body(count * piece / pieces..<count * (piece + 1) / pieces))
        }
        let parts = results.all()
        return parts.dropFirst().reduce(into: parts[0]) { sum, part in
            for i in part.indices { sum[i] += part[i] }
        }
    }
}

/// One slot per piece of parallel work (`DispatchQueue.concurrentPerform`), each written by
/// its own thread and read after all have finished.
public final class PieceResults<Value>: @unchecked Sendable {
    // A buffer, not an array property: threads writing different slots of a class's array
    // would trip Swift's exclusivity check on the whole property.
    private let slots: UnsafeMutableBufferPointer<Value?>

    public init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    public func set(_ piece: Int, _ value: Value) { slots[piece] = value }

    /// Every piece's value, in piece order (all must have been set).
    public func all() -> [Value] { slots.map { $0! } }
}
