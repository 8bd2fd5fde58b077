import Foundation

/// A visit to schedule: whose, where they are, the days it may take place, and who may make it.
public struct VisitRequest: Sendable, Hashable {
    public var customerID: CustomerID
    public var city: String?
    public var region: String?
    /// The days (since 1970) the visit may take place on, first to last.
    public var window: ClosedRange<Int>
    /// The role the visitor must hold (`account-manager`).
    public var role: String
    /// The customer's own account manager, tried first.
    public var preferredStaffID: Int64?

    public init(customerID: CustomerID, city: String?, region: String?, window: ClosedRange<Int>, role: String, preferredStaffID: Int64? = nil) {
        self.customerID = customerID
        self.city = city
        self.region = region
        self.window = window
        self.role = role
        self.preferredStaffID = preferredStaffID
    }
}

/// A visit a member of staff already has (another campaign's, applied): its day and local time.
public struct VisitBooking: Sendable, Hashable {
    public var staffID: Int64
    public var day: Int
    /// Minutes of the local day, start to end.
    public var minutes: Range<Int>
    /// Its own travel buffer: no visit comes closer than the larger of the two buffers.
    public var buffer: Int

    public init(staffID: Int64, day: Int, minutes: Range<Int>, buffer: Int = 0) {
        self.staffID = staffID
        self.day = day
        self.minutes = minutes
        self.buffer = buffer
    }
}

/// Where and when a visit was put: the member of staff, the day and the local time.
public struct ScheduledVisit: Sendable, Hashable {
    /// The request's index in the list scheduled.
    public var request: Int
    public var staffID: Int64
    public var day: Int
    public var minutes: Range<Int>
}

/// Why a visit could not be scheduled.
public enum UnservedReason: String, Sendable, Hashable, Codable {
    case noStaffWithRole = "no staff with the role"
    case noStaffInArea = "no staff with the role in the customer's area"
    case noWorkingDay = "no staff in the area works in the window"
    case capacityExhausted = "capacity exhausted"
}

/// Puts visits on staff's days: each visit with a member of staff who holds the role and covers
/// the customer's area, on a day of its window they work and are not away, at a time that fits
/// their hours around their other visits (with a travel buffer), within their visits a day and
/// a week — serving as many visits as any assignment can.
///
/// **Method.** The assignment is a maximum flow: source → each visit (1) → the days of each
/// eligible member of staff within the visit's window → (staff, week) → sink, a day's edge
/// holding the visits that fit that day and a week's the visits left that week. A visit's
/// window reaches its days through a segment tree over each member of staff's days, so a
/// visit costs a few edges per member of staff rather than one per day. Dinic's algorithm
/// starts from the greedy pass's assignment (requests in rank order, own manager first, the
/// first day with room) as a flow, and augments it: an augmenting path may move a served visit
/// to another member of staff or day but never unserves it, so what the greedy pass served
/// stays served and the final flow is maximal — the most visits any assignment can serve. Times are then given
/// in order within each day. Everything runs in a fixed order, so the same input gives the
/// same schedule. ``greedy(_:)`` is the first-come-first-served pass it is measured against.
public struct VisitScheduler: Sendable {
    public var staff: [Staff]
    public var bookings: [VisitBooking]
    /// Minutes a visit lasts.
    public var duration: Int
    /// Minutes between two visits (travel).
    public var buffer: Int
    /// The week of staff whose own was not given.
    public var defaultWeek: WorkingWeek

    public init(staff: [Staff], bookings: [VisitBooking] = [], duration: Int, buffer: Int = 30, defaultWeek: WorkingWeek = .office) {
        self.staff = staff.sorted { ($0.id ?? 0) < ($1.id ?? 0) }
        self.bookings = bookings
        self.duration = max(1, duration)
        self.buffer = max(0, buffer)
        self.defaultWeek = defaultWeek
    }

    public struct Schedule: Sendable, Hashable {
        public var visits: [ScheduledVisit]
        public var unserved: [(request: Int, reason: UnservedReason)] {
            unservedReasons.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        var unservedReasons: [Int: UnservedReason]
    }

    /// The times a visit fits on `day` for member of staff `member`, earliest first.
    public func slots(for member: Staff, on day: Int, booked: [Range<Int>]) -> [Range<Int>] {
        guard !member.isAway(on: day) else { return [] }
        let weekday = Self.weekday(of: day)
        let open = (member.week ?? defaultWeek).days[weekday] ?? []
        var slots: [Range<Int>] = []
        let taken = booked.map { ($0.lowerBound - buffer)..<($0.upperBound + buffer) }
        var lastEnd: Int?  // the buffer holds across a break shorter than it
        for interval in open {
            var start = max(interval.lowerBound, lastEnd.map { $0 + buffer } ?? interval.lowerBound)
            while start + duration <= interval.upperBound {
                let slot = start..<(start + duration)
                if let clash = taken.filter({ $0.overlaps(slot) }).max(by: { $0.upperBound < $1.upperBound }) {
                    start = clash.upperBound
                    continue
                }
                slots.append(slot)
                lastEnd = slot.upperBound
                start = slot.upperBound + buffer
            }
        }
        if let perDay = member.visitsPerDay { slots = Array(slots.prefix(max(0, perDay - booked.count))) }
        return slots
    }

    /// Whether `member` works on `day` at all (hours that day, not away), free slots or not.
    func works(_ member: Staff, on day: Int) -> Bool {
        !member.isAway(on: day) && !((member.week ?? defaultWeek).days[Self.weekday(of: day)] ?? []).isEmpty
    }

    /// The weekday of a day since 1970 as ``WorkingWeek`` keys it (Foundation's numbering:
    /// Sunday 1 to Saturday 7; 1970-01-01 was a Thursday, 5), days before 1970 too.
    public static func weekday(of day: Int) -> Int { (day + 4).floorModulo(7) + 1 }

    /// Monday-based week of a day.
    public static func week(of day: Int) -> Int { (day + 3).floorDivided(by: 7) }

    /// Eligibility of every request: the members of staff (indices into ``staff``) who hold
    /// the role and cover the area, or the reason there are none.
    func eligible(_ requests: [VisitRequest]) -> [Result<[Int], UnservedFailure>] {
        requests.map { request in
            let holding = staff.indices.filter { staff[$0].holds(request.role) }
            guard !holding.isEmpty else { return .failure(UnservedFailure(reason: .noStaffWithRole)) }
            let covering = holding.filter { staff[$0].covers(city: request.city, region: request.region) }
            guard !covering.isEmpty else { return .failure(UnservedFailure(reason: .noStaffInArea)) }
            return .success(covering)
        }
    }

    struct UnservedFailure: Error {
        var reason: UnservedReason
    }

    /// The days each member of staff can take visits on over `days`, with their slots.
    func calendar(over days: ClosedRange<Int>) -> [[Int: [Range<Int>]]] {
        var booked: [Int64: [Int: [Range<Int>]]] = [:]
        // A booking whose own buffer is wider than this run's is widened by the difference, so
        // the gap kept around it is the larger of the two.
        for booking in bookings {
            let extra = max(0, booking.buffer - buffer)
            booked[booking.staffID, default: [:]][booking.day, default: []].append((booking.minutes.lowerBound - extra)..<(booking.minutes.upperBound + extra))
        }
        return staff.map { member in
            var out: [Int: [Range<Int>]] = [:]
            for day in days {
                let slots = self.slots(for: member, on: day, booked: booked[member.id ?? 0]?[day] ?? [])
                if !slots.isEmpty { out[day] = slots }
            }
            return out
        }
    }

    /// Visits already booked per (member of staff, week).
    func bookedPerWeek() -> [Int64: [Int: Int]] {
        var out: [Int64: [Int: Int]] = [:]
        for booking in bookings { out[booking.staffID, default: [:]][Self.week(of: booking.day), default: 0] += 1 }
        return out
    }

    public func schedule(_ requests: [VisitRequest]) -> Schedule {
        guard let first = requests.map(\.window.lowerBound).min(), let last = requests.map(\.window.upperBound).max() else {
            return Schedule(visits: [], unservedReasons: [:])
        }
        let span = first...last
        let eligibility = eligible(requests)
        let slots = calendar(over: span)
        let weekly = bookedPerWeek()

        // Nodes: source, sink, visits, then each member of staff's segment tree and weeks.
        var graph = MaxFlow(nodes: 2 + requests.count)
        let source = 0, sink = 1
        let dayCount = span.count
        var size = 1
        while size < dayCount { size *= 2 }
        // Segment tree nodes per member of staff (1-based heap order), created lazily.
        var treeNodes: [[Int]] = Array(repeating: [], count: staff.count)
        // The edges from each tree position to its two children, per member of staff.
        var childEdges: [[(left: Int, right: Int)]] = Array(repeating: [], count: staff.count)
        var leafDay: [Int: (member: Int, day: Int)] = [:]
        var dayEdge: [Int: Int] = [:]  // leaf node → its edge to the week node
        var weekEdge: [Int: Int] = [:]  // leaf node → its week node's edge to the sink
        var weekSinks: [Int: Int] = [:]
        for (index, member) in staff.enumerated() where !slots[index].isEmpty {
            var nodes = Array(repeating: -1, count: 2 * size)
            var weeks: [Int: Int] = [:]
            for position in 1..<(2 * size) { nodes[position] = graph.addNode() }
            var children = Array(repeating: (left: -1, right: -1), count: size)
            for position in stride(from: size - 1, through: 1, by: -1) {
                children[position] = (
                    graph.addEdge(from: nodes[position], to: nodes[2 * position], capacity: Int(Int32.max)),
                    graph.addEdge(from: nodes[position], to: nodes[2 * position + 1], capacity: Int(Int32.max)))
            }
            childEdges[index] = children
            for offset in 0..<dayCount {
                let day = first + offset
                guard let free = slots[index][day] else { continue }
                let week = Self.week(of: day)
                let weekNode: Int
                if let known = weeks[week] {
                    weekNode = known
                } else {
                    weekNode = graph.addNode()
                    weeks[week] = weekNode
                    let left = member.visitsPerWeek.map { max(0, $0 - (weekly[member.id ?? 0]?[week] ?? 0)) } ?? Int(Int32.max)
                    weekSinks[weekNode] = graph.addEdge(from: weekNode, to: sink, capacity: left)
                }
                let leaf = nodes[size + offset]
                weekEdge[leaf] = weekSinks[weekNode]
                dayEdge[leaf] = graph.addEdge(from: leaf, to: weekNode, capacity: free.count)
                leafDay[leaf] = (index, day)
            }
            treeNodes[index] = nodes
        }

        // Edges from each visit to the segments covering its window, per eligible member of
        // staff, the customer's own manager first (augmenting paths try edges in this order).
        var sourceEdges: [Int?] = Array(repeating: nil, count: requests.count)
        var visitEdges: [[(edge: Int, member: Int, node: Int)]] = Array(repeating: [], count: requests.count)  // node: tree position
        for (number, request) in requests.enumerated() {
            guard case .success(let members) = eligibility[number] else { continue }
            sourceEdges[number] = graph.addEdge(from: source, to: 2 + number, capacity: 1)
            let low = max(request.window.lowerBound, first) - first, high = min(request.window.upperBound, last) - first
            guard low <= high else { continue }
            let ordered = members.sorted { left, right in
                let preferred = request.preferredStaffID
                return (staff[left].id == preferred ? 0 : 1, left) < (staff[right].id == preferred ? 0 : 1, right)
            }
            for member in ordered where !treeNodes[member].isEmpty {
                for position in Self.cover(low, high, size: size) {
                    let node = treeNodes[member][position]
                    let edge = graph.addEdge(from: 2 + number, to: node, capacity: 1)
                    visitEdges[number].append((edge, member, position))
                }
            }
        }
        // The greedy pass is a flow already: each of its visits is pushed along its path
        // (visit → the segment covering its day → down to the day → week → sink). Augmenting
        // paths then serve what it could not: they start at the source, so a visit served
        // stays served (the greedy pass's rank and own-manager choices hold where the count
        // allows), and the final flow is maximal.
        for (visit, member) in greedyPass(requests, eligibility: eligibility, slots: slots).visits {
            let number = visit.request, offset = visit.day - first
            guard let sourceEdge = sourceEdges[number],
                  let entry = visitEdges[number].first(where: { $0.member == member && Self.range(of: $0.node, size: size).contains(offset) })
            else { continue }
            graph.addFlow(on: sourceEdge, 1)
            graph.addFlow(on: entry.edge, 1)
            var position = entry.node
            while position < size {
                let range = Self.range(of: 2 * position, size: size)
                if range.contains(offset) {
                    graph.addFlow(on: childEdges[member][position].left, 1)
                    position = 2 * position
                } else {
                    graph.addFlow(on: childEdges[member][position].right, 1)
                    position = 2 * position + 1
                }
            }
            let leaf = treeNodes[member][position]
            if let edge = dayEdge[leaf] { graph.addFlow(on: edge, 1) }
            if let edge = weekEdge[leaf] { graph.addFlow(on: edge, 1) }
        }
        _ = graph.augment(from: source, to: sink)

        // Each served visit walks down its member of staff's tree to a day, along the flow.
        var remaining: [Int: Int] = [:]  // graph edge → flow not yet walked
        func take(_ edge: Int) -> Bool {
            let left = remaining[edge] ?? graph.flow(on: edge)
            guard left > 0 else { return false }
            remaining[edge] = left - 1
            return true
        }
        var perDay: [Int: [Int]] = [:]  // leaf node → requests
        var unserved: [Int: UnservedReason] = [:]
        for number in requests.indices {
            let members: [Int]
            switch eligibility[number] {
            case .failure(let failure):
                unserved[number] = failure.reason
                continue
            case .success(let found): members = found
            }
            guard let entry = visitEdges[number].first(where: { graph.flow(on: $0.edge) > 0 }) else {
                let window = requests[number].window
                let working = members.contains { member in window.contains { works(staff[member], on: $0) } }
                unserved[number] = working ? .capacityExhausted : .noWorkingDay
                continue
            }
            var position = entry.node
            let children = childEdges[entry.member]
            while position < size {
                if take(children[position].left) {
                    position = 2 * position
                } else if take(children[position].right) {
                    position = 2 * position + 1
                } else {
                    break  // cannot happen: the flow into a node leaves it
                }
            }
            let leaf = treeNodes[entry.member][position]
            if let edge = dayEdge[leaf] { _ = take(edge) }
            perDay[leaf, default: []].append(number)
        }
        // Times in each day, in request order.
        var visits: [ScheduledVisit] = []
        for (leaf, numbers) in perDay {
            guard let (member, day) = leafDay[leaf], let free = slots[member][day] else { continue }
            for (slot, number) in zip(free, numbers.sorted()) {
                visits.append(ScheduledVisit(request: number, staffID: staff[member].id ?? 0, day: day, minutes: slot))
            }
        }
        visits.sort { $0.request < $1.request }
        return Schedule(visits: visits, unservedReasons: unserved)
    }

    /// First come, first served: each visit in order takes the first member of staff (its own
    /// manager first) and the first day with room. What ``schedule(_:)`` is measured against.
    public func greedy(_ requests: [VisitRequest]) -> Schedule {
        guard let first = requests.map(\.window.lowerBound).min(), let last = requests.map(\.window.upperBound).max() else {
            return Schedule(visits: [], unservedReasons: [:])
        }
        let pass = greedyPass(requests, eligibility: eligible(requests), slots: calendar(over: first...last))
        return Schedule(visits: pass.visits.map(\.visit), unservedReasons: pass.unserved)
    }

    /// The greedy pass: each visit in order, its own manager first, the first day with room.
    func greedyPass(
        _ requests: [VisitRequest], eligibility: [Result<[Int], UnservedFailure>], slots calendar: [[Int: [Range<Int>]]]
    ) -> (visits: [(visit: ScheduledVisit, member: Int)], unserved: [Int: UnservedReason]) {
        var slots = calendar
        var weekly = bookedPerWeek()
        var visits: [(ScheduledVisit, Int)] = []
        var unserved: [Int: UnservedReason] = [:]
        for (number, request) in requests.enumerated() {
            guard case .success(let members) = eligibility[number] else {
                if case .failure(let failure) = eligibility[number] { unserved[number] = failure.reason }
                continue
            }
            let ordered = members.sorted { left, right in
                (staff[left].id == request.preferredStaffID ? 0 : 1, left) < (staff[right].id == request.preferredStaffID ? 0 : 1, right)
            }
            var placed = false
            search: for member in ordered {
                let id = staff[member].id ?? 0
                for day in request.window {
                    guard var free = slots[member][day], !free.isEmpty else { continue }
                    let week = Self.week(of: day)
                    if let limit = staff[member].visitsPerWeek, (weekly[id]?[week] ?? 0) >= limit { continue }
                    let slot = free.removeFirst()
                    slots[member][day] = free
                    weekly[id, default: [:]][week, default: 0] += 1
                    visits.append((ScheduledVisit(request: number, staffID: id, day: day, minutes: slot), member))
                    placed = true
                    break search
                }
            }
            if !placed {
                let working = members.contains { member in request.window.contains { works(staff[member], on: $0) } }
                unserved[number] = working ? .capacityExhausted : .noWorkingDay
            }
        }
        return (visits, unserved)
    }

    /// The leaves (day offsets) under a segment-tree position.
    static func range(of position: Int, size: Int) -> ClosedRange<Int> {
        var depth = 0
        while (1 << (depth + 1)) <= position { depth += 1 }
        let span = size >> depth
        let low = (position - (1 << depth)) * span
        return low...(low + span - 1)
    }

    /// The segment-tree positions (1-based heap order, leaves at `size`…) covering `low…high`.
    static func cover(_ low: Int, _ high: Int, size: Int) -> [Int] {
        var out: [Int] = []
        var left = low + size, right = high + size + 1
        while left < right {
            if left & 1 == 1 { out.append(left); left += 1 }
            if right & 1 == 1 { right -= 1; out.append(right) }
            left >>= 1
            right >>= 1
        }
        return out.sorted()
    }
}

extension Int {
    /// The remainder of a division rounding toward minus infinity: never negative for a
    /// positive divisor.
    func floorModulo(_ divisor: Int) -> Int { ((self % divisor) + divisor) % divisor }

    /// Division rounding toward minus infinity.
    func floorDivided(by divisor: Int) -> Int {
        let quotient = self / divisor
        return (self % divisor != 0 && (self < 0) != (divisor < 0)) ? quotient - 1 : quotient
    }
}
