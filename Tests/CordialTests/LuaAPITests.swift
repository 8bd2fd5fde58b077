import Cordial
import CordialCore
import CordialStore
import Foundation
import LuaHost
import Testing

/// The `cordial` module as scripts and plugins use it.
@Suite final class LuaAPITests {
    private var paths: [URL] = []

    deinit {
        for path in paths { try? FileManager.default.removeItem(at: path) }
    }

    @Test func theGeneratedReferenceAndAnnotationsAreUpToDate() throws {
        for (path, expected) in LuaAPIDocs.files {
            let url = RunCommandTests.packageRoot.appendingPathComponent(path)
            let found = (try? String(contentsOf: url, encoding: .utf8)) ?? "(missing)"
            #expect(found == expected, "\(path) is stale: run `cordial plugins docs`")
        }
    }

    /// Runs `source` as `cordial run` does, on a thread of its own (the data API waits for the store).
    /// Runs `source` as a script; `timeSeconds` replaces the default limit for a script whose
    /// work is heavy by design (so a loaded test machine cannot fail it on time).
    func script(_ source: String, store: (any Store)?, timeSeconds: Double? = nil) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-api-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        paths.append(directory)
        let file = directory.appendingPathComponent("script.lua")
        try source.write(to: file, atomically: true, encoding: .utf8)
        let output = OutputBox()
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            Thread {
                do {
                    var limits = LuaLimits.default
                    if let timeSeconds { limits.timeSeconds = timeSeconds }
                    try ScriptRunner(limits: limits, store: store) { output.append($0) }.run(script: file, arguments: [])
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }.start()
        }
        return output.text
    }

    func store(customers: Int) async throws -> any Store {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-api-\(UUID().uuidString).sqlite")
        paths += ["", "-wal", "-shm"].map { URL(fileURLWithPath: path.path + $0) }
        let store = try await StoreLocation.sqlite(path: path.path).open(creating: true)
        try await store.migrate()
        var csv = ""
        try DemoOrganisation(seed: 42).writeCustomers(count: customers) { csv += $0 }
        _ = try await store.apply(try CustomerImporter(source: "demo").batch(from: Data(csv.utf8), format: .csv, fileName: "c.csv"), dryRun: false)
        return store
    }

    @Test func theCustomerViewHasExactlyTheDocumentedFields() async throws {
        let store = try await store(customers: 3)
        let output = try await script("""
            local cordial = require "cordial"
            local c = cordial.customers.get(1)
            local keys = {}
            for key in pairs(c) do keys[#keys + 1] = key end
            table.sort(keys)
            print(table.concat(keys, ","))
            local p = {}
            for key in pairs(c.purchases) do p[#p + 1] = key end
            table.sort(p)
            print(table.concat(p, ","))
            """, store: store)
        let lines = output.split(separator: "\n").map(String.init)
        // Optional fields (tier, city, …) of this customer may be absent: every key must be documented,
        // and the documented ones must include every key a customer with all fields has.
        let documented = Set(LuaAPI.customerClass.fields.map(\.name))
        let shown = Set(lines[0].split(separator: ",").map(String.init))
        #expect(shown.isSubset(of: documented), "undocumented: \(shown.subtracting(documented))")
        let required = Set(LuaAPI.customerClass.fields.filter { !$0.type.hasSuffix("?") }.map(\.name))
        #expect(required.isSubset(of: shown), "missing: \(required.subtracting(shown))")
        let purchaseFields = LuaAPI.classes.first { $0.name == "cordial.PurchaseSummary" }!.fields
        #expect(Set(lines[1].split(separator: ",").map(String.init)) == Set(purchaseFields.filter { !$0.type.hasSuffix("?") }.map(\.name)))
    }

    @Test func theViewIsStrictAndReadOnly() async throws {
        let store = try await store(customers: 1)
        _ = try await store.apply(ImportBatch(customers: [Customer(source: "t", externalID: "bare", name: PersonName(given: "A", family: "B"))]), dryRun: false)
        // documented fields the customer has no value for read nil
        let bare = try await script("""
            local c = require('cordial').customers.get("t:bare")
            print(c.tier, c.city, c.birthday, c.purchases.last, c.purchases.days_since_last, c.value.rfm, c.tags.vip)
            """, store: store)
        #expect(bare == "nil\tnil\tnil\tnil\tnil\tnil\tnil\n")
        await #expect(throws: LuaRunError.self) {
            _ = try await self.script("local c = require('cordial').customers.get(1)\nreturn c.purchase.count", store: store)
        }
        do {
            _ = try await script("local c = require('cordial').customers.get(1)\nc.nickname = 'x'", store: store)
            Issue.record("assigning a field succeeded")
        } catch let error as LuaRunError {
            #expect(error.location?.hasSuffix("script.lua:2") == true)
            #expect(error.message.contains("read-only"))
        }
    }

    /// Every table of a view, down to the JSON values in `attributes`, refuses every write:
    /// assignment to an existing or a new key, rawset, setmetatable, the table library. Reads,
    /// `pairs`, `ipairs`, `#` and `json.encode` see the customer as before (issue 13, item 11).
    @Test func theViewIsReadOnlyAllTheWayDown() async throws {
        let store = try await store(customers: 0)
        _ = try await store.apply(ImportBatch(customers: [Customer(
            source: "t", externalID: "full", name: PersonName(given: "Lan", family: "Nguyễn"), tier: "gold", tags: ["vip"],
            attributes: ["prefs": .object(["colours": .array([.string("red"), .string("blue")])]), "note": .string("n")])]), dryRun: false)
        let writes = [
            "c.name = 'x'", "c.tier = 'platinum'", "c.nickname = 'x'", "c.tags.vip = false", "c.tags[1] = 'x'",
            "c.attributes.note = 'forged'", "c.attributes.prefs.colours[1] = 'green'", "c.purchases.count = 99",
            "c.segments.lifecycle = 'x'", "c.value.rfm = {}",
            "rawset(c, 'tier', 'platinum')", "rawset(c.tags, 'vip', false)", "rawset(c.attributes.prefs.colours, 1, 'green')",
            "table.insert(c.attributes.prefs.colours, 'green')", "table.remove(c.attributes.prefs.colours)",
            "table.sort(c.attributes.prefs.colours)", "setmetatable(c, {})", "setmetatable(c.attributes.prefs, nil)",
        ]
        for write in writes {
            let output = try await script("""
                local cordial = require "cordial"
                local c = cordial.customers.get("t:full")
                local ok, problem = pcall(function() \(write) end)
                print(ok, problem)
                print(c.name, c.tier, c.tags.vip, c.attributes.note, c.attributes.prefs.colours[1], c.purchases.count, c.value.rfm)
                """, store: store)
            let lines = output.split(separator: "\n").map(String.init)
            #expect(lines.first?.hasPrefix("false\t") == true, "\(write) was accepted: \(output)")
            #expect(lines.first.map { $0.contains("read-only") || $0.contains("protected metatable") } == true, "\(write): \(output)")
            #expect(lines.last == "Lan Nguyễn\tgold\ttrue\tn\tred\t0\tnil", "\(write) changed the view: \(output)")
        }
        let reads = try await script("""
            local cordial = require "cordial"
            local c = cordial.customers.get("t:full")
            local fields = {}
            for key in pairs(c) do fields[#fields + 1] = key end
            table.sort(fields)
            print(table.concat(fields, ","))
            local colours = {}
            for i, colour in ipairs(c.attributes.prefs.colours) do colours[i] = colour end
            print(#c.attributes.prefs.colours, table.concat(colours, ","), table.concat(c.attributes.prefs.colours, "+"))
            print(select(2, pairs(c)) == c, getmetatable(c), rawget(c, "name"), c[next(c)] == select(2, next(c)))
            print(cordial.json.encode(c.attributes))
            local generator = pairs({})
            for key in generator, c do assert(type(key) == "string", "a hidden key of the view: " .. type(key)) end
            """, store: store)
        let lines = reads.split(separator: "\n").map(String.init)
        #expect(lines.count == 4, "\(reads)")
        #expect(lines.first == "attributes,created,external_id,family_name,given_name,id,locale,name,purchases,segments,source,tags,tier,value", "\(reads)")
        #expect(lines.dropFirst().first == "2\tred,blue\tred+blue", "\(reads)")
        #expect(lines.dropFirst(2).first == "true\tfalse\tnil\ttrue", "pairs and next hand out the view's fields, never the table behind it: \(reads)")
        #expect(lines.last == #"{"note":"n","prefs":{"colours":["red","blue"]}}"#, "\(reads)")
    }

    /// Queued changes are charged by what the queue grows: one customer updated 10,000 times
    /// with the same 8 KB note holds one change (the calls used to be charged 80 MB in all,
    /// past the 64 MB cap).
    @Test func updatingOneCustomerManyTimesHoldsOneChange() async throws {
        let store = try await store(customers: 2)
        let output = try await script("""
            local cordial = require "cordial"
            local note = string.rep("n", 8000)
            for i = 1, 10000 do cordial.customers.update(1, { add_tags = { "seen" }, attributes = { note = note } }) end
            print("queued")
            """, store: store, timeSeconds: 120)
        #expect(output == "queued\n")
        let customer = try #require(try await store.customer(CustomerID(1)))
        #expect(customer.tags.filter { $0 == "seen" }.count == 1)
        #expect(customer.attributes["note"] == .string(String(repeating: "n", count: 8000)))
    }

    @Test func findFiltersAndUpdatesAreWrittenTogetherWhenTheScriptSucceeds() async throws {
        let store = try await store(customers: 40)
        let output = try await script("""
            local cordial = require "cordial"
            local gold = cordial.customers.find { tier = "gold", limit = 1000 }
            for _, c in ipairs(gold) do cordial.customers.update(c.id, { add_tags = { "gold-care" }, attributes = { reviewed = true } }) end
            print(#gold, cordial.customers.count())
            local n = 0
            for batch in cordial.customers.batches(7) do n = n + #batch end
            print(n)
            """, store: store)
        let gold = try await store.customers(CustomerQuery(limit: 1000, tier: "gold"))
        #expect(output == "\(gold.count)\t40\n40\n")
        #expect(!gold.isEmpty)
        #expect(gold.allSatisfy { $0.tags.contains("gold-care") && $0.attributes["reviewed"] == .bool(true) })
        #expect(try await store.customers(CustomerQuery(limit: 1000, tag: "gold-care")).count == gold.count)

        // A script that fails after updating writes nothing.
        await #expect(throws: LuaRunError.self) {
            _ = try await self.script("""
                local cordial = require "cordial"
                cordial.customers.update(1, { add_tags = { "half" } })
                error("stop")
                """, store: store)
        }
        #expect(try await store.customers(CustomerQuery(limit: 10, tag: "half")).isEmpty)
    }

    @Test func pluginsWithoutThePermissionAreRefused() throws {
        let folder = try PluginFolder()
        try folder.plugin("nosy", ["plugin.lua": """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "nosy", version = "1.0.0", api = 1, permissions = { "customers.read" } }
            plugin:segment("nosy", function(c) cordial.segments.counts("nosy") return "x" end)
            return plugin
            """, "tests/nosy_test.lua": """
            local test = require "cordial.test"
            test.case("update", function()
              local message = test.fails(function() test.classify("nosy", test.customer {}) end, "needs the permission 'segments.read'")
              test.truthy(message:find("nosy/plugin.lua:3", 1, true), message)
            end)
            """])
        let loader = PluginLoader(chunkNameRoot: folder.root)
        let plugin = try loader.load(directory: folder.root.appendingPathComponent("nosy"))
        let results = PluginTestRunner(loader: loader).run(plugin)
        #expect(results.count == 1)
        #expect(results.allSatisfy { $0.failure == nil }, "\(results.compactMap(\.failure))")
    }

    @Test func jsonDatesAndLocaleFormatting() async throws {
        let output = try await script("""
            local cordial = require "cordial"
            local f, d, j = cordial.format, cordial.dates, cordial.json
            print(f.number(1250000.5, "vi"), f.number(1250000.5, "zh"), f.number(3.14159, "en", 2))
            print(f.money("1250000", "VND", "vi"), f.money(1234.5, "USD", "en"), f.money(388, "CNY", "zh"))
            print(f.date("2026-01-29", "vi"), f.date("2026-01-29", "zh"), f.date("2026-01-29", "en", "short"))
            print(d.add_days("2024-02-28", 1), d.add_days("2024-03-01", -1), d.days_between("2025-12-25", "2026-01-29"), d.weekday("2026-11-22"))
            print(d.parse("2025-02-29"))
            print(j.encode({ name = "Nguyễn Thị Lan", orders = { 1, 2.5 }, vip = true }))
            local back = j.decode('{"a":[1,2,{"b":null}],"c":"王伟"}')
            print(#back.a, back.c, back.a[3].b)
            print(pcall(j.encode, { 1, x = 2 }))
            """, store: nil)
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "1.250.000,5\t1,250,000.5\t3.14")
        #expect(lines[1].hasPrefix("1.250.000") && lines[1].contains("₫"))
        #expect(lines[1].contains("$1,234.50"))
        #expect(lines[2].hasPrefix("ngày 29 tháng 1, 2026\t2026年1月29日\t1/29/2026"))
        #expect(lines[3] == "2024-02-29\t2024-02-29\t35\t7")
        #expect(lines[4] == "nil\t'2025-02-29' is not a date (YYYY-MM-DD)")
        #expect(lines[5] == #"{"name":"Nguyễn Thị Lan","orders":[1,2.5],"vip":true}"#)
        #expect(lines[6] == "3\t王伟\tnil")
        #expect(lines[7].hasPrefix("false") && lines[7].contains("mixes array items and named keys"))
    }

    /// `format.pad` pads by terminal columns: Chinese counts two, Vietnamese accents (precomposed
    /// or combining) none extra, so names in three scripts line up.
    @Test func paddingLinesUpNamesInEveryScript() async throws {
        let output = try await script("""
            local f = require("cordial").format
            for _, name in ipairs({ "Chloe Brown", "王杰", "Nguyễn Thị Lan", "Nguye\u{0302}\u{0303}n" }) do print(f.pad(name, 16) .. "|") end
            print(f.pad("42", 6, "right") .. "|", f.pad("too wide for it", 4) .. "|")
            print(pcall(f.pad, "x", -1))
            print(pcall(f.pad, "x", 3, "centre"))
            """, store: nil)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(Array(lines.prefix(4)) == ["Chloe Brown     |", "王杰            |", "Nguyễn Thị Lan  |", "Nguye\u{0302}\u{0303}n          |"])
        #expect(lines[4] == "    42|\ttoo wide for it|")
        #expect(lines[5].hasPrefix("false") && lines[5].contains("width") && lines[5].contains("expected 0 to 1000, got -1"), "\(lines[5])")
        #expect(lines[6].hasPrefix("false") && lines[6].contains("expected \"left\" or \"right\", got 'centre'"), "\(lines[6])")
    }

    @Test func holidaysComeFromTheCustomersOwnCalendar() async throws {
        let output = try await script("""
            local cal = require("cordial").calendar
            print(cal.holiday("tet", 1985, "vi-VN"), cal.holiday("spring-festival", 1985, "zh"), cal.holiday("tet", 1985, "en"))
            print(cal.holiday("lunar-new-year", 2007, "vi"), cal.holiday("lunar-new-year", 2007, "zh"), cal.holiday("mid-autumn", 2025, "fr"))
            local l = cal.lunar_date("2025-07-25", "vi")
            print(l.year, l.month, l.day, l.leap, cal.lunar_date("2025-07-25", "en"))
            local names = {}
            for _, h in ipairs(cal.holidays(2026, "zh")) do names[#names + 1] = h.id .. "=" .. h.date end
            print(table.concat(names, " "), #cal.holidays(2026, "fr"))
            print(pcall(function() return cal.holiday("tett", 2025, "vi") end))
            print(pcall(function() return cal.holiday("tet", 2200, "vi") end))
            """, store: nil)
        let lines = output.split(separator: "\n").map(String.init)
        #expect(lines[0] == "1985-01-21\t1985-02-20\tnil")
        #expect(lines[1] == "2007-02-17\t2007-02-18\tnil")
        #expect(lines[2] == "2025\t6\t1\ttrue\tnil")
        #expect(lines[3].hasPrefix("new-year=2026-01-01 lunar-new-year=2026-02-17 lantern-festival=2026-03-03 qingming=2026-04-05"))
        #expect(lines[3].hasSuffix("\t0"))
        #expect(lines[4].hasPrefix("false\t") && lines[4].contains("script.lua:9: cordial.calendar.holiday: invalid 'name': no holiday 'tett' (known: christmas, "))
        #expect(lines[5].hasSuffix("script.lua:10: cordial.calendar.holiday: invalid 'year': expected an integer from 1900 to 2199, got 2200"))
    }

    @Test func theDataAPIWithoutAStoreSaysSo() async throws {
        do {
            _ = try await script("local cordial = require 'cordial'\nreturn cordial.customers.count()", store: nil)
            Issue.record("counted without a store")
        } catch let error as LuaRunError {
            #expect(error.location?.hasSuffix("script.lua:2") == true)
            #expect(error.message.contains("no store is open"))
        }
    }
}

private final class OutputBox: @unchecked Sendable {
    private let lock = NSLock()
    private var collected = ""
    func append(_ text: String) { lock.withLock { collected += text } }
    var text: String { lock.withLock { collected } }
}
