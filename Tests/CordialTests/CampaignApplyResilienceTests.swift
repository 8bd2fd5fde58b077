import Cordial
import CordialCore
import CordialPostgres
import CordialStore
import Foundation
import Testing

/// A campaign apply on PostgreSQL whose connections the server drops in the middle of the run
/// goes on: each step is tried again on a new connection, and every action is done once.
@Suite(.enabled(if: ProcessInfo.processInfo.environment["CORDIAL_TEST_POSTGRES"] != "skip"))
struct CampaignApplyResilienceTests {
    @Test func anApplyWhoseConnectionsAreDroppedGoesOnAndDoesEachActionOnce() async throws {
        guard let server = ProcessInfo.processInfo.environment["CORDIAL_TEST_POSTGRES"], !server.isEmpty else {
            throw PostgresCommandTests.Missing()
        }
        var location = try PostgresLocation(url: server)
        location.schema = "drop_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        location.tls = .disable
        // Its own name, so that only this store's sessions are ended.
        location.applicationName = "cordial-\(location.schema!)"
        let store = try await PostgresStore.connect(location)
        try await store.migrate()
        let customers = (1...400).map { Customer(source: "crm", externalID: "C-\($0)", name: PersonName(given: "Khách \($0)", family: "Lê")) }
        _ = try await store.apply(ImportBatch(customers: customers), dryRun: false)
        let ids = try await store.customers(CustomerQuery(limit: 1_000)).compactMap(\.id)
        // Four letters a customer, two customers a part: 200 transactions.
        var actions: [PlannedAction] = []
        for id in ids {
            for year in 2020...2023 {
                actions.append(PlannedAction(
                    seq: 0, customerID: id, campaign: "drops", occasion: "birthday:\(year)", form: .letter, occasionDay: 20_000, actionDay: 20_000,
                    item: 1, cost: 0, currency: "VND", segment: "test", channel: .email, template: "birthday"))
            }
        }
        for index in actions.indices { actions[index].seq = index + 1 }
        let plan = try await store.savePlan(CampaignPlan(
            campaign: "drops", plugin: "test", pluginVersion: "1", fromDay: 20_000, toDay: 20_000, madeAt: Date(), fingerprint: "sha256:test",
            limits: CampaignLimits(currency: "VND"), summary: CampaignPlanSummary(actions: actions.count)), actions: actions)

        var applier = CampaignApplier(store: store, events: [], worker: "test:1")
        applier.partSize = 8
        let applying = Task { try await applier.apply(plan: plan.id!) }
        // Once the run is under way, the server ends every session of this store.
        var dropped = 0
        for _ in 0..<600 {
            if let run = try await store.campaignRuns(plan: plan.id).first, try await store.campaignRunProgress(run.id).partsDone >= 2 {
                dropped = try Self.terminateSessions(named: location.applicationName, server: server)
                break
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        let report = try await applying.value
        #expect(dropped > 0, "the server ended the store's sessions mid-run")
        #expect(report.run.status == .done)
        let tallies = try await store.campaignTallies(campaign: "drops")
        #expect(tallies.ledger == 1_600 && tallies.outbox == 1_600 && tallies.interactions == 1_600)
        #expect(try await store.campaignRunActions(report.run.id).allSatisfy { $0.result == .applied })
    }

    /// Ends every session named `name` with psql; how many.
    static func terminateSessions(named name: String, server: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        let url = server.components(separatedBy: "?")[0] + "?sslmode=disable"
        process.arguments = ["psql", "-X", "-q", "-A", "-t", url, "-c",
                             "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = '\(name)'"]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Int(String(decoding: output, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }
}
