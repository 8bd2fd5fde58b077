/// The organisation's letter settings (`plugin:letters`, declared by one plugin): the locale
/// letters fall back to when a customer's has no template, the sender of letters whose
/// template names none, and the organisation's name as letters sign it.
public struct LetterSettings: Sendable, Hashable {
    public var defaultLocale: String?
    public var sender: String?
    public var organisation: String?
    /// `plugins/organisation/plugin.lua:20`.
    public var definedAt: String

    public init(defaultLocale: String? = nil, sender: String? = nil, organisation: String? = nil, definedAt: String = "") {
        self.defaultLocale = defaultLocale
        self.sender = sender
        self.organisation = organisation
        self.definedAt = definedAt
    }
}
