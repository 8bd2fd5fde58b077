import Cordial
import CordialCore
import CordialStore
import Foundation
import Testing

/// Segment runs hand customers to plugins as lazy views (CLuaHost/view.c): the fields a
/// segment reads come straight from a block of the batch, and the first read of any other
/// field builds the whole table in Swift. Both ways must give the same values, and a view
/// must stay one read-only table whichever way it was read.
@Suite final class LazyCustomerViewTests {
    let folder: PluginFolder
    let stores = TemporaryStores()

    init() throws {
        folder = try PluginFolder()
    }

    @Test func fieldsReadFromTheBlockEqualTheBuiltTable() async throws {
        // Every field is read twice: first from the block, then (after `c.tags` built the
        // table) from the table. A label names the first field that differs.
        try folder.plugin("lazy", ["plugin.lua": """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "lazy", version = "1.0.0", api = 1 }
            local fields = { "id", "source", "external_id", "given_name", "family_name", "locale", "tier",
                             "city", "region", "birthday", "created" }
            local sums = { "count", "total", "first", "last", "days_since_last" }
            local kept
            plugin:segment("lazy", function(c)
              kept = kept or c  -- a view kept from the first batch must still read its customer
              local before, purchases = {}, c.purchases
              for i, name in ipairs(fields) do before[i] = c[name] end
              for i, name in ipairs(sums) do before[#fields + i] = purchases[name] end
              local _ = c.tags
              for i, name in ipairs(fields) do
                if c[name] ~= before[i] then return "differs-" .. name end
              end
              for i, name in ipairs(sums) do
                if c.purchases[name] ~= before[#fields + i] then return "differs-purchases-" .. name end
              end
              if c.purchases ~= purchases then return "purchases-not-the-same-table" end
              local count = 0
              for _ in pairs(c.purchases) do count = count + 1 end
              if count ~= (c.purchases.count > 0 and 5 or 2) then return "pairs-gave-" .. count end
              if kept.id ~= 1 or kept.purchases.count == nil then return "kept-view-changed" end
              if not pcall(function() c.purchases.count = 0 end) then
                local ok, message = pcall(function() purchases.total = 1 end)
                if ok or not message:find("assigning 'purchases.total'", 1, true) then return "purchases-writable" end
                return "ok"
              end
              return "view-writable"
            end)
            return plugin
            """])
        let store = try await stores.demo(customers: 2_300)
        let results = try await (try SegmentRunTests()).runner(store, roots: [folder.root], at: "2025-01-15").run()
        guard case .materialized(let summary, _) = try #require(results.first) else {
            Issue.record("the run failed: \(results)")
            return
        }
        #expect(summary.counts == ["ok": 2_300], "\(summary.counts)")
    }

    @Test func aViewReadFromTheBlockGivesTheStoredFacts() async throws {
        // The block's texts and dates against the facts the store gives for the same customers.
        try folder.plugin("echo", ["plugin.lua": """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "echo", version = "1.0.0", api = 1 }
            plugin:segment("echo", function(c)
              local p = c.purchases
              return string.format("%s|%s|%s|%s|%s|%s", c.created, tostring(p.first), tostring(p.last),
                tostring(p.days_since_last), c.tier or "-", c.birthday or "-"):sub(1, 64)
            end)
            return plugin
            """])
        let store = try await stores.demo(customers: 1_200)
        _ = try await (try SegmentRunTests()).runner(store, roots: [folder.root], at: "2025-01-15").run()
        let today = CalendarDays.day(of: "2025-01-15")!
        var expected: [String] = []
        for try await batch in store.scanCustomerFacts(batchSize: 500, values: false) {
            for facts in batch {
                let p = facts.purchases
                let label = "\(CalendarDays.text(ofDay: facts.createdDay))|\(p.firstDay.map(CalendarDays.text(ofDay:)) ?? "nil")|"
                    + "\(p.lastDay.map(CalendarDays.text(ofDay:)) ?? "nil")|\(p.lastDay.map { String(today - $0) } ?? "nil")|"
                    + "\(facts.tier ?? "-")|\(facts.birthday ?? "-")"
                expected.append("\(facts.id)=\(String(label.prefix(64)))")
            }
        }
        let members = try await store.segmentMembers("echo", label: nil, at: nil, limit: nil).map { "\($0.customer)=\($0.label)" }
        #expect(members.count == 1_200)
        let differing = zip(members.sorted(), expected.sorted()).first { $0 != $1 }
        #expect(differing == nil, "first customer that differs (run, store): \(String(describing: differing))")
    }

    /// A view a script keeps holds its batch: the state's copy of the block, whose size the
    /// memory cap counts, and nothing large the cap does not see. 2,300 customers of 4 KB of
    /// attributes each, every view kept: the state counts at least their 9 MB.
    @Test func keptViewsAreCountedAgainstTheCap() async throws {
        let note = JSONValue.string(String(repeating: "x", count: 4_000))
        let customers = (1...2_300).map { Customer(source: "t", externalID: "k\($0)", name: PersonName(given: "K", family: "T"), attributes: ["note": note]) }
        let store = try await stores.empty()
        _ = try await store.apply(ImportBatch(customers: customers), dryRun: false)
        try folder.plugin("keeper", ["plugin.lua": """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "keeper", version = "1.0.0", api = 1 }
            local kept = {}
            plugin:segment("keeper", function(c)
              kept[#kept + 1] = c
              if #kept < 2300 then return "kept" end
              collectgarbage()
              return collectgarbage("count") * 1024 >= 2300 * 4000 and "counted" or "uncounted"
            end)
            return plugin
            """])
        let results = try await (try SegmentRunTests()).runner(store, roots: [folder.root], at: "2025-01-15").run()
        guard case .materialized(let summary, _) = try #require(results.first) else {
            Issue.record("the run failed: \(results)")
            return
        }
        #expect(summary.counts == ["kept": 2_299, "counted": 1], "\(summary.counts)")
    }

    /// A view the host reads (a script's result, `json.encode`) where it cannot be built is an
    /// error, never an empty table. Each try takes a fresh view (a view, once built, is kept).
    @Test func aViewTheHostCannotBuildIsAnErrorNotAnEmptyTable() throws {
        let directory = folder.root
        let db = directory.appendingPathComponent("store.sqlite").path
        let csv = directory.appendingPathComponent("customers.csv")
        try ("source,external_id,given_name,family_name\n" + (1...300).map { "t,\($0),An,Le\n" }.joined()).write(to: csv, atomically: true, encoding: .utf8)
        #expect(try RunCommandTests.cordial(["init", "--db", db]).status == 0)
        #expect(try RunCommandTests.cordial(["import", "customers", csv.path, "--db", db]).status == 0)
        let script = directory.appendingPathComponent("deep.lua")
        // Just below the most arguments with which json.encode still runs, it runs but the
        // view it reads cannot be built.
        try """
            local cordial = require "cordial"
            local views = {}
            for batch in cordial.customers.batches(100) do
              for _, c in ipairs(batch) do views[#views + 1] = c end
            end
            local used = 0
            local function encode(n)
              used = used + 1
              local c = views[used]
              return pcall(function(...) return cordial.json.encode(c) end, table.unpack({}, 1, n))
            end
            local fits, overflows = 900000, 1000000
            while overflows - fits > 1 do
              local middle = (fits + overflows) // 2
              if encode(middle) then fits = middle else overflows = middle end
            end
            local refused, empty = 0, 0
            for n = fits - 40, fits + 40 do
              local ok, text = encode(n)
              if ok and not text:find('"given_name"', 1, true) then empty = empty + 1 end
              if not ok and text:find("invalid 'value'", 1, true) then refused = refused + 1 end
            end
            print(string.format("refused %d, empty %d", refused, empty))
            """.write(to: script, atomically: true, encoding: .utf8)
        // A generous time limit: the search runs hundreds of deep calls, slow on a loaded machine.
        let outcome = try RunCommandTests.cordial(["run", "--time-limit", "120", "--db", db, script.path])
        #expect(outcome.status == 0, "\(outcome.standardError)")
        let line = outcome.standardOutput.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(line.hasSuffix("empty 0") && !line.hasPrefix("refused 0"), "\(line)")
    }
}
