import Foundation

/// What an attempt's outcome writes, the same on every backend: the letter's new status and
/// fields, and the attempt's outcome and detail.
public struct OutboxOutcomeColumns: Sendable {
    public let status: OutboxStatus
    public let next: Date?
    public let sent: Bool
    /// The Message-ID or the file written.
    public let reference: String?
    /// The letter's `lastError`.
    public let error: String?
    public let attemptOutcome: String
    public let detail: String?

    public init(_ outcome: LetterOutcome) {
        switch outcome {
        case .sent(let messageID):
            (status, next, sent, reference, error, attemptOutcome, detail) = (.sent, nil, true, messageID, nil, "sent", messageID)
        case .written(let file):
            (status, next, sent, reference, error, attemptOutcome, detail) = (.written, nil, true, file, nil, "written", file)
        case .retry(let reason, let at):
            (status, next, sent, reference, error, attemptOutcome, detail) = (.retry, at, false, nil, reason, "retry", reason)
        case .failed(let reason):
            (status, next, sent, reference, error, attemptOutcome, detail) = (.failed, nil, false, nil, reason, "failed", reason)
        case .uncertain(let reason):
            (status, next, sent, reference, error, attemptOutcome, detail) = (.uncertain, nil, false, nil, reason, "uncertain", reason)
        }
    }
}
