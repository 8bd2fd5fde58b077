import Foundation

/// One line of the audit log: what was done to whom (by store id), when and why.
public struct AuditEntry: Codable, Sendable, Hashable {
    public var time: Date
    public var action: String
    public var subject: String
    public var detail: String?

    public init(time: Date, action: String, subject: String, detail: String? = nil) {
        self.time = time
        self.action = action
        self.subject = subject
        self.detail = detail
    }
}
