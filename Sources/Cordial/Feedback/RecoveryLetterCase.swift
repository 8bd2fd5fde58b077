import CordialCore
import CordialStore
import Foundation

/// The case a service-recovery letter answers (`case.*` in its context): recovery care is
/// planned on the occasion `case-ID` (``FeedbackCaseHandle/recover(_:in:)``), so a letter of
/// that occasion is about that case, when the case is the letter's customer's.
enum RecoveryLetterCase {
    /// The case id of `case-42` or `case-42-callback-2`; nil for other occasions.
    static func caseID(ofOccasion occasion: String?) -> Int64? {
        guard let occasion, occasion.hasPrefix("case-") else { return nil }
        let digits = occasion.dropFirst(5).prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        let rest = occasion.dropFirst(5 + digits.count)
        guard rest.isEmpty || rest.hasPrefix("-") else { return nil }
        return Int64(digits)
    }

    /// The case for a letter to `customer` on `occasion`; `followUpDay` is the day of the
    /// recovery call planned with it, if any.
    static func letterCase(occasion: String?, customer: CustomerID, followUpDay: Int?, in store: any Store) async throws -> LetterCase? {
        guard let id = caseID(ofOccasion: occasion), let feedback = try await store.feedback(id), feedback.customerID == customer else { return nil }
        return LetterCase(reference: feedback.reference, summary: summary(of: feedback.text), followUpDay: followUpDay)
    }

    /// The customer's words as a letter quotes them: the first 200 characters, cut at a word.
    static func summary(of text: String) -> String {
        let flat = text.split(whereSeparator: \.isNewline).joined(separator: " ").trimmingCharacters(in: .whitespaces)
        guard flat.count > 200 else { return flat }
        let cut = flat.prefix(200)
        // CJK text has no spaces to cut at: it is cut at the limit.
        let end = cut.lastIndex(of: " ").map { cut[..<$0] } ?? cut
        return end + "…"
    }
}
