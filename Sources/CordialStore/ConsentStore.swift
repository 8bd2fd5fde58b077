import CordialCore
import Foundation

/// Each customer's consent per contact channel (``ConsentRecord``), changed with an audit
/// entry per change.
public protocol ConsentStore: Sendable {
    /// Records every change in one transaction — each changed answer with an audit entry
    /// naming `source` (no personal data) — or none when a customer is unknown or forgotten
    /// (``StoreError/noSuchCustomer(_:)``). Answers equal to the stored one are left as they
    /// are. Returns how many changed.
    func recordConsent(_ changes: [ConsentChange], source: String, at: Date) async throws -> (changed: Int, unchanged: Int)
    /// The customer's answers, by channel.
    func consent(of customer: CustomerID) async throws -> [ConsentRecord]
    /// The channels each of `customers` refused (customers with none are absent).
    func refusedChannels(of customers: [CustomerID]) async throws -> [CustomerID: Set<ContactChannel>]
    /// Every answer of customers with ids after `after`, in customer then channel order, at
    /// most `limit` customers' worth: pages for an export.
    func consentRecords(after: CustomerID?, limit: Int) async throws -> [ConsentRecord]
}
