import CordialCore
import CordialStore
import Foundation

/// What `cordial feedback report` shows for a period: the Pareto of categories (the "vital
/// few" that make up 80 % of cases), a check sheet of categories by week, the causes by
/// family (cause and effect), service-standard compliance by team and category, and
/// satisfaction (CSAT, NPS) by month and by segment label. Counts come from the store's
/// aggregates (one query each); only compliance reads cases one by one.
public struct FeedbackReport: Sendable, Encodable {
    public struct ParetoRow: Sendable, Encodable, Hashable {
        public var category: String
        public var cases: Int
        public var share: Double
        public var cumulative: Double
        /// Among the categories that make up the first 80 % of cases.
        public var vitalFew: Bool
    }

    public struct CheckSheet: Sendable, Encodable, Hashable {
        /// Mondays of the weeks, "YYYY-MM-DD".
        public var weeks: [String]
        public var rows: [Row]

        public struct Row: Sendable, Encodable, Hashable {
            public var category: String
            public var counts: [Int]
            public var total: Int
        }
    }

    public struct Family: Sendable, Encodable, Hashable {
        /// "" for categories no family gathers.
        public var family: String
        public var cases: Int
        public var share: Double
        public var categories: [ParetoRow]
    }

    public struct Compliance: Sendable, Encodable, Hashable {
        public var team: String
        public var category: String
        /// Clocks that are due or stopped, and how many of them were met.
        public var clocks: Int
        public var met: Int
        public var rate: Double { clocks == 0 ? 1 : Double(met) / Double(clocks) }
    }

    public struct Satisfaction: Sendable, Encodable, Hashable {
        public var key: String
        public var cases: Int
        public var csatAnswers: Int
        public var csat: Double?
        /// Share of CSAT answers of 4 or 5.
        public var satisfied: Double?
        public var npsAnswers: Int
        public var nps: Double?
    }

    public enum Section: String, Sendable, CaseIterable {
        case pareto, checksheet, causes, sla, satisfaction
    }

    public var from: Date?
    public var to: Date?
    public var kind: FeedbackKind?
    /// Category depth the Pareto and check sheet count at (1: top categories).
    public var level: Int
    public var cases: Int
    public var pareto: [ParetoRow]
    public var checkSheet: CheckSheet?
    public var causes: [Family]?
    public var compliance: [Compliance]?
    public var byMonth: [Satisfaction]?
    public var bySegment: [Satisfaction]?
    public var segment: String?
    public var timeZone: String

    /// The report of cases received in [`from`, `to`), of `kind` (all when nil).
    public static func make(
        in store: any Store, plugins: [Plugin], from: Date?, to: Date?, kind: FeedbackKind?, level: Int, segment: String?,
        sections: Set<Section> = Set(Section.allCases), at now: Date = Date()
    ) async throws -> FeedbackReport {
        let query = FeedbackQuery(kind: kind, receivedFrom: from, receivedBefore: to)
        let breaches = FeedbackBreaches(plugins: plugins)
        let zone = breaches.hours?.timeZone ?? .gmt
        let offset = zone.secondsFromGMT(for: now)
        let byCategory = try await store.feedbackTallies(query, by: .category)
        let cases = byCategory.reduce(0) { $0 + $1.cases }
        var report = FeedbackReport(
            from: from, to: to, kind: kind, level: level, cases: cases, pareto: Self.pareto(byCategory.map { ($0.key[0], $0.cases) }, level: level),
            segment: segment, timeZone: zone.identifier)
        if sections.contains(.checksheet) {
            report.checkSheet = Self.makeCheckSheet(try await store.feedbackTallies(query, by: .categoryAndWeek(offsetSeconds: offset)), level: level)
        }
        if sections.contains(.causes) {
            let families = plugins.sorted { $0.name < $1.name }.flatMap(\.registrations.causeFamilies)
            report.causes = Self.causes(byCategory.map { ($0.key[0], $0.cases) }, families: families)
        }
        if sections.contains(.satisfaction) {
            report.byMonth = try await store.feedbackTallies(query, by: .month(offsetSeconds: offset)).map(Self.satisfaction)
            if let segment {
                report.bySegment = try await store.feedbackTallies(query, by: .segmentLabel(segment)).map(Self.satisfaction)
            }
        }
        if sections.contains(.sla), !breaches.standards.isEmpty {
            report.compliance = try await compliance(in: store, query: query, breaches: breaches, level: level, at: now)
        }
        return report
    }

    /// `path` cut to `level` names ("baggage/delayed" at level 1: "baggage").
    static func cut(_ path: String, level: Int) -> String {
        path.split(separator: "/").prefix(level).joined(separator: "/")
    }

    /// Categories by count (largest first, then by name), each with its share, the cumulative
    /// share, and whether it is among the vital few: those up to and including the one that
    /// takes the cumulative share to 80 %.
    public static func pareto(_ counts: [(String, Int)], level: Int) -> [ParetoRow] {
        var rolled: [String: Int] = [:]
        for (category, count) in counts { rolled[cut(category, level: level), default: 0] += count }
        let total = rolled.values.reduce(0, +)
        guard total > 0 else { return [] }
        var rows: [ParetoRow] = []
        var running = 0
        var vital = true
        for (category, count) in rolled.sorted(by: { $0.value > $1.value || ($0.value == $1.value && $0.key < $1.key) }) {
            running += count
            let cumulative = Double(running) / Double(total)
            rows.append(ParetoRow(category: category, cases: count, share: Double(count) / Double(total), cumulative: cumulative, vitalFew: vital))
            if cumulative >= 0.8 { vital = false }
        }
        return rows
    }

    public static func makeCheckSheet(_ tallies: [FeedbackTally], level: Int) -> CheckSheet {
        // Every week from the first to the last, those without a case included.
        let mondays = Set(tallies.compactMap { CalendarDays.day(of: $0.key[1]) })
        let weeks = mondays.isEmpty ? [] : stride(from: mondays.min()!, through: mondays.max()!, by: 7).map(CalendarDays.text(ofDay:))
        var counts: [String: [Int]] = [:]
        for tally in tallies {
            let category = cut(tally.key[0], level: level)
            var row = counts[category] ?? Array(repeating: 0, count: weeks.count)
            row[weeks.firstIndex(of: tally.key[1])!] += tally.cases
            counts[category] = row
        }
        let rows = counts.map { CheckSheet.Row(category: $0.key, counts: $0.value, total: $0.value.reduce(0, +)) }
            .sorted { $0.total > $1.total || ($0.total == $1.total && $0.category < $1.category) }
        return CheckSheet(weeks: weeks, rows: rows)
    }

    static func causes(_ counts: [(String, Int)], families: [CauseFamily]) -> [Family] {
        let total = counts.reduce(0) { $0 + $1.1 }
        var grouped: [String: [(String, Int)]] = [:]
        for (category, count) in counts {
            grouped[families.first { $0.gathers(category) }?.name ?? "", default: []].append((category, count))
        }
        return grouped.map { family, members in
            let cases = members.reduce(0) { $0 + $1.1 }
            return Family(family: family, cases: cases, share: total == 0 ? 0 : Double(cases) / Double(total), categories: pareto(members, level: 4))
        }.sorted { ($0.family.isEmpty ? 1 : 0, -$0.cases, $0.family) < ($1.family.isEmpty ? 1 : 0, -$1.cases, $1.family) }
    }

    static func satisfaction(_ tally: FeedbackTally) -> Satisfaction {
        Satisfaction(
            key: tally.key[0], cases: tally.cases, csatAnswers: tally.csatAnswers, csat: tally.csatMean,
            satisfied: tally.csatAnswers == 0 ? nil : Double(tally.csatSatisfied) / Double(tally.csatAnswers), npsAnswers: tally.npsAnswers, nps: tally.nps)
    }

    /// Each case's clocks that are due or stopped, met or not, by team and category.
    static func compliance(in store: any Store, query: FeedbackQuery, breaches: FeedbackBreaches, level: Int, at now: Date) async throws -> [Compliance] {
        let lookup = try await CaseStandards(breaches, in: store)
        var tally: [String: Compliance] = [:]
        var page = query
        page.limit = FeedbackBreaches.pageSize
        while true {
            let cases = try await store.feedbackList(page)
            guard let last = cases.last else { break }
            page.before = last.id
            let events = try await store.feedbackEvents(ofCases: cases.compactMap(\.id))
            for item in cases {
                guard let standard = lookup.standard(for: item) else { continue }
                let team = item.team ?? ""
                let category = cut(item.category, level: level)
                for clock in FeedbackClocks.clocks(of: item, events: events[item.id!] ?? [], sla: standard, hours: lookup.hours(for: item), at: now)
                where clock.state == .met || clock.state == .breached {
                    var entry = tally["\(team)\u{0}\(category)"] ?? Compliance(team: team, category: category, clocks: 0, met: 0)
                    entry.clocks += 1
                    if clock.state == .met { entry.met += 1 }
                    tally["\(team)\u{0}\(category)"] = entry
                }
            }
            if cases.count < page.limit { break }
        }
        return tally.values.sorted { ($0.team, $0.category) < ($1.team, $1.category) }
    }
}
