import Cordial
import CordialCore
import CordialStore
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

/// `FeedbackReport` against hand computations: the Pareto of 20 complaints, its vital few,
/// the check sheet by week, causes by family, satisfaction by month and by segment label,
/// on SQLite and PostgreSQL alike; and the SVG chart, which must be well-formed XML.
@Suite final class FeedbackReportTests {
    let stores = TemporaryStores()

    /// 20 cases in March 2025: delay 8 (departure 5, arrival 3), baggage 6 (delayed 4, lost 2),
    /// staff 3, check-in 2, lounge 1.
    static let counts: [(String, Int)] = [
        ("delay/departure", 5), ("delay/arrival", 3), ("baggage/delayed", 4), ("baggage/lost", 2), ("staff/attitude", 3), ("check-in", 2),
        ("lounge/food", 1),
    ]

    func populated(_ store: any Store) async throws -> [CustomerID] {
        let customers = (1...4).map { Customer(source: "crm", externalID: "C-\($0)", name: PersonName(given: "Khách \($0)", family: "Lê"), locale: "vi") }
        _ = try await store.apply(ImportBatch(customers: customers), dryRun: false)
        let ids = try await store.customers(CustomerQuery(limit: 10)).map { $0.id! }
        var items: [Feedback] = []
        var number = 0
        for (category, count) in Self.counts {
            for _ in 0..<count {
                // Two weeks: the first ten cases from Monday 3 March, the rest from Monday 10 March (UTC+7).
                let day = number < 10 ? 3 + number % 5 : 10 + number % 5
                let received = Date(timeIntervalSince1970: Double(CalendarDays.day(of: String(format: "2025-03-%02d", day))!) * 86_400 + 3 * 3_600)
                var item = Feedback(customerID: ids[number % 4], source: "t", externalID: "T-\(number)", channel: .phone, kind: .complaint,
                                    category: category, text: "x", receivedAt: received)
                if number % 2 == 0 { item.csat = 1 + number % 5 }
                if number % 3 == 0 { item.nps = number % 11 }
                items.append(item)
                number += 1
            }
        }
        // A question in April, outside March's window.
        items.append(Feedback(customerID: ids[0], channel: .email, kind: .question, category: "check-in", text: "?", receivedAt: Date(timeIntervalSince1970: 1_743_500_000)))
        _ = try await store.addFeedback(items, at: Date())
        _ = try await store.materialize(SegmentOutcome(segment: "tier", plugin: "tiers", pluginVersion: "1", at: Date(timeIntervalSince1970: 1_740_000_000),
                                                       customers: ids, labels: ["gold", "gold", "silver", nil]))
        return ids
    }

    @Test(arguments: ["sqlite", "postgres"])
    func theReportAgreesWithAHandCount(backend: String) async throws {
        let server = ProcessInfo.processInfo.environment["CORDIAL_TEST_POSTGRES"] ?? ""
        guard backend == "sqlite" || server != "skip" else { return }
        let store: any Store
        if backend == "sqlite" {
            store = try await StoreLocation.open(stores.path(), creating: true)
        } else {
            guard !server.isEmpty else { throw PostgresCommandTests.Missing() }
            let schema = "report_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
            store = try await StoreLocation.open(server + (server.contains("?") ? "&" : "?") + "schema=\(schema)&sslmode=disable", creating: true)
        }
        _ = try await populated(store)
        let plugin = try PluginLoader(chunkNameRoot: RunCommandTests.packageRoot).load(
            directory: RunCommandTests.packageRoot.appendingPathComponent("plugins/ground-services"))
        let march = (CalendarDays.date(ofDay: CalendarDays.day(of: "2025-03-01")!), CalendarDays.date(ofDay: CalendarDays.day(of: "2025-04-01")!))
        let report = try await FeedbackReport.make(
            in: store, plugins: [plugin], from: march.0, to: march.1, kind: .complaint, level: 1, segment: "tier", sections: [.pareto, .checksheet, .causes, .satisfaction])
        #expect(report.cases == 20)
        // By hand: delay 8 (40 %), baggage 6 (70 %), staff 3 (85 %): the vital few; check-in 2 (95 %), lounge 1 (100 %).
        #expect(report.pareto.map(\.category) == ["delay", "baggage", "staff", "check-in", "lounge"])
        #expect(report.pareto.map(\.cases) == [8, 6, 3, 2, 1])
        #expect(report.pareto.map(\.cumulative) == [0.4, 0.7, 0.85, 0.95, 1.0])
        #expect(report.pareto.map(\.vitalFew) == [true, true, true, false, false])
        let level2 = FeedbackReport.pareto(Self.counts, level: 2)
        #expect(level2.first?.category == "delay/departure" && level2.filter(\.vitalFew).count == 5, "25 %, 45 %, 60 %, 75 %, 85 %")
        let sheet = try #require(report.checkSheet)
        #expect(sheet.weeks == ["2025-03-03", "2025-03-10"])
        let gap = FeedbackReport.makeCheckSheet([FeedbackTally(key: ["delay", "2025-03-03"], cases: 2), FeedbackTally(key: ["delay", "2025-03-24"], cases: 1)], level: 1)
        #expect(gap.weeks == ["2025-03-03", "2025-03-10", "2025-03-17", "2025-03-24"] && gap.rows.first?.counts == [2, 0, 0, 1], "weeks without a case are shown")
        #expect(sheet.rows.first?.category == "delay" && sheet.rows.first?.counts == [8, 0] && sheet.rows.first?.total == 8)
        #expect(sheet.rows.first { $0.category == "baggage" }?.counts == [2, 4])
        let causes = try #require(report.causes)
        // process: delay 8 + check-in 2 = 10; equipment: baggage/delayed 4 + lost 2 = 6; people: staff 3; environment: lounge 1.
        #expect(causes.map(\.family) == ["process", "equipment", "people", "environment"])
        #expect(causes.map(\.cases) == [10, 6, 3, 1])
        // CSAT answers on even cases: 1, 3, 5, 2, 4, 1, 3, 5, 2, 4 → mean 3.0, 4 of 10 satisfied.
        let month = try #require(report.byMonth?.first)
        #expect(month.key == "2025-03" && month.cases == 20 && month.csatAnswers == 10 && month.csat == 3.0 && month.satisfied == 0.4)
        // NPS answers on cases 0, 3, …, 18: 0, 3, 6, 9, 1, 4, 7 → promoters 1, detractors 5 of 7.
        #expect(month.npsAnswers == 7 && month.nps == Double(1 - 5) * 100 / 7)
        let labels = try #require(report.bySegment)
        #expect(labels.map(\.key) == ["", "gold", "silver"] && labels.map(\.cases) == [5, 10, 5])
        let all = try await FeedbackReport.make(in: store, plugins: [plugin], from: nil, to: nil, kind: nil, level: 1, segment: nil, sections: [.pareto])
        #expect(all.cases == 21 && all.pareto.first { $0.category == "check-in" }?.cases == 3)
    }

    @Test func theChartIsWellFormedSVG() throws {
        let rows = FeedbackReport.pareto(Self.counts + [("staff/<script>&\"", 1)], level: 2)
        let svg = ParetoChart.svg(rows, title: "Complaints by category, March <2025>")
        let parser = XMLParser(data: Data(svg.utf8))
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(svg.contains("&lt;script&gt;&amp;&quot;") && !svg.contains("<script>"))
        #expect(svg.components(separatedBy: "<rect x=").count - 1 == rows.count)
        #expect(svg.contains("<polyline") && svg.contains("stroke-dasharray"))
    }
}
