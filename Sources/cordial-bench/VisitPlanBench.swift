import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial-bench visit-plan`: the issue's whole benchmark. A quarterly visit programme for
/// the most valuable customers of a store (`most_valuable`, by the store's value fit), planned
/// by `cordial campaigns plan` across the demo organisation's staff — the scan, the ranking,
/// the scheduling around the staff's weeks and the saved plan — timed; then the same visit
/// requests (the plan's, in the planner's rank order) given to the greedy
/// first-come-first-served pass, to compare the visits each serves. The store given is not
/// changed: the benchmark works on a copy.
struct VisitPlanBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "visit-plan",
        abstract: "Plan a quarter's visits for a store's most valuable customers across the demo staff; served against the greedy pass.")

    @OptionGroup var store: BenchStoreOptions

    @Option(help: "Customers visited: the most valuable.")
    var customers = 10_000

    @Option(help: "Members of staff (the demo organisation's: account managers across its cities, supervisors, agents).")
    var staff = 200

    @Option(help: "The quarter's first day.")
    var from = "2025-04-01"

    @Option(name: .customLong("per-week"), help: "Visits each member of staff makes a week, instead of the demo staff's own 8 to 12.")
    var perWeek: Int?

    static func plugin(customers: Int) -> String {
        """
        local cordial = require "cordial"
        local plugin = cordial.plugin { name = "bench-visits", version = "1.0.0", api = 1 }
        plugin:segment("bench-everyone", { labels = { "all" } }, function(c) return "all" end)
        plugin:policy("bench-visits", {
          segment = "bench-everyone:all", most_valuable = \(customers), currency = "VND",
          care = { { every = "quarter", day = 1,
                     visit = { role = "account-manager", minutes = 90, within = 91, buffer = 45, own_manager = true } } },
        })
        return plugin
        """
    }

    func run() async throws {
        guard let first = CalendarDays.day(of: from) else { throw ValidationError("--from '\(from)' is not a date") }
        let source = try store.path
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-bench-visits-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.createDirectory(at: work.appendingPathComponent("plugins/bench-visits"), withIntermediateDirectories: true)
        try Self.plugin(customers: customers).write(to: work.appendingPathComponent("plugins/bench-visits/plugin.lua"), atomically: true, encoding: .utf8)
        let plugins = work.appendingPathComponent("plugins").path
        try BenchClock.runTool("sqlite3", [source, "PRAGMA wal_checkpoint(TRUNCATE);"])
        let planned = work.appendingPathComponent("planned.sqlite").path
        try FileManager.default.copyItem(atPath: source, toPath: planned)
        let executable = CordialExecutable.path
        // The demo organisation's staff, as `cordial demo generate --staff` writes them.
        let members = DemoStaff(seed: 42).staff(count: staff).map { member in
            var member = member
            if let perWeek { member.visitsPerWeek = max(perWeek, member.visitsPerDay ?? 1) }
            return member
        }
        _ = try await StoreLocation.sqlite(path: planned).open().importStaff(members)
        try BenchClock.runTool(executable, ["segments", "run", "bench-everyone", "--db", planned, "--plugins", plugins, "--as-of", from])

        var output = ""
        let planning = try BenchClock.seconds {
            output = try BenchClock.runTool(executable, [
                "campaigns", "plan", "bench-visits", "--from", from, "--to", from, "--db", planned, "--plugins", plugins, "--json",
            ], keepingOutput: true)
        }
        let memory = BenchClock.peakChildMemoryMB()
        guard let shown = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
              let plan = shown["plan"] as? [String: Any], let id = plan["id"] as? Int
        else { throw BenchFailure("the plan printed no id: \(output.prefix(200))") }

        // The plan's visits as the planner asked for them: most valuable first.
        let opened = try await StoreLocation.sqlite(path: planned).open()
        let actions = try await opened.plannedActions(of: Int64(id), seqs: 1...Int.max / 2).filter { $0.form == .visit }
        let served = actions.filter { $0.heldBack == nil }.count
        var values: [CustomerID: Double] = [:]
        for try await batch in opened.scanCustomerFacts(batchSize: 10_000, values: true) {
            for facts in batch { values[facts.id] = facts.value?.scores.lifetimeValue ?? -.infinity }
        }
        let ranked = actions.sorted { a, b in
            let left = values[a.customerID] ?? -.infinity, right = values[b.customerID] ?? -.infinity
            return left != right ? left > right : a.customerID.rawValue < b.customerID.rawValue
        }
        let people = Dictionary(
            try await opened.customers(withIDs: ranked.map(\.customerID)).compactMap { customer in customer.id.map { ($0, customer) } },
            uniquingKeysWith: { first, _ in first })
        let requests = ranked.map { action in
            VisitRequest(
                customerID: action.customerID, city: people[action.customerID]?.address?.city, region: people[action.customerID]?.address?.region,
                window: action.visit!.firstDay...action.visit!.lastDay, role: action.role ?? "", preferredStaffID: action.visit?.preferredStaffID)
        }
        let scheduler = VisitScheduler(staff: try await opened.staff(), duration: 90, buffer: 45)
        var greedy: VisitScheduler.Schedule?
        let greedyTime = BenchClock.seconds { greedy = scheduler.greedy(requests) }
        let greedyServed = greedy?.visits.count ?? 0
        let heldBack = Dictionary(grouping: actions.compactMap(\.heldBack), by: { $0 }).map { "\($0.key) \($0.value.count)" }.sorted()

        let total = try await opened.countCustomers()
        print("cordial-bench visit-plan — the \(customers) most valuable of \(total) customers, a visit in the quarter from \(CalendarDays.text(ofDay: first)) (91 days), \(staff) demo staff (\(perWeek.map { "at most \($0)" } ?? "8 to 12") visits a week each), 90-minute visits, 45-minute buffer")
        print("")
        print("| step | time | visits served | share |")
        print("|---|---|---|---|")
        func share(_ count: Int) -> String { String(format: "%.1f%%", 100 * Double(count) / Double(max(1, actions.count))) }
        print("| `cordial campaigns plan` (scan, rank, schedule by maximum flow, save), peak \(Int(memory)) MB | \(String(format: "%.2f", planning)) s | \(served) | \(share(served)) |")
        print("| greedy pass over the same requests (scheduling only) | \(String(format: "%.2f", greedyTime)) s | \(greedyServed) | \(share(greedyServed)) |")
        print("")
        print(String(format: "served: %.3f× the greedy pass's visits; held back: %@", Double(served) / Double(max(1, greedyServed)),
                     heldBack.isEmpty ? "none" : heldBack.joined(separator: ", ")))
    }
}
