/// How a run changes a segment's membership, for a whole outcome at once: who keeps their
/// label, who leaves it, who enters one (``MembershipMerge`` over one stretch). A backend
/// reads its current members in customer order, hands them over one by one, and writes the
/// result.
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
        var merge = MembershipMerge()
        var leaving: [Int64] = []
        var entering: [(customer: CustomerID, label: String)] = []
        try merge.merge(
            customers: outcome.customers, labels: outcome.labels, current: nextCurrent,
            leave: { leaving.append($0) }, enter: { entering.append(($0, $1)) })
        self.leaving = leaving
        self.entering = entering
        unchanged = merge.unchanged
        counts = merge.counts
    }
}
