import CordialCore
import CordialStore
import Foundation

/// Which standard holds each case, and on which working hours: the segments the standards
/// name read once, the hours made once per team and year (with that year's holidays, so a
/// case is timed on the closures of its own time). What breaches and reports share.
final class CaseStandards {
    let standards: [FeedbackSLA]
    let organisation: OrganisationHours?
    var zone: TimeZone { organisation?.timeZone ?? .gmt }
    private let labels: [String: [CustomerID: String]]
    private var hoursByTeamAndYear: [String: BusinessHours] = [:]

    init(_ breaches: FeedbackBreaches, in store: any Store) async throws {
        standards = breaches.standards
        organisation = breaches.hours
        var labels: [String: [CustomerID: String]] = [:]
        for segment in Set(standards.compactMap(\.segment)) {
            let members = try await store.segmentMembers(segment, label: nil, at: nil, limit: nil)
            labels[segment] = Dictionary(members.map { ($0.customer, $0.label) }, uniquingKeysWith: { first, _ in first })
        }
        self.labels = labels
    }

    /// The first standard that covers `item`.
    func standard(for item: Feedback) -> FeedbackSLA? {
        standards.first { sla in
            sla.covers(item, segmentLabel: sla.segment.flatMap { segment in item.customerID.flatMap { labels[segment]?[$0] } })
        }
    }

    /// The working hours of `item`'s team, with the holidays of the years around its own.
    func hours(for item: Feedback) -> BusinessHours {
        let year = Calendar(identifier: .gregorian).dateComponents(in: zone, from: item.receivedAt).year ?? 2025
        let key = "\(item.team ?? "")\u{0}\(year)"
        if let found = hoursByTeamAndYear[key] { return found }
        let made = organisation?.hours(team: item.team, years: (year - 1)...(year + 1)) ?? BusinessHours.always(in: zone)
        hoursByTeamAndYear[key] = made
        return made
    }
}
