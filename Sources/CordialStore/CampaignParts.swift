/// How a run cuts its plan into parts: about `size` actions each, never splitting one
/// customer's actions (plans are in customer order). A customer's actions are then decided
/// in day order by one transaction, whichever process applies which part and in which order,
/// so caps and per-customer budgets count them as planned; only the limits shared by all
/// customers (the campaign's budget, stock, seats) depend on the order parts are applied in.
package enum CampaignParts {
    /// (first seq, last seq) of each part; `customers[i]` is the customer of seq i + 1. A
    /// plan without actions has one empty part (1, 0), so that its run can be done.
    package static func cut(customers: [Int64], size: Int) -> [(first: Int, last: Int)] {
        guard !customers.isEmpty else { return [(1, 0)] }
        var parts: [(first: Int, last: Int)] = []
        var first = 1
        for seq in 1...customers.count {
            let isLast = seq == customers.count
            let full = seq - first + 1 >= size
            if isLast || (full && customers[seq] != customers[seq - 1]) {
                parts.append((first, seq))
                first = seq + 1
            }
        }
        return parts
    }
}
