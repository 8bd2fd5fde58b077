import Foundation
import Testing

/// Ad-hoc campaigns from `cordial run campaign.lua`: the script's actions are checked at
/// their lines and saved as a plan when it succeeds — nothing when it fails — and the plan
/// is applied, exactly once, like a policy's.
@Suite final class CampaignScriptTests {
    let stores = TemporaryStores()
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-script-\(UUID().uuidString)")
        // The plugin folder is this folder: one plugin holding the letters the scripts send.
        let notes = folder.appendingPathComponent("notes/letters")
        try FileManager.default.createDirectory(at: notes, withIntermediateDirectories: true)
        try "local cordial = require \"cordial\"\nreturn cordial.plugin { name = \"notes\", version = \"1.0.0\", api = 1 }\n"
            .write(to: folder.appendingPathComponent("notes/plugin.lua"), atomically: true, encoding: .utf8)
        for template in ["thanks", "t", "u"] {
            try "---\nsubject: A note\n---\nDear {{customer.name}}".write(to: notes.appendingPathComponent("\(template).mustache"), atomically: true, encoding: .utf8)
        }
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome { try RunCommandTests.cordial(arguments) }

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// A store with three customers (C-3 refused e-mail) and a catalog.
    func organisation() throws -> String {
        let db = stores.path()
        _ = try cordial("init", "--db", db)
        _ = try cordial("import", "customers", try file("c.csv", "external_id,first_name,family_name,tier\nC-1,An,Nguyễn,gold\nC-2,Wei,Wang,gold\nC-3,Emily,Carter,silver\n"),
                        "--source", "crm", "--db", db)
        _ = try cordial("catalog", "import", try file("g.csv", "catalog,code,name,cost,stock\nthanks,tea,Trà,100000,5\n"), "--db", db)
        _ = try cordial("consent", "set", "crm:C-3", "--channel", "email", "--refuse", "--db", db)
        return db
    }

    static let script = """
        local cordial = require "cordial"
        local run = cordial.campaign { name = "vip-thanks", currency = "VND", budget = { total = 1000000 } }
        for batch in cordial.customers.batches(2) do
          for _, c in ipairs(batch) do
            run:letter { customer = c.id, occasion = "thanks:2025", date = "2025-02-10", template = "thanks" }
            if c.tier == "gold" then
              run:gift { customer = c.id, occasion = "thanks:2025", date = "2025-02-10", catalog = "thanks", item = "tea" }
            end
          end
        end
        run:call { customer = 1, occasion = "thanks:2025", date = "2025-02-12", role = "care-agent", script = "Say thank you." }
        print(run.actions .. " actions")
        """

    @Test func aScriptsCampaignIsSavedAsAPlanAndAppliedOnce() throws {
        let db = try organisation()
        let path = try file("thanks.lua", Self.script)
        let first = try cordial("run", "--db", db, "--plugins", folder.path, path)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput.contains("6 actions\n"), "\(first.standardOutput)")
        #expect(first.standardOutput.contains("plan 1 of vip-thanks: 5 actions for 2 customers, costing 200000 VND, 1 held back"), "\(first.standardOutput)")
        let shown = try cordial("campaigns", "show", "1", "--db", db, "--plugins", folder.path).standardOutput
        #expect(shown.contains("held back by the plan: 1 — no consent for email"), "\(shown)")
        // The letters as they will be sent, before anything is applied.
        #expect(shown.contains("letters as they will be sent (2 of 2;"), "\(shown)")
        #expect(shown.contains("  subject: A note\n  Dear An Nguyễn\n") && shown.contains("  Dear Wei Wang\n"), "\(shown)")

        let applied = try cordial("campaigns", "apply", "1", "--db", db, "--plugins", folder.path)
        #expect(applied.standardOutput.contains("applied 5 actions"), "\(applied.standardOutput)")
        // The same script again: the same keys, found done.
        _ = try cordial("run", "--db", db, "--plugins", folder.path, path)
        let again = try cordial("campaigns", "apply", "2", "--db", db, "--plugins", folder.path)
        #expect(again.standardOutput.contains("applied 0 actions") && again.standardOutput.contains("5 already done"), "\(again.standardOutput)")
    }

    @Test(arguments: [
        ("run:gift { customer = 1, occasion = \"x\", date = \"2025-02-10\", catalog = \"thanks\", item = \"cake\" }",
         "thanks2.lua:3: Campaign:gift: no item 'cake' in gift catalog 'thanks' (known: tea)"),
        ("run:letter { customer = 99, occasion = \"x\", date = \"2025-02-10\", template = \"t\" }", "no customer 99 (unknown, or forgotten)"),
        ("run:letter { customer = 1, occasion = \"x\", date = \"2025-02-30\", template = \"t\" }", "date must be the day to act"),
        ("run:letter { customer = 1, occasion = \"a/b\", date = \"2025-02-10\", template = \"t\" }", "occasion must name the occasion"),
        ("run:letter { customer = 1, occasion = \"x\", date = \"2025-02-10\", templat = \"t\" }", "Campaign:letter: unknown field 'templat'"),
        ("run:letter { customer = 1, occasion = \"x\", date = \"2025-02-10\", template = \"t\" }\nrun:letter { customer = 1, occasion = \"x\", date = \"2025-02-11\", template = \"u\" }",
         "thanks2.lua:4: Campaign:letter: customer 1 already has this letter for occasion 'x' (at "),
        ("run:letter { customer = 1, occasion = \"x\", date = \"2025-02-10\", template = \"t\" }\nerror(\"stop here\")", "stop here"),
        ("run:letter { customer = 1, occasion = \"x\", date = \"2025-02-10\", template = \"nosuch\" }",
         "thanks2.lua:3: Campaign:letter: no loaded plugin has a letter template 'nosuch'"),
    ])
    func aBadActionOrAFailingScriptSavesNoPlan(line: String, message: String) throws {
        let db = try organisation()
        let path = try file("thanks2.lua", "local cordial = require \"cordial\"\nlocal run = cordial.campaign { name = \"bad\" }\n\(line)\n")
        let outcome = try cordial("run", "--db", db, "--plugins", folder.path, path)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.contains(message), "\(outcome.standardError)")
        #expect(!(try cordial("campaigns", "list", "--db", db, "--plugins", folder.path).standardOutput.contains("bad")), "no plan was saved")
    }

    /// Actions are kept in Swift until the script ends: a script that adds them in a loop
    /// stops at its memory cap, with one line, and saves nothing.
    @Test func aScriptAddingActionsForeverStopsAtItsMemoryLimit() throws {
        let db = try organisation()
        let path = try file("flood.lua", """
            local cordial = require "cordial"
            local run = cordial.campaign { name = "flood" }
            for i = 1, 1000000 do
              run:letter { customer = 1, occasion = "o" .. i .. string.rep("x", 20), date = "2025-02-10", template = "t" }
            end
            """)
        let outcome = try cordial("run", "--db", db, "--memory-limit", "8", "--plugins", folder.path, path)
        #expect(outcome.status == 1)
        #expect(outcome.standardError.hasPrefix("cordial: ") && outcome.standardError.contains("memory limit of 8 MB exceeded"), "\(outcome.standardError)")
        #expect(!(try cordial("campaigns", "list", "--db", db, "--plugins", folder.path).standardOutput.contains("flood")), "no plan was saved")
    }
}
