import CordialCore

/// Customer value: the purchase histories the models are fitted on, referrals, and the
/// stored fits with their per-customer figures.
public protocol ValueStore: Sendable {
    /// Every customer not forgotten who bought by the end of `endDay` (days since 1970), with
    /// their purchases up to then merged per day (``PurchaseDaysBuilder``), from one
    /// consistent state. Each batch holds customers in ascending id order and no two batches
    /// share a customer, but batches may arrive in any order (a backend may read id ranges at
    /// the same time): order them by their first customer when order matters.
    func scanPurchaseDays(through endDay: Int, batchSize: Int) -> BatchStream<PurchaseDays>

    /// (referred, referrer) for every customer not forgotten whose attribute `referred_by`
    /// names another customer of the same source by external id, in referred-customer order.
    func referrals() async throws -> [(referred: CustomerID, referrer: CustomerID)]

    /// Records `fit` and makes `values` the stored customer values, in one transaction
    /// (the previous fit's values are replaced). Returns the fit with its id; the stored
    /// values name that id.
    func saveValueFit(_ fit: ValueFit, values: [CustomerValue]) async throws -> ValueFit

    /// The fit whose values are stored, if any.
    func latestValueFit() async throws -> ValueFit?
    func customerValue(of id: CustomerID) async throws -> CustomerValue?
    /// Stored values in the query's order, at most its limit.
    func customerValues(_ query: CustomerValueQuery) async throws -> [CustomerValue]
    /// The values of `figure` at each fraction (0…1, nearest rank) of the stored values
    /// that have it, with how many have it.
    func valueQuantiles(of figure: CustomerValueFigure, at fractions: [Double]) async throws -> (count: Int, values: [Double])
}
