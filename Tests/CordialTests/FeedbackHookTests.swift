@testable import Cordial
import Foundation
import Testing

/// Plugins' feedback hooks as a care team meets them: a new complaint routed by its plugin
/// once, a hook that fails leaving the case saved with its reason recorded, a hook that loops
/// stopped at its limit, a late clock escalated once, and service recovery — an apology
/// letter and a callback — applied once through the campaign ledger however often the hook
/// fires, on SQLite and PostgreSQL.
@Suite final class FeedbackHookTests: @unchecked Sendable {
    let stores = TemporaryStores()
    let plugins: PluginFolder
    let folder: URL

    /// A desk plugin whose hooks route, fail on request, loop on request, escalate and recover.
    static let desk = """
        local cordial = require "cordial"
        local kept
        local plugin = cordial.plugin {
          name = "desk", version = "1.0.0", api = 1, permissions = { "feedback.write", "campaigns.plan", "customers.read" },
        }
        plugin:feedback_categories { baggage = { "delayed", "lost" }, staff = { "attitude" } }
        plugin:business_hours { time_zone = "UTC", hours = { ["mon-fri"] = { "09:00-17:00" } } }
        plugin:feedback_sla("complaints", { kind = "complaint", first_contact = "1h", resolution = "2bd" })
        plugin:recovery { campaign = "desk-recovery", currency = "VND", budget = { total = 1000000 } }
        plugin:on("feedback.created", function(case, event)
          if case.text:find("explode", 1, true) then error("cannot route this case") end
          if case.text:find("loop forever", 1, true) then while true do end end
          if case.text:find("keep me", 1, true) then kept = case end
          if case.text:find("reuse", 1, true) then kept:note("from an old hook") end
          if case.text:find("chatty", 1, true) then print("routing \\27[31m" .. case.id) end
          if case.text:find("nul", 1, true) then case:note("a\\0b") end
          if case.severity == "high" then case:assign { team = "supervisors", note = "high severity" } end
        end)
        plugin:on("feedback.updated", function(case, event)
          if event.action == "status" and event.to == "resolved" and case.customer then
            case:recover { letter = { template = "sorry" }, call = { role = "agent", script = "Did it hold?", after_days = 1 } }
          end
        end)
        plugin:on("feedback.breached", function(case, breach)
          case:assign { team = "supervisors", note = breach.clock .. " late by " .. breach.late_minutes .. " min" }
        end)
        return plugin
        """

    init() throws {
        plugins = try PluginFolder()
        try plugins.plugin("desk", [
            "plugin.lua": Self.desk,
            "letters/sorry.en.mustache": "---\nsubject: Sorry ({{case.reference}})\n---\nDear {{customer.formal_name}}, we are sorry: “{{case.summary}}”.\n",
        ])
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-hooks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    /// A command that loads plugins, with the test's plugin folder.
    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome { try RunCommandTests.cordial(arguments + ["--plugins", plugins.root.path]) }

    /// A command that loads no plugins.
    func plain(_ arguments: String...) throws -> RunCommandTests.Outcome { try RunCommandTests.cordial(arguments) }

    /// `body` (commands run as child processes) on a thread of its own: an async test must not
    /// hold one of the cooperative pool's threads (two on a two-core machine) while a child
    /// process waits, or the in-process work of other tests cannot go on.
    func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<T, any Error>) in
            Thread {
                do { continuation.resume(returning: try body()) } catch { continuation.resume(throwing: error) }
            }.start()
        }
    }

    /// A store with two customers and an agent.
    func store(_ location: String? = nil) throws -> String {
        let db = location ?? stores.path()
        #expect(try RunCommandTests.cordial(["init", "--db", db]).status == 0)
        let customers = folder.appendingPathComponent("customers.csv")
        try "external_id,first_name,family_name,locale,email\nC-1,Emily,Carter,en,emily@example.com\nC-2,Wei,Wang,zh,wei@example.com\n"
            .write(to: customers, atomically: true, encoding: .utf8)
        #expect(try RunCommandTests.cordial(["import", "customers", customers.path, "--source", "crm", "--db", db]).status == 0)
        #expect(try RunCommandTests.cordial(["staff", "add", "Lê Thu Hà", "--role", "agent", "--db", db]).status == 0)
        return db
    }

    func add(_ text: String, severity: String = "medium", received: String = "2025-03-03T09:00:00Z", db: String, json: Bool = false) throws -> RunCommandTests.Outcome {
        try RunCommandTests.cordial([
            "feedback", "add", "--customer", "crm:C-1", "--channel", "email", "--kind", "complaint", "--category", "baggage/delayed",
            "--severity", severity, "--text", text, "--received-at", received, "--by", "Lê Thu Hà", "--db", db, "--plugins", plugins.root.path,
        ] + (json ? ["--json"] : []))
    }

    @Test func aNewComplaintIsRoutedOnceByItsPlugin() throws {
        let db = try store()
        let added = try add("My bag came two days late", severity: "high", db: db)
        #expect(added.status == 0, "\(added.standardError)")
        #expect(added.standardOutput == "FB-1: complaint baggage/delayed (high) received\nhooks: 1 run (1 change to cases)\n")
        let shown = try plain("feedback", "show", "FB-1", "--db", db)
        #expect(shown.standardOutput.contains("plugin desk"), "the step names the plugin that made it:\n\(shown.standardOutput)")
        #expect(shown.standardOutput.contains("team supervisors: high severity"))
        #expect(shown.standardOutput.contains("feedback.created  desk    event:1"), "\(shown.standardOutput)")
        // Nothing is waiting any more: running the hooks again runs none.
        let again = try cordial("feedback", "hooks", "--no-breaches", "--db", db)
        #expect(again.status == 0 && again.standardOutput == "hooks: 0 run\n", "\(again.standardOutput)\(again.standardError)")
        let steps = try plain("feedback", "show", "FB-1", "--json", "--db", db)
        #expect(steps.standardOutput.components(separatedBy: "\"action\" : \"assigned\"").count == 2, "assigned once")
    }

    @Test func aHookThatFailsLeavesTheFeedbackSavedAndSaysWhy() throws {
        let db = try store()
        let added = try add("This will explode", db: db)
        #expect(added.status == 0, "the case was taken in; the hook's failure does not undo it")
        #expect(added.standardOutput == "FB-1: complaint baggage/delayed (medium) received\nhooks: 0 run, 1 failed\n")
        #expect(added.standardError.hasPrefix("cordial: hook failed: case 1 desk feedback.created: "), "\(added.standardError)")
        #expect(added.standardError.contains("plugin.lua:11: cannot route this case"), "located at the plugin's line: \(added.standardError)")
        #expect(try plain("feedback", "show", "FB-1", "--db", db).standardOutput.contains("This will explode"))
        let failed = try cordial("feedback", "hooks", "--failed", "--db", db)
        #expect(failed.standardOutput.contains("FB-1  desk    feedback.created  event:1  "), "\(failed.standardOutput)")
        #expect(failed.standardOutput.contains("cannot route this case"))
        // Once per event: the failed hook is not run again.
        #expect(try cordial("feedback", "hooks", "--no-breaches", "--db", db).standardOutput == "hooks: 0 run\n")
        // The next case is handled as usual.
        #expect(try add("Late again", severity: "high", received: "2025-03-03T10:00:00Z", db: db).standardOutput.hasSuffix("hooks: 1 run (1 change to cases)\n"))
    }

    @Test func aHookThatLoopsIsStoppedAtItsLimitAndTheNextCaseIsHandled() throws {
        let db = try store()
        let looped = try add("loop forever please", db: db)
        #expect(looped.status == 0)
        #expect(looped.standardError.contains("plugin.lua:12:") && looped.standardError.contains("time"), "\(looped.standardError)")
        #expect(looped.standardError.split(separator: "\n").count == 1, "one line")
        let next = try add("Late", severity: "high", received: "2025-03-03T10:00:00Z", db: db)
        #expect(next.standardOutput.hasSuffix("hooks: 1 run (1 change to cases)\n"), "a fresh state for the next call: \(next.standardError)")
    }

    @Test func aLateClockIsEscalatedOnce() throws {
        let db = try store()
        #expect(try add("Late bag", received: "2025-03-03T09:00:00Z", db: db).status == 0)
        // First contact was due at 10:00; at 10:30 it is 30 minutes late.
        let late = try cordial("feedback", "hooks", "--at", "2025-03-03T10:30:00Z", "--db", db)
        #expect(late.standardOutput == "hooks: 1 run (1 change to cases), 1 late clock\n", "\(late.standardOutput)\(late.standardError)")
        let later = try cordial("feedback", "hooks", "--at", "2025-03-04T10:30:00Z", "--db", db)
        #expect(later.standardOutput == "hooks: 0 run\n", "the first-contact breach is delivered once: \(later.standardOutput)")
        #expect(try plain("feedback", "show", "FB-1", "--db", db).standardOutput.contains("first-contact late by 30 min"))
    }

    @Test(arguments: [false, true])
    func recoveryIsAppliedOnceThroughTheLedger(postgres: Bool) async throws {
        let server = ProcessInfo.processInfo.environment["CORDIAL_TEST_POSTGRES"] ?? ""
        if postgres, server.isEmpty || server == "skip" { return }
        let schema = "hooks_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let location = postgres ? server + (server.contains("?") ? "&" : "?") + "schema=\(schema)&sslmode=disable" : stores.path()
        let db = try await offPool { [self] in
            let path = try store(location)
            #expect(try add("My bag came two days late", db: path).status == 0)
            for status in ["acknowledged", "investigating", "solution-proposed", "agreed"] {
                #expect(try cordial("feedback", "update", "FB-1", "--status", status, "--by", "Lê Thu Hà", "--db", path).status == 0)
            }
            let resolved = try cordial("feedback", "update", "FB-1", "--status", "resolved", "--by", "Lê Thu Hà", "--db", path)
            #expect(resolved.standardOutput.hasSuffix("hooks: 1 run, 1 recovery plan applied\n"), "\(resolved.standardOutput)\(resolved.standardError)")
            // Reopened and resolved again: the hook fires again, the ledger holds each action once.
            #expect(try cordial("feedback", "update", "FB-1", "--status", "investigating", "--by", "Lê Thu Hà", "--db", path).status == 0)
            for status in ["solution-proposed", "agreed", "resolved"] {
                #expect(try cordial("feedback", "update", "FB-1", "--status", status, "--by", "Lê Thu Hà", "--db", path).status == 0)
            }
            // The letter answers the case.
            let letters = try plain("outbox", "list", "--db", path)
            #expect(letters.standardOutput.contains("sorry"), "\(letters.standardOutput)")
            return path
        }
        let opened = try await StoreLocation.open(db)
        let tallies = try await opened.campaignTallies(campaign: "desk-recovery")
        #expect(tallies.ledger == 2 && tallies.outbox == 1 && tallies.calls == 1, "one letter and one call: \(tallies)")
        let deliveries = try await opened.feedbackHookDeliveries(FeedbackHookQuery(feedbackIDs: [1]))
        #expect(deliveries.filter { $0.recovery == .applied }.count == 2, "both firings planned; the second found the keys done")
        let queued = try await opened.outboxLetters(status: nil, after: nil, limit: 10)
        #expect(queued.count == 1 && queued.first?.template == "sorry")
    }

    @Test func recoveryACrashLeftRecordedIsAppliedByTheNextRun() async throws {
        let store = try await stores.empty()
        _ = try await store.apply(ImportBatch(customers: [Customer(source: "crm", externalID: "C-1", name: PersonName(given: "Emily", family: "Carter"), emails: ["emily@example.com"], locale: "en")]), dryRun: false)
        let customer = try #require(try await store.customer(source: "crm", externalID: "C-1")?.id)
        let registry = PluginRegistry(roots: [plugins.root], loader: PluginLoader(chunkNameRoot: plugins.root))
        #expect(registry.reload().problems.isEmpty)
        let at = Date(timeIntervalSince1970: 1_741_000_000)
        let added = try await store.addFeedback([Feedback(
            customerID: customer, contact: nil, source: "desk", channel: .email, kind: .complaint, category: "baggage/lost", text: "Lost",
            receivedAt: at)], at: at)
        let id = try #require(added.added.first?.id)
        // A run planned the recovery and recorded its delivery, then died before applying it.
        let action = PlannedAction(
            seq: 0, customerID: customer, campaign: "desk-recovery", occasion: "case-\(id)", form: .letter, occasionDay: 20_100, actionDay: 20_100,
            item: 1, cost: 0, currency: "VND", segment: "script", channel: .email)
        var letter = action
        letter.template = "sorry"
        let plan = try await CampaignPlanner.save(
            [letter], campaign: "desk-recovery", plugin: "hook desk feedback.updated case \(id)", version: "-", window: 20_100...20_100,
            limits: CampaignLimits(budget: CareBudget(currency: "VND"), caps: []), events: [], approvals: nil, at: at, store: store)
        #expect(try await store.recordFeedbackHook(FeedbackHookDelivery(
            plugin: "desk", key: "event:999", hook: "feedback.updated", feedbackID: id, customerID: customer, at: at, outcome: .done,
            recovery: .pending, recoveryPlanID: plan.id), changes: []))
        let runner = try FeedbackHookRunner(store: store, plugins: registry.plugins, loader: registry.loader)
        // A process that died holding the plan's part: the run does not wait out its lease;
        // the recovery stays pending for a later run.
        let run = try await store.openCampaignRun(plan: plan.id!, partSize: 500)
        _ = try #require(try await store.claimCampaignPart(of: run, worker: "dead:1", lease: 2))
        let held = try await runner.run(at: at, breaches: false)
        #expect(held.recoveriesApplied == 0)
        #expect(try await store.feedbackHookDeliveries(FeedbackHookQuery(recoveryPending: true)).count == 1)
        try await Task.sleep(for: .seconds(2.5))
        let report = try await runner.run(at: at, breaches: false)
        #expect(report.recoveriesApplied == 1)
        #expect(try await store.campaignTallies(campaign: "desk-recovery").outbox == 1)
        #expect(try await store.feedbackHookDeliveries(FeedbackHookQuery(recoveryPending: true)).isEmpty)
        // A second run finds nothing left to apply.
        #expect(try await runner.run(at: at, breaches: false).recoveriesApplied == 0)
    }

    @Test func aCaseKeptPastItsHookRefusesItsMethodsAndBadNotesFailAtTheirLine() throws {
        let db = try store()
        // Two cases in one process: the second hook finds the first's case in an upvalue.
        let file = folder.appendingPathComponent("two.csv")
        try "received_at,channel,kind,category,text,customer_id\n2025-03-03T09:00:00Z,email,complaint,baggage/lost,keep me,C-1\n2025-03-03T10:00:00Z,email,complaint,baggage/lost,reuse the old one,C-2\n"
            .write(to: file, atomically: true, encoding: .utf8)
        let reused = try cordial("import", "feedback", file.path, "--customer-source", "crm", "--db", db)
        #expect(reused.status == 0, "\(reused.standardError)")
        #expect(reused.standardError.contains("plugin.lua:14: Case:note: case 1 was handed to a hook that has returned"), "\(reused.standardError)")
        let nul = try add("nul in a note", received: "2025-03-03T11:00:00Z", db: db)
        #expect(nul.standardError.contains("plugin.lua:16: Case:note: note must be text without NUL bytes"), "\(nul.standardError)")
        #expect(try plain("feedback", "show", "FB-1", "--db", db).standardOutput.contains("from an old hook") == false)
    }

    @Test func aHookPrintsToStandardErrorNeverIntoTheCommandsOutput() throws {
        let db = try store()
        let added = try add("chatty one", db: db, json: true)
        #expect(added.status == 0)
        #expect(try JSONSerialization.jsonObject(with: Data(added.standardOutput.utf8)) is [String: Any], "stdout stays JSON: \(added.standardOutput)")
        #expect(added.standardError.contains("desk: routing \\e[31m1") || added.standardError.contains("desk: routing "), "\(added.standardError)")
        #expect(!added.standardError.contains("\u{1B}"), "no raw escape reaches the terminal")
    }
}
