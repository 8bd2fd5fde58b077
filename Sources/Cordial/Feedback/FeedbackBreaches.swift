import CordialCore
import CordialStore
import Foundation

/// The clocks of the cases still being handled (and of resolved ones awaiting their
/// callback) against the plugins' service standards, read on the organisation's working
/// hours: what `cordial feedback breaches` lists.
public struct FeedbackBreaches: Sendable {
    /// A clock that is late, or due within the horizon asked for.
    public struct Entry: Sendable, Encodable {
        public var feedback: Feedback
        public var standard: String
        public var clock: FeedbackClock
        /// Seconds past due (positive) or until due (negative) at the time asked.
        public var lateness: TimeInterval
    }

    public struct Report: Sendable, Encodable {
        public var at: Date
        public var timeZone: String
        /// Cases looked at, and how many of them a standard covers.
        public var cases: Int
        public var covered: Int
        public var entries: [Entry]
    }

    public let standards: [FeedbackSLA]
    public let hours: OrganisationHours?

    /// The standards and hours of `plugins` (standards in plugin-name order, then as declared).
    public init(plugins: [Plugin]) {
        let sorted = plugins.sorted { $0.name < $1.name }
        standards = sorted.flatMap(\.registrations.feedbackSLAs)
        hours = sorted.compactMap(\.registrations.businessHours).first
    }

    /// Cases read a page at a time.
    static let pageSize = 10_000

    /// Clocks late at `now`, and those due within `horizon` seconds of it, latest-first by lateness.
    public func report(in store: any Store, at now: Date, horizon: TimeInterval) async throws -> Report {
        let lookup = try await CaseStandards(self, in: store)
        let zone = lookup.zone

        var statuses = FeedbackQuery.openStatuses
        statuses.insert(.resolved)
        var report = Report(at: now, timeZone: zone.identifier, cases: 0, covered: 0, entries: [])
        var before: Int64?
        while true {
            let page = try await store.feedbackList(FeedbackQuery(statuses: statuses, before: before, limit: Self.pageSize))
            guard let last = page.last else { break }
            before = last.id
            report.cases += page.count
            let events = try await store.feedbackEvents(ofCases: page.compactMap(\.id))
            for item in page {
                guard let standard = lookup.standard(for: item) else { continue }
                report.covered += 1
                let clocks = FeedbackClocks.clocks(of: item, events: events[item.id!] ?? [], sla: standard, hours: lookup.hours(for: item), at: now)
                for clock in clocks where clock.stoppedAt == nil {
                    guard let lateness = clock.lateness(at: now), clock.state != .paused, lateness > -horizon else { continue }
                    report.entries.append(Entry(feedback: item, standard: standard.name, clock: clock, lateness: lateness))
                }
            }
            if page.count < Self.pageSize { break }
        }
        report.entries.sort { left, right in
            if left.lateness != right.lateness { return left.lateness > right.lateness }
            return (left.feedback.id ?? 0) < (right.feedback.id ?? 0)
        }
        return report
    }
}
