import Foundation

/// Who may grant what to a customer who complained (`plugin:feedback_authority`): each role
/// with the forms of compensation it may grant and the largest amount per case — an agent a
/// voucher up to an amount, a supervisor more, a manager refunds. An attempt above one's
/// authority is refused and names the roles that may grant it, so the case can be escalated.
public struct CompensationAuthority: Sendable, Hashable {
    public struct Level: Sendable, Hashable {
        public var role: String
        /// The forms it may grant (`voucher`, `gift`, `refund`…); nil: any.
        public var forms: Set<String>?
        /// The most it may grant on one case, everything granted before included; nil: no limit.
        public var upTo: Decimal?

        public init(role: String, forms: Set<String>? = nil, upTo: Decimal? = nil) {
            self.role = role
            self.forms = forms
            self.upTo = upTo
        }

        func allows(form: String, total: Decimal) -> Bool {
            (forms?.contains(form) ?? true) && (upTo.map { total <= $0 } ?? true)
        }
    }

    public var currency: String
    public var levels: [Level]
    /// `plugins/ground-services/plugin.lua:60`
    public var definedAt: String

    public init(currency: String, levels: [Level], definedAt: String) {
        self.currency = currency
        self.levels = levels
        self.definedAt = definedAt
    }

    /// Every form some level names.
    public var forms: Set<String>? {
        levels.contains { $0.forms == nil } ? nil : Set(levels.flatMap { $0.forms ?? [] })
    }

    /// Whether `role` may grant `form` to a case, bringing what the case was granted to `total`.
    public func allows(role: String, form: String, total: Decimal) -> Bool {
        levels.contains { $0.role == role && $0.allows(form: form, total: total) }
    }

    /// The roles that may, in the order declared.
    public func roles(allowing form: String, total: Decimal) -> [String] {
        levels.filter { $0.allows(form: form, total: total) }.map(\.role)
    }
}
