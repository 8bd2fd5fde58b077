/// Merges purchase rows into per-customer ``PurchaseDays``: rows come in (customer, time)
/// order, and purchases of one day are one transaction of their summed amount (the value
/// models count repeat days, not rows). Pure, so every backend builds histories the same way.
///
/// ```swift
/// var builder = PurchaseDaysBuilder()
/// for row in rows { if let done = builder.add(customer: row.customer, day: row.day, amount: row.amount) { emit(done) } }
/// if let last = builder.finish() { emit(last) }
/// ```
public struct PurchaseDaysBuilder: Sendable {
    private var current: PurchaseDays?

    public init() {}

    /// Adds one purchase; returns the previous customer's history when this row starts a new
    /// customer. Rows of one customer must come together, in ascending time.
    public mutating func add(customer: CustomerID, day: Int, amount: Double) -> PurchaseDays? {
        if current?.customer == customer {
            current!.purchaseCount += 1
            if current!.days.last == day {
                current!.amounts[current!.amounts.count - 1] += amount
            } else {
                current!.days.append(day)
                current!.amounts.append(amount)
            }
            return nil
        }
        defer { current = PurchaseDays(customer: customer, days: [day], amounts: [amount], purchaseCount: 1) }
        return current
    }

    /// The last customer's history, if any row was added since the last one was returned.
    public mutating func finish() -> PurchaseDays? {
        defer { current = nil }
        return current
    }
}
