import CordialCore
import CordialStore
import Foundation

/// Sample letters of a plan, rendered as they would be sent: what `cordial campaigns show`
/// puts before the people who approve a plan. Customers of different locales come first; a
/// letter that cannot be rendered is shown with its reason (the apply would refuse it too).
public struct LetterPreview: Sendable, Encodable {
    public var seq: Int
    public var customer: Int64
    public var template: String
    public var locale: String
    public var file: String?
    public var subject: String?
    public var text: String?
    /// Why the letter cannot be rendered (`file:line: …`).
    public var error: String?
}

public enum LetterPreviews {
    /// How many planned actions are looked through for letters in different locales.
    static let window = 2_000

    /// Up to `count` previews of plan `plan`'s letters.
    public static func samples(of plan: CampaignPlan, count: Int, store: any Store, desk: LetterDesk) async throws -> [LetterPreview] {
        guard count > 0, let id = plan.id else { return [] }
        let actions = try await store.plannedActions(of: id, seqs: 1...window)
        let letters = actions.filter { $0.form == .letter && $0.heldBack == nil && $0.template != nil }
        guard !letters.isEmpty else { return [] }
        let customers = Dictionary(
            try await store.customers(withIDs: Array(Set(letters.map(\.customerID)))).compactMap { customer in customer.id.map { ($0, customer) } },
            uniquingKeysWith: { first, _ in first })
        // One letter per locale first, then more of the same, in plan order.
        var chosen: [PlannedAction] = []
        var locales: Set<String> = []
        for action in letters where chosen.count < count {
            guard let locale = customers[action.customerID]?.locale, !locales.contains(locale) else { continue }
            locales.insert(locale)
            chosen.append(action)
        }
        for action in letters where chosen.count < count && !chosen.contains(where: { $0.seq == action.seq }) { chosen.append(action) }
        let items = try await store.giftItems()
        var previews: [LetterPreview] = []
        for action in chosen.sorted(by: { $0.seq < $1.seq }) {
            guard let customer = customers[action.customerID], let template = action.template else { continue }
            // The gift that goes with the letter: the same customer's, on the same occasion.
            let gift = actions.first { $0.customerID == action.customerID && $0.occasion == action.occasion && $0.form == .gift }
                .flatMap { planned in items.first { $0.catalog == planned.giftCatalog && $0.code == planned.giftItem } }
            var occasion = LetterOccasion(
                campaign: action.campaign, occasion: action.occasion, actionDay: action.actionDay, actionKey: action.key, gift: gift)
            if RecoveryLetterCase.caseID(ofOccasion: action.occasion) != nil {
                let call = actions.first { $0.customerID == action.customerID && $0.occasion == action.occasion && $0.form == .call }
                occasion.feedbackCase = try await RecoveryLetterCase.letterCase(
                    occasion: action.occasion, customer: action.customerID, followUpDay: call?.actionDay, in: store)
            }
            var preview = LetterPreview(seq: action.seq, customer: action.customerID.rawValue, template: template, locale: customer.locale)
            do {
                let letter = try desk.render(template, preferring: plan.plugin, customer: customer, occasion: occasion, letterDay: action.actionDay)
                preview.file = letter.file
                preview.subject = letter.subject
                preview.text = letter.text
            } catch {
                preview.error = error.description
            }
            previews.append(preview)
        }
        return previews
    }
}
