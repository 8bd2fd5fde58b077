import CordialCore

/// Where an organisation's customers live: every role a backend plays, composed into one.
/// ``CordialSQLite``'s `SQLiteStore` is the embedded default; a PostgreSQL conformer sits
/// beside it. Nothing here names a database: every method is `async`, results are values,
/// streaming reads are back-pressured ``BatchStream``s, and imports are one transaction each.
///
/// Each role is a small protocol with defaults for what can be built from its other
/// requirements, in the way Hummingbird's `PersistDriver` is; the features that come next
/// (campaigns, letters, feedback) add roles of their own. The conformance suite
/// (`Tests/CordialStoreTests`) holds the contract of every requirement.
public protocol Store: CustomerStore, StaffStore, SegmentStore, SegmentJobStore, ValueStore, CampaignStore, ConsentStore, OutboxStore, FeedbackStore, FeedbackHookStore, VisitStore, StoreCopying {
    /// Creates or upgrades the schema (versioned migrations).
    func migrate() async throws
}
