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
}

/// The ways an organisation reaches a customer; consent is kept per channel.
public enum ContactChannel: String, Sendable, Hashable, Codable, CaseIterable {
    case email, sms, post, phone
}
