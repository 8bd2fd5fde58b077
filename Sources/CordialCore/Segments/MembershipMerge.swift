/// How a run changes a segment's membership, merged stretch by stretch as the run's labels
/// arrive: who keeps their label, who leaves it, who enters one. Pure, so every backend
/// materializes runs the same way, whether it writes a whole outcome at once
/// (``MembershipDiff``) or each batch while the rest is still being classified.
public struct MembershipMerge: Sendable {
    /// Stays that begin with the run.
    public private(set) var entered = 0
    /// Stays that end with the run (a changed label, no label any more, or a customer no
    /// longer classified: forgotten).
    public private(set) var left = 0
    /// Members whose label is the same as before.
    public private(set) var unchanged = 0
    /// Members per label after the run (of the stretches merged so far).
    public private(set) var counts: [String: Int] = [:]
    /// The last customer merged: stretches come in ascending customer order.
    private var previous: Int64 = .min

    public init() {}

    /// Merges one stretch: `customers` (ascending, after every customer of earlier
    /// stretches) with their `labels` (nil: in no label), against the current members whose
    /// customer ids fall in the stretch, in ascending order from `nextCurrent` (those after
    /// the previous stretch's last customer and up to this one's last; the run's last
    /// stretch takes every member left, with no customers, so that they leave). Hands each
    /// stay that ends to `leave` (its row) and each that begins to `enter`.
    public mutating func merge(
        customers: [CustomerID], labels: [String?], current nextCurrent: () throws -> MembershipDiff.Member?,
        leave: (Int64) throws -> Void, enter: (CustomerID, String) throws -> Void
    ) rethrows {
        precondition(customers.count == labels.count, "one label per customer")
        var current = try nextCurrent()
        for (index, customer) in customers.enumerated() {
            precondition(customer.rawValue > previous, "segment outcomes are in ascending customer order")
            previous = customer.rawValue
            while let member = current, member.customer.rawValue < customer.rawValue {
                try leave(member.row)
                left += 1
                current = try nextCurrent()
            }
            let label = labels[index]
            if let label { counts[label, default: 0] += 1 }
            if let member = current, member.customer == customer {
                if member.label == label {
                    unchanged += 1
                } else {
                    try leave(member.row)
                    left += 1
                    if let label {
                        try enter(customer, label)
                        entered += 1
                    }
                }
                current = try nextCurrent()
            } else if let label {
                try enter(customer, label)
                entered += 1
            }
        }
        while let member = current {
            try leave(member.row)
            left += 1
            current = try nextCurrent()
        }
    }
}
