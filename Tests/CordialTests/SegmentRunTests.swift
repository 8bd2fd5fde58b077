import Cordial
import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost
import Testing

/// Segment runs end to end: plugins from folders, a store file, the worker pool, the history.
@Suite final class SegmentRunTests {
    let folder: PluginFolder
    let stores = TemporaryStores()

    init() throws {
        folder = try PluginFolder()
    }

    static func day(_ text: String) -> Date { CalendarDays.date(ofDay: CalendarDays.day(of: text)!) }

    func runner(_ store: any Store, roots: [URL], workers: Int = 1, at: String) -> SegmentRunner {
        let registry = PluginRegistry(roots: roots, loader: PluginLoader(chunkNameRoot: roots[0]))
        registry.reload()
        return SegmentRunner(store: store, plugins: registry.plugins, loader: registry.loader, workers: workers, at: Self.day(at), logger: Logger(label: "test"))
    }

    func summaries(_ results: [SegmentRunner.Result]) -> [String: SegmentRunSummary] {
        var summaries: [String: SegmentRunSummary] = [:]
        for result in results {
            if case .materialized(let summary, _) = result { summaries[summary.segment] = summary }
        }
        return summaries
    }

    /// Every member of `segment` now, as (customer, label).
    func members(_ store: any Store, _ segment: String, at date: Date? = nil) async throws -> [String] {
        try await store.segmentMembers(segment, label: nil, at: date, limit: nil).map { "\($0.customer)=\($0.label)" }
    }

    @Test func oneAndTwoWorkersGiveTheSameLabelsOnTheDemoOrganisation() async throws {
        let store = try await stores.demo(customers: 2_500)
        let shipped = PluginLoaderTests.shipped
        let first = summaries(try await runner(store, roots: [shipped], workers: 1, at: "2025-01-15").run())
        #expect(first["lifecycle"]?.classified == 2_500)
        #expect(first["rfm"]?.entered == first["rfm"]?.counts.values.reduce(0, +))
        #expect((first["lifecycle"]?.counts.count ?? 0) >= 4, "\(first["lifecycle"]?.counts ?? [:])")
        #expect((first["rfm"]?.counts.count ?? 0) >= 8, "\(first["rfm"]?.counts ?? [:])")
        let lifecycle = try await members(store, "lifecycle"), rfm = try await members(store, "rfm")

        // The same date with two workers: nobody enters or leaves, membership is identical.
        let second = summaries(try await runner(store, roots: [shipped], workers: 2, at: "2025-01-15").run())
        #expect(second["lifecycle"]?.entered == 0 && second["lifecycle"]?.left == 0)
        #expect(second["rfm"]?.entered == 0 && second["rfm"]?.left == 0)
        #expect(second["rfm"]?.counts == first["rfm"]?.counts)
        #expect(try await members(store, "lifecycle") == lifecycle)
        #expect(try await members(store, "rfm") == rfm)
    }

    @Test func oneAndTwoWorkersGiveTheSameLabelsOnCDNOW() async throws {
        let data = try Data(contentsOf: CDNOWImportTests.shared.appendingPathComponent("CDNOW_master.txt"))
        let stores = [try await stores.empty(), try await stores.empty()]
        for store in stores { _ = try await store.apply(try CDNOWImporter().batch(from: data, fileName: "CDNOW_master.txt"), dryRun: false) }
        let shipped = PluginLoaderTests.shipped
        let one = summaries(try await runner(stores[0], roots: [shipped], workers: 1, at: "1998-07-01").run())
        let two = summaries(try await runner(stores[1], roots: [shipped], workers: 2, at: "1998-07-01").run())
        #expect(one["lifecycle"]?.classified == 23_570)
        #expect(one["rfm"]?.counts == two["rfm"]?.counts)
        #expect(one["lifecycle"]?.counts == two["lifecycle"]?.counts)
        // CDNOW's cohort bought first in early 1997: by mid-1998 nobody is new.
        #expect(one["lifecycle"]?.counts["new"] == nil)
        #expect(try await members(stores[0], "rfm") == members(stores[1], "rfm"))
        #expect(try await members(stores[0], "lifecycle") == members(stores[1], "lifecycle"))
    }

    @Test func historyAnswersMembershipAsOfAPastDate() async throws {
        let store = try await stores.demo(customers: 200)
        try folder.segmentPlugin("tiers", version: "1.0.0", labels: "{ 'vip', 'regular' }",
            body: "if c.purchases.count >= 10 then return 'vip' elseif c.purchases.count > 0 then return 'regular' end")
        _ = try await runner(store, roots: [folder.root], at: "2025-01-01").run()
        let january = try await store.segmentCounts("tiers", at: nil)
        let vipsInJanuary = try await members(store, "tiers")

        // A stricter version of the plugin in March: some VIPs become regular.
        try folder.segmentPlugin("tiers", version: "2.0.0", labels: "{ 'vip', 'regular' }",
            body: "if c.purchases.count >= 20 then return 'vip' elseif c.purchases.count > 0 then return 'regular' end")
        let march = summaries(try await runner(store, roots: [folder.root], at: "2025-03-01").run())["tiers"]
        #expect((march?.left ?? 0) > 0)
        #expect(march?.entered == march?.left, "each demoted VIP leaves 'vip' and enters 'regular'")

        #expect(try await store.segmentCounts("tiers", at: Self.day("2025-02-01")) == january)
        #expect(try await members(store, "tiers", at: Self.day("2025-02-01")) == vipsInJanuary)
        #expect(try await store.segmentCounts("tiers", at: Self.day("2024-12-01")).isEmpty)
        #expect(try await store.segmentCounts("tiers", at: nil) != january)

        let history = try await store.segmentHistory("tiers", limit: 1_000)
        let marchChanges = history.filter { $0.time == Self.day("2025-03-01") }
        #expect(marchChanges.count == (march?.entered ?? 0) + (march?.left ?? 0))
        #expect(marchChanges.allSatisfy { $0.pluginVersion == "2.0.0" })
        #expect(marchChanges.filter { $0.kind == .left }.allSatisfy { $0.label == "vip" })
        #expect(history.filter { $0.time == Self.day("2025-01-01") }.allSatisfy { $0.kind == .entered && $0.pluginVersion == "1.0.0" })

        // History cannot be rewritten by a run dated before the last one.
        let backdated = try await runner(store, roots: [folder.root], at: "2025-02-01").run()
        guard case .failed(_, _, let error) = try #require(backdated.first) else {
            Issue.record("a backdated run was written: \(backdated)")
            return
        }
        #expect(error.message.contains("a run as of 2025-02-01T00:00:00Z would rewrite its history"), "\(error)")
        #expect(try await store.segments().first?.lastRun == Self.day("2025-03-01"))
    }

    @Test func anErrorOnOneCustomerWritesNothingForThatSegmentAndNamesTheCustomer() async throws {
        let store = try await stores.demo(customers: 2_300)
        try folder.segmentPlugin("fragile", body: "return 'ok'")
        _ = try await runner(store, roots: [folder.root], at: "2025-01-01").run()
        let before = try await members(store, "fragile")
        #expect(before.count == 2_300)
        let history = try await store.segmentHistory("fragile", limit: 10_000)

        // Version 2 fails on customer 2,222 (in the third batch), after thousands were classified.
        try folder.plugin("fragile", ["plugin.lua": """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "fragile", version = "2.0.0", api = 1 }
            plugin:segment("fragile", function(c)
              if c.id == 2222 then return c.purchases.totl end
              return c.locale
            end)
            plugin:segment("sturdy", function(c) return c.locale end)
            return plugin
            """])
        for workers in [1, 2] {
            let results = try await runner(store, roots: [folder.root], workers: workers, at: "2025-02-01").run()
            var failure: (CustomerID?, PluginError)?
            for result in results {
                if case .failed(let segment, let customer, let error) = result, segment == "fragile" { failure = (customer, error) }
            }
            let (customer, error) = try #require(failure)
            #expect(customer == CustomerID(2222))
            #expect(error.location == "fragile/plugin.lua:4")
            #expect(error.message.contains("no field 'totl'"))
            #expect(summaries(results)["sturdy"]?.classified == 2_300, "the plugin's other segment is written")
            #expect(try await members(store, "fragile") == before, "the failed run changed nothing")
            #expect(try await store.segmentHistory("fragile", limit: 10_000) == history, "the batches written before the failure are undone")
            #expect(try await store.segments().first { $0.name == "fragile" }?.pluginVersion == "1.0.0")
        }
    }

    @Test func aSegmentThatLoopsIsStoppedByItsTimeLimit() async throws {
        let store = try await stores.demo(customers: 50)
        try folder.segmentPlugin("stuck", body: "if c.id == 7 then while true do end end return 'ok'")
        var runner = runner(store, roots: [folder.root], at: "2025-01-01")
        runner.limits = LuaLimits(memoryBytes: 16 << 20, timeSeconds: 0.2)
        let results = try await runner.run()
        guard case .failed(_, let customer, let error) = try #require(results.first) else {
            Issue.record("the looping segment was materialized")
            return
        }
        #expect(customer == CustomerID(7))
        #expect(error.message.contains("time limit of 0.2 s exceeded"))
        #expect(error.location.hasSuffix("stuck/plugin.lua:4"))
        #expect(try await store.segments().isEmpty)
    }

    /// A plugin's message with line breaks, a terminal escape and thousands of characters is
    /// still reported on one line, cut in the middle (the first promise: one-line reasons).
    @Test func aMessyErrorMessageIsReportedOnOneLine() async throws {
        let store = try await stores.demo(customers: 20)
        try folder.segmentPlugin("messy", body: #"if c.id == 4 then error("first line\nsecond \27[31mred " .. string.rep("x", 5000) .. " end") end return 'ok'"#)
        let results = try await runner(store, roots: [folder.root], at: "2025-01-01").run()
        guard case .failed(_, let customer, let error) = try #require(results.first) else {
            Issue.record("the failing segment was materialized")
            return
        }
        #expect(customer == CustomerID(4))
        let line = error.description
        #expect(!line.contains("\n") && !line.contains("\u{1B}"))
        #expect(line.hasPrefix("messy/plugin.lua:4: first line\\nsecond \\x1B[31mred x"), "\(line.prefix(80))")
        #expect(line.hasSuffix("x end"))
        #expect(line.contains("characters left out"))
        #expect(line.count < LuaRunError.reportedLength + 100)
    }

    @Test func labelsOutsideTheDeclaredOnesAndNonStringsAreErrors() async throws {
        let store = try await stores.demo(customers: 20)
        try folder.segmentPlugin("declared", labels: "{ 'a', 'b' }", body: "return c.id == 3 and 'c' or 'a'")
        try folder.segmentPlugin("typed", body: "return c.id == 5 and 42 or 'x'")
        let results = try await runner(store, roots: [folder.root], at: "2025-01-01").run()
        var messages: [String: String] = [:]
        for result in results {
            if case .failed(let segment, let customer, let error) = result { messages[segment] = "\(customer.map(\.description) ?? "-"): \(error.description)" }
        }
        #expect(messages["declared"]?.hasPrefix("3: ") == true)
        #expect(messages["declared"]?.contains("returned 'c', which is not one of its labels") == true)
        #expect(messages["typed"]?.hasPrefix("5: ") == true)
        #expect(messages["typed"]?.contains("returned a number") == true)
    }

    /// A refused label is reported at the `return` that gave it (in a helper the function
    /// tail-called, too), not at the segment's `function(c)` line.
    @Test func aRefusedLabelIsReportedAtItsReturn() async throws {
        let store = try await stores.demo(customers: 20)
        try folder.segmentPlugin("declared", labels: "{ 'a', 'b' }", body: """
            if c.id == 3 then
                local label = 'c'
                return label
              end
              return 'a'
            """)
        try folder.plugin("helper", ["plugin.lua": """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "helper", version = "1.0.0", api = 1 }
            local function pick(c)
              if c.id == 5 then
                return { "not a string" }
              end
              return "x"
            end
            plugin:segment("helper", { labels = { "x" } }, function(c)
              return pick(c)
            end)
            return plugin
            """])
        let results = try await runner(store, roots: [folder.root], at: "2025-01-01").run()
        var failures: [String: String] = [:]
        for result in results {
            if case .failed(let segment, let customer, let error) = result { failures[segment] = "\(customer.map(\.description) ?? "-"): \(error.description)" }
        }
        #expect(failures["declared"] == "3: declared/plugin.lua:6: segment 'declared' returned 'c', which is not one of its labels")
        #expect(failures["helper"] == "5: helper/plugin.lua:5: segment 'helper' returned a table; return a label (a string) or nil")
    }

    /// The function called again to find the `return` must give the refused result again
    /// to be named (else the segment's line is), and a limit that stops it then names the
    /// plugin's line, never the host's own code.
    @Test func aRerunThatDiffersOrLoopsIsReportedAtThePluginsLines() async throws {
        let store = try await stores.demo(customers: 20)
        for (name, second) in [("differs", "return 'a'"), ("loops", "while true do end")] {
            try folder.plugin(name, ["plugin.lua": """
                local cordial = require "cordial"
                local plugin = cordial.plugin { name = "\(name)", version = "1.0.0", api = 1 }
                local calls = 0
                plugin:segment("\(name)", { labels = { "a" } }, function(c)
                  calls = calls + 1
                  if calls == 1 then return "zzz" end
                  \(second)
                end)
                return plugin
                """])
        }
        var runner = runner(store, roots: [folder.root], at: "2025-01-01")
        runner.limits = LuaLimits(memoryBytes: 16 << 20, timeSeconds: 1)
        var failures: [String: PluginError] = [:]
        for result in try await runner.run() {
            if case .failed(let segment, _, let error) = result { failures[segment] = error }
        }
        #expect(failures["differs"]?.description == "differs/plugin.lua:4: segment 'differs' returned 'zzz', which is not one of its labels")
        #expect(failures["loops"]?.description == "loops/plugin.lua:7: time limit of 1 s exceeded", "\(String(describing: failures["loops"]))")
    }

    /// A label is 1 to 64 bytes of UTF-8 text without control characters: a 4 MB string, 200 KB
    /// of combining accents, a control character or bytes that are not UTF-8 fail the segment
    /// at the customer that returned it, and nothing of it is written.
    @Test func labelsAreBoundedInBytesAndText() async throws {
        let store = try await stores.demo(customers: 20)
        try folder.segmentPlugin("huge", body: "return c.id == 4 and string.rep('x', 4 * 1024 * 1024) or 'ok'")
        try folder.segmentPlugin("accents", body: "return c.id == 6 and ('a' .. string.rep('\\u{301}', 100000)) or 'ok'")
        try folder.segmentPlugin("bell", body: "return c.id == 7 and 'ring\\a' or 'ok'")
        try folder.segmentPlugin("bytes", body: "return c.id == 8 and '\\xff\\xfe' or 'ok'")
        try folder.segmentPlugin("fine", body: "return string.rep('\\u{1EA1}', 21)")
        let results = try await runner(store, roots: [folder.root], at: "2025-01-01").run()
        var messages: [String: String] = [:]
        for result in results {
            if case .failed(let segment, let customer, let error) = result { messages[segment] = "\(customer.map(\.description) ?? "-"): \(error.description)" }
        }
        #expect(messages["huge"]?.hasPrefix("4: ") == true)
        #expect(messages["huge"]?.contains("returned a label of 4194304 bytes; labels have 1 to 64 bytes") == true, "\(messages)")
        #expect(messages["accents"]?.hasPrefix("6: ") == true)
        #expect(messages["accents"]?.contains("returned a label of 200001 bytes") == true, "\(messages)")
        #expect(messages["bell"]?.hasPrefix("7: ") == true)
        #expect(messages["bell"]?.contains("a label with a control character") == true, "\(messages)")
        #expect(messages["bytes"]?.hasPrefix("8: ") == true)
        #expect(messages["bytes"]?.contains("a label that is not valid UTF-8") == true, "\(messages)")
        #expect(messages["fine"] == nil, "63 bytes of Vietnamese letters are a label: \(messages)")
        #expect(try await store.customers(CustomerQuery(limit: 100, segment: "fine")).count == 20)
        for segment in ["huge", "accents", "bell", "bytes"] {
            let members = try await store.customers(CustomerQuery(limit: 100, segment: segment))
            #expect(members.isEmpty, "\(segment) wrote members")
        }
    }

    /// The scan reads purchase totals on a second connection: they must be each customer's own.
    @Test func theFactsScanAgreesWithEachCustomersPurchaseSummary() async throws {
        let store = try await stores.demo(customers: 600)
        var facts: [CustomerFacts] = []
        for try await batch in store.scanCustomerFacts(batchSize: 64, values: false) {
            #expect(batch.count <= 64)
            facts += batch
        }
        #expect(facts.map(\.id.rawValue) == Array(1...600))
        for fact in facts where fact.id.rawValue % 7 == 0 {
            let summary = try await store.purchaseSummary(of: fact.id)
            #expect(fact.purchases.count == summary.count)
            #expect(abs(fact.purchases.total - NSDecimalNumber(decimal: summary.total).doubleValue) < 0.01)
            #expect(fact.purchases.lastDay == summary.last.map(CalendarDays.day(of:)))
        }
        #expect(facts.contains { $0.purchases.count == 0 } && facts.contains { $0.purchases.count > 10 })
    }

    @Test func anUnknownSegmentIsNamed() async throws {
        let store = try await stores.demo(customers: 5)
        await #expect(throws: PluginError.self) { try await self.runner(store, roots: [PluginLoaderTests.shipped], at: "2025-01-01").run(["rfn"]) }
    }
}
