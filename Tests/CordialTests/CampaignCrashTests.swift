import Cordial
import CordialCore
import CordialStore
import Foundation
import Testing

/// The promise of campaigns: killing `cordial campaigns apply` at any moment (SIGKILL), with
/// one or two processes on the run, and going on with `apply`/`resume` never duplicates an
/// action, never loses one, and never exceeds a budget, a cap, a stock level or an event's
/// seats; what the run did is what one uninterrupted process does with the same plan.
@Suite final class CampaignCrashTests {
    let plugins: PluginFolder
    let helper: SharedSegmentRunTests

    init() throws {
        plugins = try PluginFolder()
        helper = try SharedSegmentRunTests()
        try plugins.plugin("crash-care", [
            "plugin.lua": Self.plugin, "letters/note.mustache": "---\nsubject: A note\n---\nDear {{customer.name}}",
        ])
    }

    /// Thirteen actions a customer over the first quarter of 2025 — a letter every 14 days, a
    /// call a month, a gift, an invitation and a visit a quarter — under a total and a
    /// per-customer budget, a cap of one letter or call a week, 300 mugs, 150 seats and three
    /// account managers' days: every limit binds.
    static let plugin = """
        local cordial = require "cordial"
        local p = cordial.plugin { name = "crash-care", version = "1.0.0", api = 1 }
        p:segment("everyone", { labels = { "all" } }, function(c) return "all" end)
        p:event("gala", { title = "Gala", date = "2025-06-30", capacity = 150 })
        p:frequency_cap { forms = { "letter", "call" }, count = 1, days = 7 }
        p:policy("crash-care", {
          segment = "everyone:all", currency = "VND",
          budget = { total = 60000000, per_customer = 150000 },
          care = {
            { every = 14, start = "2025-01-01", letter = { template = "note", channel = "post", cost = 10000 } },
            { every = "month", day = 10, call = { role = "care-agent", script = "Say hello.", cost = 20000 } },
            { every = "quarter", day = 1, gift = { catalog = "crash", item = "mug" } },
            { every = "quarter", day = 15, invite = "gala" },
            { every = "quarter", day = 20, visit = { role = "account-manager", minutes = 60, within = 10, buffer = 30 } },
          },
        })
        return p
        """

    static let mugs = 300, seats = 150
    static let total: Decimal = 60_000_000

    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome { try cordial(arguments) }

    func cordial(_ arguments: [String]) throws -> RunCommandTests.Outcome {
        let outcome = try RunCommandTests.cordial(arguments)
        #expect(outcome.status == 0, "cordial \(arguments.prefix(3).joined(separator: " ")): \(outcome.standardError)")
        return outcome
    }

    /// Two stores holding the same organisation, segmented, with the catalog, and the same
    /// plan made on each: (store, plan id) twice.
    func organisation(_ backend: SharedSegmentRunTests.Backend) throws -> (crashed: String, reference: String) {
        let (crashed, reference) = try helper.organisation(backend, customers: 500)
        let catalog = helper.folder.appendingPathComponent("catalog.csv")
        try "catalog,code,name,cost,stock\ncrash,mug,Cốc sứ,50000,\(Self.mugs)\n".write(to: catalog, atomically: true, encoding: .utf8)
        let staff = helper.folder.appendingPathComponent("staff.csv")
        try "staff_id,name,role,visits_per_day\nAM-1,Trần Thị Mai,account-manager,4\nAM-2,Lê Văn Hùng,account-manager,4\nAM-3,Sophie Davies,account-manager,3\n"
            .write(to: staff, atomically: true, encoding: .utf8)
        var fingerprints: [String] = []
        for database in [crashed, reference] {
            _ = try cordial("segments", "run", "--as-of", "2025-01-01", "--db", database, "--plugins", plugins.root.path)
            _ = try cordial("catalog", "import", catalog.path, "--db", database)
            _ = try cordial("staff", "import", staff.path, "--db", database)
            let plan = try cordial("campaigns", "plan", "crash-care", "--from", "2025-01-01", "--to", "2025-03-31", "--json", "--db", database,
                                   "--plugins", plugins.root.path)
            let shown = try JSONSerialization.jsonObject(with: Data(plan.standardOutput.utf8)) as? [String: Any]
            let saved = shown?["plan"] as? [String: Any]
            #expect(saved?["id"] as? Int == 1)
            fingerprints.append(saved?["fingerprint"] as? String ?? "")
        }
        #expect(fingerprints[0] == fingerprints[1] && fingerprints[0].hasPrefix("sha256:"), "the same data plans the same actions")
        return (crashed, reference)
    }

    /// Whether plan 1's run is done.
    func runDone(_ database: String) async throws -> Bool {
        try await StoreLocation.open(database, creating: false).campaignRuns(plan: 1).contains { $0.status == .done }
    }

    func applyArguments(_ database: String) -> [String] {
        // Parts of 25 actions; a killed process's part may be taken after 1 s.
        ["campaigns", "apply", "1", "--part-size", "25", "--lease", "1", "--db", database, "--plugins", plugins.root.path]
    }

    @Test(.timeLimit(.minutes(10)), arguments: SharedSegmentRunTests.Backend.allCases)
    func applyKilledAtRandomMomentsDoesEveryActionOnceWithinEveryLimit(backend: SharedSegmentRunTests.Backend) async throws {
        let (crashed, reference) = try organisation(backend)
        _ = try cordial(applyArguments(reference))

        // Rounds of one or two processes, one or both killed after a random moment, until a
        // round finishes the run. Seeded, so a failure can be replayed.
        let seed = UInt64(Date().timeIntervalSince1970 * 1_000)
        var random = SeededRandom(seed: seed)
        var kills = 0, rounds = 0
        while true {
            rounds += 1
            #expect(rounds <= 60, "the run should finish once the kills stop")
            if rounds > 60 { break }
            let processes = try (0..<(random.next() % 2 == 0 ? 1 : 2)).map { _ in try SharedSegmentRunTests.Running(applyArguments(crashed)) }
            let stopAfter = rounds > 40 ? nil : Double(random.next() % 1_500) / 1_000 + 0.05
            if let stopAfter {
                try await Task.sleep(for: .seconds(stopAfter))
                let victims = processes.count == 1 || random.next() % 2 == 0 ? processes : [processes[Int(random.next() % 2)]]
                for victim in victims {
                    victim.kill()
                    kills += 1
                }
            }
            let survivors = processes.filter { $0.process.isRunning || $0.process.terminationReason == .exit }
            var finished = false
            for survivor in survivors {
                let outcome = survivor.finish()
                if outcome.status == 0, outcome.standardOutput.contains("is done") { finished = true }
                else if survivor.process.terminationReason == .exit {
                    #expect(outcome.status == 0, "round \(rounds): \(outcome.standardError)")
                }
            }
            // A process killed after its last part committed but before it said so has
            // still finished the run: the store, not the output, says when it is done (another
            // `apply` of a done plan would open a second run).
            if !finished, try await runDone(crashed) { finished = true }
            if finished { break }
        }
        #expect(kills > 0, "the processes were killed \(kills) times in \(rounds) rounds (seed \(seed))")
        // One run of the plan, whatever its id: on PostgreSQL a process killed inside the
        // transaction that started the run has used up a sequence number.
        let store = try await StoreLocation.open(crashed, creating: false)
        let runs = try await store.campaignRuns(plan: 1)
        #expect(runs.count == 1, "one run of the plan (seed \(seed))")
        let run = "\(try #require(runs.first).id)"
        let referenceRun = "\(try #require(try await StoreLocation.open(reference, creating: false).campaignRuns(plan: 1).first).id)"
        // resume on a done run does nothing more.
        _ = try cordial("campaigns", "resume", run, "--db", crashed, "--plugins", plugins.root.path)

        // Every action of the plan was decided once: applied, or skipped with its reason —
        // none found already done, as a part applied twice would be.
        let actions = try cordial("campaigns", "actions", run, "--limit", "100000", "--json", "--db", crashed).standardOutput
        let expected = try cordial("campaigns", "actions", referenceRun, "--limit", "100000", "--json", "--db", reference).standardOutput
        let records = try JSONDecoder.commandOutput.decode([CampaignActionRecord].self, from: Data(actions.utf8))
        let alone = try JSONDecoder.commandOutput.decode([CampaignActionRecord].self, from: Data(expected.utf8))
        #expect(records.count == 6_500 && records.map(\.seq) == Array(1...records.count), "every action of the plan, once (seed \(seed))")
        #expect(records.allSatisfy { $0.result != .alreadyDone })
        let applied = records.filter { $0.result == .applied }
        #expect(Set(applied.map(\.key)).count == applied.count)
        // The reference (one process, never killed) decided as many actions: the kills lost none.
        #expect(alone.count == records.count && alone.allSatisfy { $0.result != .alreadyDone })

        // The ledger and its effects agree, and every limit held.
        let tallies = try await store.campaignTallies(campaign: "crash-care")
        func count(_ form: CareForm) -> Int { applied.filter { $0.form == form }.count }
        #expect(tallies.ledger == applied.count && tallies.interactions == applied.count)
        #expect(tallies.outbox == count(.letter) && tallies.calls == count(.call) && tallies.seats == count(.invitation))
        #expect(count(.invitation) == Self.seats && tallies.eventSeats["gala"] == Self.seats)
        let mugsLeft = try await store.giftItems().first { $0.code == "mug" }?.stock
        #expect(count(.gift) <= Self.mugs && mugsLeft == Self.mugs - count(.gift))
        #expect(tallies.ledgerCost == applied.reduce(0) { $0 + $1.cost } && tallies.ledgerCost <= Self.total)
        #expect(tallies.budgets["crash-care/total"] == tallies.ledgerCost)
        // Each visit booked once, never two of one member of staff at once, within their days.
        let visits = try await store.visits(VisitQuery())
        #expect(count(.visit) > 0 && visits.count == count(.visit) && Set(visits.map(\.actionKey)).count == visits.count)
        for (_, booked) in Dictionary(grouping: visits, by: { "\($0.staffID)/\($0.day)" }) {
            let times = booked.map(\.time).sorted { $0.lowerBound < $1.lowerBound }
            #expect(zip(times, times.dropFirst()).allSatisfy { $1.lowerBound >= $0.upperBound + 30 }, "no double booking (seed \(seed))")
            #expect(booked.count <= 4)
        }
        let skipped = Set(records.compactMap(\.reason))
        #expect(skipped.contains("budget total reached") && skipped.contains("cap: 1 call/letter in 7 days"), "\(skipped)")
        // Per customer: the budget and the cap.
        let byCustomer = Dictionary(grouping: applied, by: \.customerID)
        #expect(byCustomer.values.allSatisfy { $0.reduce(0) { $0 + $1.cost } <= 150_000 })
        let ledger = try await store.careActions(of: Array(byCustomer.keys))
        #expect(ledger.count == applied.count)
        for (_, entries) in Dictionary(grouping: ledger.filter { $0.form == .letter || $0.form == .call }, by: \.customerID) {
            let days = entries.map(\.day).sorted()
            #expect(zip(days, days.dropFirst()).allSatisfy { $1 - $0 >= 7 }, "at most one letter or call in any 7 days")
        }
    }
}

/// A small deterministic generator (SplitMix64) for the kill schedule.
struct SeededRandom {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
