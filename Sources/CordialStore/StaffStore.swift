import CordialCore

/// The organisation's staff and every contact with a customer (visits, calls, letters,
/// gifts, events).
public protocol StaffStore: Sendable {
    /// Adds a member of staff; returns it with its id.
    func addStaff(_ staff: Staff) async throws -> Staff
    /// Every member of staff, by id.
    func staff() async throws -> [Staff]

    /// Records a contact with a customer; returns it with its id. An unknown customer or
    /// member of staff is refused (``StoreError/noSuchCustomer(_:)``, ``StoreError/noSuchStaff(_:)``).
    func record(_ interaction: Interaction) async throws -> Interaction
    /// A customer's contacts, oldest first.
    func interactions(of id: CustomerID) async throws -> [Interaction]
}
