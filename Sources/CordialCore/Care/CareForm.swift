/// What a care item does for a customer.
public enum CareForm: String, Sendable, Hashable, Codable, CaseIterable {
    /// A gift from a catalog (its cost and stock are the catalog's).
    case gift
    /// A letter from a template, by e-mail, post or SMS.
    case letter
    /// A call from an agent of a role, with a script; it lands on that role's call list.
    case call
    /// An invitation to an event with a date and a capacity.
    case invitation
    /// A visit by a member of staff of a role, put on their schedule when the plan is made.
    case visit
}

/// The ways an organisation reaches a customer; consent is kept per channel (a customer who
/// asks not to be visited refuses `visit`).
public enum ContactChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case email, sms, post, phone
    /// In person, at the customer's address.
    case visit
}
