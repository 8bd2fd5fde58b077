/// Maximum flow on a directed graph with integer capacities (Dinic's algorithm: breadth-first
/// levels, then blocking flows along depth-first paths). Edges are kept in flat arrays, each
/// with its reverse beside it, so that a million edges cost a few tens of megabytes and no
/// allocation per edge. Deterministic: edges are tried in the order they were added.
public struct MaxFlow: Sendable {
    private var head: [Int32]
    /// The last edge of each node's list, so that edges are tried in the order they were added.
    private var tail: [Int32]
    private var next: [Int32] = []
    private var target: [Int32] = []
    private var capacity: [Int32] = []
    public private(set) var nodeCount: Int

    public init(nodes: Int) {
        nodeCount = nodes
        head = Array(repeating: -1, count: nodes)
        tail = Array(repeating: -1, count: nodes)
    }

    /// Adds a node; returns its index.
    public mutating func addNode() -> Int {
        head.append(-1)
        tail.append(-1)
        nodeCount += 1
        return nodeCount - 1
    }

    /// Adds an edge `from → to` with `capacity`; returns its index (for ``flow(on:)`` and
    /// ``setCapacity(_:_:)``).
    @discardableResult
    public mutating func addEdge(from: Int, to: Int, capacity amount: Int) -> Int {
        let index = target.count
        target.append(Int32(to)); capacity.append(Int32(clamping: amount)); next.append(-1)
        target.append(Int32(from)); capacity.append(0); next.append(-1)
        link(Int32(index), to: from)
        link(Int32(index + 1), to: to)
        return index
    }

    /// Appends an edge to the end of a node's list.
    private mutating func link(_ edge: Int32, to node: Int) {
        if tail[node] < 0 { head[node] = edge } else { next[Int(tail[node])] = edge }
        tail[node] = edge
    }

    /// The flow an edge carries now.
    public func flow(on edge: Int) -> Int { Int(capacity[edge + 1]) }

    /// Sends `amount` more along an edge (a flow known to be feasible, set before augmenting).
    public mutating func addFlow(on edge: Int, _ amount: Int) {
        capacity[edge] -= Int32(amount)
        capacity[edge ^ 1] += Int32(amount)
    }

    /// Raises the capacity of an edge (an edge kept closed until a later phase).
    public mutating func setCapacity(_ edge: Int, _ amount: Int) {
        capacity[edge] = Int32(clamping: max(0, Int(Int32(clamping: amount)) - Int(capacity[edge + 1])))
    }

    /// The edges leaving `node` (their indices), with the node each goes to and its flow.
    public func edges(from node: Int) -> [(edge: Int, to: Int, flow: Int)] {
        var out: [(Int, Int, Int)] = []
        var index = head[node]
        while index >= 0 {
            let edge = Int(index)
            if edge % 2 == 0 { out.append((edge, Int(target[edge]), Int(capacity[edge + 1]))) }
            index = next[edge]
        }
        return out
    }

    /// Pushes as much flow as the graph allows from `source` to `sink`, adding to what flows
    /// already; returns the flow added.
    public mutating func augment(from source: Int, to sink: Int) -> Int {
        var total = 0
        var level = [Int32](repeating: -1, count: nodeCount)
        var cursor = [Int32](repeating: -1, count: nodeCount)
        var queue = [Int32](repeating: 0, count: nodeCount)
        while true {
            // Levels by breadth-first search over edges with capacity left.
            for index in level.indices { level[index] = -1 }
            level[source] = 0
            var read = 0, write = 1
            queue[0] = Int32(source)
            while read < write {
                let node = Int(queue[read]); read += 1
                var index = head[node]
                while index >= 0 {
                    let edge = Int(index)
                    let to = Int(target[edge])
                    if capacity[edge] > 0, level[to] < 0 {
                        level[to] = level[node] + 1
                        queue[write] = Int32(to); write += 1
                    }
                    index = next[edge]
                }
            }
            guard level[sink] >= 0 else { return total }
            for index in cursor.indices { cursor[index] = head[index] }
            // Blocking flow: depth-first paths along rising levels, iteratively.
            while true {
                let pushed = push(from: source, to: sink, level: level, cursor: &cursor)
                if pushed == 0 { break }
                total += pushed
            }
        }
    }

    /// One unit-or-more path from `source` to `sink` along the level graph, found without
    /// recursion (paths can be as long as the graph is deep); returns its flow.
    private mutating func push(from source: Int, to sink: Int, level: [Int32], cursor: inout [Int32]) -> Int {
        var path: [Int] = []  // edges
        var node = source
        while true {
            if node == sink {
                var amount = Int32.max
                for edge in path { amount = min(amount, capacity[edge]) }
                for edge in path {
                    capacity[edge] -= amount
                    capacity[edge ^ 1] += amount
                }
                return Int(amount)
            }
            var advanced = false
            while cursor[node] >= 0 {
                let edge = Int(cursor[node])
                let to = Int(target[edge])
                if capacity[edge] > 0, level[to] == level[node] + 1 {
                    path.append(edge)
                    node = to
                    advanced = true
                    break
                }
                cursor[node] = next[edge]
            }
            if advanced { continue }
            // Dead end: retreat, and never try this node's way again in this phase.
            guard let last = path.popLast() else { return 0 }
            node = Int(target[last ^ 1])
            cursor[node] = next[last]
        }
    }
}
