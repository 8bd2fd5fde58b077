/// How a run changes a segment's membership: who keeps their label, who leaves it, who
/// enters one. Pure, so every backend materializes runs the same way; a backend reads its
/// current members in customer order, hands them over one by one, and writes the result.
public struct MembershipDiff: Sendable {
    /// A current member as the store holds it: `row` is the backend's key of the stay.
    public struct Member: Sendable, Hashable {
        public var row: Int64
        public var customer: CustomerID
        public var label: String

        public init(row: Int64, customer: CustomerID, label: String) {
            self.row = row
            self.customer = customer
            self.label = label
        }
    }

    /// Rows of stays that end with this run (a changed label, no label any more, or a
    /// customer no longer classified: forgotten), in customer order.
    public var leaving: [Int64] = []
    /// Stays that begin with this run, in customer order.
    public var entering: [(customer: CustomerID, label: String)] = []
    /// Members whose label is the same as before.
    public var unchanged = 0
    /// Members per label after the run.
    public var counts: [String: Int] = [:]

    /// Merges the current members (in ascending customer order, from `nextCurrent`) with the
    /// outcome's labels (in ascending customer order) in one pass, holding neither list twice.
    public init(_ outcome: SegmentOutcome, current nextCurrent: () throws -> Member?) rethrows {
        var current = try nextCurrent()
        var previous: Int64 = .min
        for (index, customer) in outcome.customers.enumerated() {
            precondition(customer.rawValue > previous, "segment outcomes are in ascending customer order")
            previous = customer.rawValue
            while let member = current, member.customer.rawValue < customer.rawValue {
                leaving.append(member.row)
                current = try nextCurrent()
            }
            let label = outcome.labels[index]
            if let label { counts[label, default: 0] += 1 }
            if let member = current, member.customer == customer {
                if member.label == label {
                    unchanged += 1
                } else {
                    leaving.append(member.row)
                    if let label { entering.append((customer, label)) }
                }
                current = try nextCurrent()
            } else if let label {
                entering.append((customer, label))
            }
        }
        while let member = current {
            leaving.append(member.row)
            current = try nextCurrent()
        }
    }
}
