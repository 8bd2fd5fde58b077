import CordialCore

/// The organisation's staff and every contact with a customer (visits, calls, letters,
/// gifts, events).
public protocol StaffStore: Sendable {
    /// Adds a member of staff; returns it with its id. A value that cannot be kept
    /// (``Staff/problem``) or a staff id already taken is refused (``StoreError/invalidStaff(_:)``).
    func addStaff(_ staff: Staff) async throws -> Staff
    /// Adds or updates every member of staff by their staff id (``Staff/externalID``, which
    /// each must have), all in one transaction or none. Returns how many were added and how
    /// many changed (one whose values are as stored is neither).
    func importStaff(_ staff: [Staff]) async throws -> (added: Int, updated: Int)
    /// Every member of staff, by id.
    func staff() async throws -> [Staff]

    /// Records a contact with a customer; returns it with its id. An unknown customer or
    /// member of staff is refused (``StoreError/noSuchCustomer(_:)``, ``StoreError/noSuchStaff(_:)``).
    func record(_ interaction: Interaction) async throws -> Interaction
    /// A customer's contacts, oldest first.
    func interactions(of id: CustomerID) async throws -> [Interaction]
}
