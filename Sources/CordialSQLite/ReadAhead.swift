import CordialStore
import Foundation

/// Runs a producer on its own thread, up to `depth` results ahead of the consumer, so that
/// reading and checking an import file (one core) overlaps with the store writing (the
/// other). Results, errors included, are handed over in order. When the consumer goes away
/// before the end (the write failed), the producer is told to stop.
final class ReadAhead<Element>: @unchecked Sendable {  // unchecked: the state is guarded by `condition`
    private let condition = NSCondition()
    private var items: [Result<Element?, any Error>] = []
    private let depth: Int
    private var abandoned = false
    private var finished = false
    /// Elements the consumer is done with, freed on the producer's thread (``recycle(_:)``).
    private var used: [Element] = []

    /// `produce` returns nil at the end; it runs on the new thread only.
    init(depth: Int = 2, name: String, produce: @escaping @Sendable () throws -> Element?) {
        self.depth = depth
        let thread = Thread { [self] in
            while true {
                freeUsed()
                let next: Result<Element?, any Error>
                do { next = .success(try produce()) } catch { next = .failure(error) }
                guard put(next), case .success(.some) = next else { return }
            }
        }
        thread.name = name
        thread.start()
    }

    /// The next element, nil at the end; rethrows the producer's error in its place.
    func next() throws -> Element? {
        condition.lock()
        defer { condition.unlock() }
        if finished { return nil }
        while items.isEmpty { condition.wait() }
        let item = items.removeFirst()
        if case .success(.some) = item {} else { finished = true }
        condition.broadcast()
        return try item.get()
    }

    /// Hands back an element the consumer is done with, to be freed on the producer's
    /// thread: what a thread allocates, it frees fastest itself (a batch of a few thousand
    /// customers is tens of thousands of allocations; freed on the writer's thread, they
    /// cost it a tenth of its time in the allocator's locks).
    func recycle(_ element: consuming Element) {
        condition.lock()
        used.append(element)
        condition.unlock()
    }

    private func freeUsed() {
        condition.lock()
        let freed = used
        used.removeAll()
        condition.unlock()
        _ = freed  // the last reference: freed here
    }

    /// Stops the producer: call when no more elements will be taken.
    func abandon() {
        condition.lock()
        abandoned = true
        items.removeAll()
        condition.broadcast()
        condition.unlock()
    }

    /// False when nobody will take it.
    private func put(_ item: Result<Element?, any Error>) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        while items.count >= depth && !abandoned { condition.wait() }
        guard !abandoned else { return false }
        items.append(item)
        condition.broadcast()
        return true
    }
}
