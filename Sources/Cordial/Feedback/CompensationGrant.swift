import CordialCore
import CordialStore
import Foundation

/// Compensation granted on a case within the authority of the member of staff who grants
/// it (``CompensationAuthority``): what the case was granted before counts towards the
/// limit, and a grant above it is refused naming the roles — and the staff — who may make it,
/// so the case can be escalated to one of them.
public enum CompensationGrant {
    public struct Refusal: Error, CustomStringConvertible, Equatable {
        public let description: String
    }

    /// Grants `compensation` on case `id` by `staff`; returns the case and what it was granted in all.
    public static func grant(
        _ compensation: FeedbackCompensation, on id: Int64, by staff: Staff, note: String?, authority: CompensationAuthority?, in store: any Store,
        at: Date = Date()
    ) async throws -> (feedback: Feedback, total: Money) {
        guard let authority else {
            throw Refusal(description: "no plugin declares who may grant compensation (plugin:feedback_authority); see docs/plugin-guide.md")
        }
        let amount = compensation.amount
        guard amount.currency == authority.currency else {
            throw Refusal(description: "compensation is granted in \(authority.currency), not \(amount.currency)")
        }
        if let forms = authority.forms, !forms.contains(compensation.form) {
            throw Refusal(description: "no role may grant '\(compensation.form)' (forms: \(forms.sorted().joined(separator: ", ")))")
        }
        guard let current = try await store.feedback(id) else { throw StoreError.noSuchFeedback(id) }
        let granted = try await store.feedbackEvents(of: id).compactMap(\.compensation).filter { $0.amount.currency == amount.currency }
            .reduce(Decimal(0)) { $0 + $1.amount.amount }
        let total = granted + amount.amount
        let format = LocaleFormat(amount.currency == "VND" ? "vi" : "en")
        guard authority.allows(role: staff.role, form: compensation.form, total: total) else {
            let roles = authority.roles(allowing: compensation.form, total: total)
            let holders = try await store.staff().filter { roles.contains($0.role) }.map(\.name)
            let already = granted > 0 ? " (\(format.money(Money(total, amount.currency))) in all with what \(current.reference) was granted)" : ""
            let who = roles.isEmpty
                ? "no role may grant that much"
                : "a " + roles.joined(separator: " or a ") + " may" + (holders.isEmpty ? "" : " (\(holders.sorted().prefix(5).joined(separator: ", ")))")
                    + ": escalate with `cordial feedback assign \(current.reference) --to STAFF --by \(staff.name)`"
            throw Refusal(description: "\(staff.name) (\(staff.role)) may not grant \(compensation.form) of \(format.money(amount)) on \(current.reference)\(already); \(who)")
        }
        // The version read: a grant made meanwhile by someone else is counted, not raced past.
        let changed = try await store.changeFeedback(id, .compensate(compensation), by: staff.id, note: note, at: at, expectedVersion: current.version)
        return (changed, Money(total, amount.currency))
    }
}
