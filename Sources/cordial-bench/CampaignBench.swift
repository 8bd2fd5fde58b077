import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial-bench campaigns`: a birthday campaign (a gift and a letter each) planned over every
/// customer of a store, then applied by `cordial campaigns apply` with one and with two
/// processes, against `sqlite3` inserting the same rows (the ledger, the interactions and the
/// outbox) with plain batched INSERTs, one transaction per part, into a copy of the same file:
/// the limit for those writes. The store given is not changed: every step works on copies.
struct CampaignBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "campaigns",
        abstract: "Plan a birthday campaign over every customer; apply it with 1 and 2 processes against sqlite3's batched INSERTs.")

    @OptionGroup var store: BenchStoreOptions

    @Option(name: .customLong("from"), help: "The first action day of the plan (YYYY-MM-DD).")
    var from = "2025-03-01"

    @Option(name: .customLong("window-days"), help: "Days in the plan's window (19 days of birthdays: about 100,000 actions on a million customers).")
    var windowDays = 19

    @Option(name: .customLong("part-size"), help: "Actions per part (one transaction), for apply and the baseline alike.")
    var partSize = 500

    @Option(help: "Also measure PostgreSQL on this server (postgres://USER@HOST:PORT/DB; needs psql): the planned store copied there with `cordial store copy`, then applies with 1 and 2 processes against psql's batched INSERTs.")
    var postgres: String?

    static let plugin = """
        local cordial = require "cordial"
        local plugin = cordial.plugin { name = "bench-care", version = "1.0.0", api = 1 }
        plugin:segment("bench-everyone", { labels = { "all" } }, function(c) return "all" end)
        plugin:policy("bench-birthdays", {
          segment = "bench-everyone:all", currency = "VND",
          care = {
            { on = "birthday", lead_days = 3, gift = { catalog = "bench", item = "card" } },
            { on = "birthday", letter = "greeting" },
          },
        })
        -- The same programme under two more names: PostgreSQL's copy holds one store, and each
        -- measured step there needs a campaign of its own that nothing has applied yet.
        for _, name in ipairs { "bench-birthdays-b", "bench-birthdays-c" } do
          plugin:policy(name, {
            segment = "bench-everyone:all", currency = "VND",
            care = {
              { on = "birthday", lead_days = 3, gift = { catalog = "bench", item = "card" } },
              { on = "birthday", letter = "greeting" },
            },
          })
        end
        return plugin
        """

    func run() async throws {
        guard let first = CalendarDays.day(of: from) else { throw ValidationError("--from '\(from)' is not a date") }
        let source = try store.path
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-bench-campaigns-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.createDirectory(at: work.appendingPathComponent("plugins/bench-care/letters"), withIntermediateDirectories: true)
        try Self.plugin.write(to: work.appendingPathComponent("plugins/bench-care/plugin.lua"), atomically: true, encoding: .utf8)
        try "---\nsubject: Happy birthday\n---\nDear {{customer.name}}".write(to: work.appendingPathComponent("plugins/bench-care/letters/greeting.mustache"), atomically: true, encoding: .utf8)
        let plugins = work.appendingPathComponent("plugins").path

        // The store's file, whole (its write-ahead log checkpointed into it), copied.
        try BenchClock.runTool("sqlite3", [source, "PRAGMA wal_checkpoint(TRUNCATE);"])
        let planned = work.appendingPathComponent("planned.sqlite").path
        try FileManager.default.copyItem(atPath: source, toPath: planned)
        let executable = CordialExecutable.path
        try BenchClock.runTool(executable, ["segments", "run", "bench-everyone", "--db", planned, "--plugins", plugins, "--as-of", from])
        let catalog = work.appendingPathComponent("catalog.csv")
        try "catalog,code,name,cost,stock\nbench,card,Thiệp,15000,100000000\n".write(to: catalog, atomically: true, encoding: .utf8)
        try BenchClock.runTool(executable, ["catalog", "import", catalog.path, "--db", planned])
        let customers = try await StoreLocation.sqlite(path: planned).open().countCustomers()

        let last = first + windowDays - 1
        var output = ""
        let planning = try BenchClock.seconds {
            output = try BenchClock.runTool(executable, [
                "campaigns", "plan", "bench-birthdays", "--from", from, "--to", CalendarDays.text(ofDay: last), "--db", planned,
                "--plugins", plugins, "--json",
            ], keepingOutput: true)
        }
        let planMemory = BenchClock.peakChildMemoryMB()
        guard let shown = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any],
              let plan = shown["plan"] as? [String: Any], let summary = plan["summary"] as? [String: Any],
              let actions = summary["actions"] as? Int, actions > 0,
              let letters = ((summary["by_form"] as? [String: Any])?["letter"] as? [String: Any])?["count"] as? Int
        else { throw BenchFailure("the plan printed no actions: \(output.prefix(200))") }

        // Copies after planning: one per apply and one for the baseline.
        let one = work.appendingPathComponent("one.sqlite").path, two = work.appendingPathComponent("two.sqlite").path
        let baseline = work.appendingPathComponent("baseline.sqlite").path
        for copy in [one, two, baseline] { try FileManager.default.copyItem(atPath: planned, toPath: copy) }
        let script = work.appendingPathComponent("inserts.sql").path
        try await Self.insertScript(for: planned, plan: 1, partSize: partSize, postgres: false).write(toFile: script, atomically: true, encoding: .utf8)

        let inserting = try BenchClock.seconds { try BenchClock.runTool("sqlite3", [baseline, ".read \(script)"]) }
        let apply = ["campaigns", "apply", "1", "--part-size", "\(partSize)", "--plugins", plugins, "--json"]
        let applyingOne = try BenchClock.seconds { try BenchClock.runTool(executable, apply + ["--db", one]) }
        let oneMemory = BenchClock.peakChildMemoryMB()
        let applyingTwo = try BenchClock.seconds { _ = try BenchClock.runTogether(executable, count: 2, apply + ["--db", two]) }

        // Every copy holds the same ledger, outbox and interactions.
        var counts: [String] = []
        for copy in [baseline, one, two] {
            counts.append(try BenchClock.runTool("sqlite3", [copy, """
                SELECT (SELECT count(*) FROM careAction) || ' ' || (SELECT count(*) FROM letterOutbox) || ' '
                  || (SELECT count(*) FROM interaction WHERE actionKey IS NOT NULL);
                """], keepingOutput: true).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard Set(counts).count == 1, counts[0] == "\(actions) \(letters) \(actions)" else {
            throw BenchFailure("ledger, outbox and interactions differ (baseline, 1 process, 2 processes): \(counts); \(actions) actions planned")
        }

        print("cordial-bench campaigns — \(source): \(customers) customers; a gift and a letter on each birthday, \(windowDays) days from \(from)")
        print("")
        print("| step | time | vs sqlite3 INSERTs | peak memory |")
        print("|---|---|---|---|")
        print(String(format: "| cordial campaigns plan over %d customers: %d actions | %.2f s | — | %d MB |", customers, actions, planning, planMemory))
        print(String(format: "| sqlite3: the same rows with batched INSERTs, %d actions a transaction | %.2f s | 1.00× | — |", partSize, inserting))
        print(String(format: "| cordial campaigns apply, 1 process | %.2f s | %.2f× | %d MB |", applyingOne, applyingOne / inserting, oneMemory))
        print(String(format: "| cordial campaigns apply, 2 processes on one run | %.2f s | %.2f× | %d MB |",
                     applyingTwo, applyingTwo / inserting, BenchClock.peakChildMemoryMB()))
        print("")
        print("ledger, outbox and interactions equal in the three copies: \(counts[0]) (actions, letters, interactions)")
        if let postgres {
            try await measurePostgres(postgres, planned: planned, plugins: plugins, window: (from, CalendarDays.text(ofDay: last)),
                                      expected: (actions, letters), rows: customers)
        }
    }

    /// The planned store copied into a new schema on `server` (timed: `cordial store copy`);
    /// there two more campaigns of the same programme are planned; `psql` inserts the rows of
    /// one (the baseline), `cordial campaigns apply` applies the copied plan with one process
    /// and the other with two. The schema is dropped afterwards.
    func measurePostgres(_ server: String, planned: String, plugins: String, window: (String, String), expected: (actions: Int, letters: Int),
                         rows: Int) async throws {
        guard var components = URLComponents(string: server) else { throw BenchFailure("--postgres: not a URL") }
        let schema = "bench_campaigns_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
        components.queryItems = (components.queryItems ?? []).filter { $0.name != "schema" }
        let psqlURL = components.string ?? server
        func psql(_ arguments: [String]) throws -> String {
            try BenchClock.runTool("psql", ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", psqlURL] + arguments, keepingOutput: true)
        }
        components.queryItems = (components.queryItems ?? []) + [URLQueryItem(name: "schema", value: schema), URLQueryItem(name: "sslmode", value: "disable")]
        let location = components.string ?? server
        defer { _ = try? psql(["-c", "DROP SCHEMA IF EXISTS \(schema) CASCADE"]) }
        let executable = CordialExecutable.path
        let copy = try BenchClock.seconds { try BenchClock.runTool(executable, ["store", "copy", "--from", planned, "--to", location]) }
        _ = try psql(["-c", "ANALYZE \(schema).customer; ANALYZE \(schema).purchase"])
        for policy in ["bench-birthdays-b", "bench-birthdays-c"] {
            try BenchClock.runTool(executable, [
                "campaigns", "plan", policy, "--from", window.0, "--to", window.1, "--db", location, "--plugins", plugins, "--json",
            ])
        }
        let script = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-bench-inserts-\(UUID().uuidString).sql").path
        defer { try? FileManager.default.removeItem(atPath: script) }
        let store = try await StoreLocation(location).open()
        try await Self.insertScript(from: store, plan: 3, partSize: partSize, postgres: true)
            .write(toFile: script, atomically: true, encoding: .utf8)
        let inserting = try BenchClock.seconds { _ = try psql(["-c", "SET search_path = \(schema)", "-f", script]) }
        let apply = ["campaigns", "apply", "--part-size", "\(partSize)", "--plugins", plugins, "--json", "--db", location]
        let applyingOne = try BenchClock.seconds { try BenchClock.runTool(executable, [apply[0], apply[1], "1"] + apply.dropFirst(2)) }
        let applyingTwo = try BenchClock.seconds { _ = try BenchClock.runTogether(executable, count: 2, [apply[0], apply[1], "2"] + apply.dropFirst(2)) }

        // Each campaign holds the plan's actions, letters and interactions, as on SQLite.
        var counts: [String] = []
        for campaign in ["bench-birthdays-c", "bench-birthdays", "bench-birthdays-b"] {
            counts.append(try psql(["-c", """
                SET search_path = \(schema);
                SELECT (SELECT count(*) FROM care_action WHERE campaign = '\(campaign)') || ' '
                  || (SELECT count(*) FROM letter_outbox WHERE campaign = '\(campaign)') || ' '
                  || (SELECT count(*) FROM interaction i JOIN care_action a ON a.customer_id = i.customer_id AND a.key = i.action_key
                      WHERE a.campaign = '\(campaign)');
                """]).trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard Set(counts).count == 1, counts[0] == "\(expected.actions) \(expected.letters) \(expected.actions)" else {
            throw BenchFailure("PostgreSQL: ledger, outbox and interactions differ (psql, 1 process, 2 processes): \(counts); \(expected.actions) actions planned")
        }
        print("")
        print("| PostgreSQL step | time | vs psql INSERTs | peak memory |")
        print("|---|---|---|---|")
        print(String(format: "| cordial store copy of the planned store (%d customers and their purchases, checked) | %.2f s | — | %d MB |",
                     rows, copy, BenchClock.peakChildMemoryMB()))
        print(String(format: "| psql: the same rows with batched INSERTs, %d actions a transaction | %.2f s | 1.00× | — |", partSize, inserting))
        print(String(format: "| cordial campaigns apply, 1 process | %.2f s | %.2f× | — |", applyingOne, applyingOne / inserting))
        print(String(format: "| cordial campaigns apply, 2 processes on one run | %.2f s | %.2f× | %d MB |",
                     applyingTwo, applyingTwo / inserting, BenchClock.peakChildMemoryMB()))
        print("")
        print("PostgreSQL: ledger, outbox and interactions per campaign equal: \(counts[0]) (actions, letters, interactions)")
    }

    /// The rows an apply writes for the plan in `path` — a ledger row and an interaction per
    /// action, an outbox row per letter — as multi-row INSERTs, one transaction per part.
    static func insertScript(for path: String, plan: Int64, partSize: Int, postgres: Bool) async throws -> String {
        try await insertScript(from: try await StoreLocation.sqlite(path: path).open(), plan: plan, partSize: partSize, postgres: postgres)
    }

    /// The same, from an open store, in PostgreSQL's names (snake case) when `postgres`.
    static func insertScript(from store: any Store, plan: Int64, partSize: Int, postgres: Bool) async throws -> String {
        let actions = try await CampaignPlanDiff.actions(of: plan, in: store)
        func text(_ value: String?) -> String { value.map { "'" + $0.replacingOccurrences(of: "'", with: "''") + "'" } ?? "NULL" }
        let now = "'2025-03-01 00:00:00.000'"
        var script = postgres ? "" : "PRAGMA journal_mode = WAL;\nPRAGMA synchronous = NORMAL;\n"
        for start in stride(from: 0, to: actions.count, by: partSize) {
            let part = actions[start..<min(actions.count, start + partSize)]
            script += "BEGIN;\nINSERT INTO careAction (customerId, key, campaign, planId, runId, seq, occasion, form, actionDay, cost, currency, channel, giftCatalog, giftItem, template, role, event, appliedAt) VALUES\n"
            script += part.map { action in
                "(\(action.customerID.rawValue), \(text(action.key)), \(text(action.campaign)), \(plan), 1, \(action.seq), \(text(action.occasion)), "
                    + "\(text(action.form.rawValue)), \(text(CalendarDays.text(ofDay: action.actionDay))), \(text("\(action.cost)")), \(text(action.currency)), "
                    + "\(text(action.channel.rawValue)), \(text(action.giftCatalog)), \(text(action.giftItem)), \(text(action.template)), NULL, NULL, \(now))"
            }.joined(separator: ",\n") + ";\n"
            script += "INSERT INTO interaction (customerId, kind, time, outcome, cost, currency, actionKey) VALUES\n"
            script += part.map { action in
                "(\(action.customerID.rawValue), \(text(action.form == .gift ? "gift" : "letter")), \(now), \(text("\(action.campaign): \(action.occasion)")), "
                    + "\(action.cost == 0 ? "NULL" : text("\(action.cost)")), \(action.cost == 0 ? "NULL" : text(action.currency)), \(text(action.key)))"
            }.joined(separator: ",\n") + ";\n"
            let letters = part.filter { $0.form == .letter }
            if !letters.isEmpty {
                script += "INSERT INTO letterOutbox (customerId, actionKey, campaign, template, channel, status, createdAt) VALUES\n"
                script += letters.map { action in
                    "(\(action.customerID.rawValue), \(text(action.key)), \(text(action.campaign)), \(text(action.template)), \(text(action.channel.rawValue)), 'pending', \(now))"
                }.joined(separator: ",\n") + ";\n"
            }
            script += "COMMIT;\n"
        }
        return postgres ? snakeCased(script) : script
    }

    /// The script's table and column names as PostgreSQL spells them (`letterOutbox` →
    /// `letter_outbox`); identifiers are the only camel-cased words outside its quoted values.
    static func snakeCased(_ script: String) -> String {
        var result = ""
        var quoted = false
        var previous: Character = " "
        for character in script {
            if character == "'" { quoted.toggle() }
            if !quoted, character.isASCII, character.isUppercase, previous.isASCII, previous.isLowercase {
                result += "_" + character.lowercased()
            } else {
                result.append(character)
            }
            previous = character
        }
        return result
    }
}
