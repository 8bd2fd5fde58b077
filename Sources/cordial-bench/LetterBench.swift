import ArgumentParser
import Cordial
import CordialCore
import Foundation

/// `cordial-bench letters`: a typical letter (about 1 KB, ten values) rendered for 100,000
/// customers through the engine as `cordial outbox deliver` renders it — the template for the
/// customer's language, the context with names, dates and money, the strict render (a missing value refused),
/// the engine (`MustacheEngine`) — against Python's `chevron` rendering the same template from the same values
/// (the contexts built here, handed over ready: chevron does less), in one run. The first
/// letters of both must be equal.
struct LetterBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "letters", abstract: "Render a 1 KB letter with ten values for 100,000 customers, against Python's chevron.")

    @Option(help: "How many letters.")
    var letters = 100_000

    @Option(help: "A Python with chevron installed (make bench makes .build/chevron-venv).")
    var python = ".build/chevron-venv/bin/python"

    @Flag(help: "Render cordial's letters only (for a profiler): no chevron, no comparison.")
    var cordialOnly = false

    /// About 1 KB of English with ten values.
    static let body = """
        Dear {{customer.formal_name}},

        Thank you for being with {{organisation.name}} since we first met. As the year turns, we would like to tell you how much your custom has meant to us, and to wish you and your family health and happiness.

        Your next visit to our {{customer.city}} store is a good moment to see what is new: our staff will be glad to help you find something you love, and to answer any question you may have about the products you already own.

        To say thank you, we have prepared a small gift for you: {{gift.name}}, worth {{gift.cost}}. It is waiting for you at the counter until {{campaign.date}}; please mention this letter when you come in.

        If you would rather we sent it to you, reply to this message or call us, and tell us the address you prefer. We will take care of the rest.

        We look forward to seeing you, {{customer.short_name}}, and thank you again for your trust.

        With our warmest regards,
        {{sender.name}}
        Customer Care, {{organisation.name}}
        {{sender.email}}
        """

    static let chevronScript = """
        import json, sys, time
        import chevron
        template = open(sys.argv[1], encoding="utf-8").read()
        contexts = [json.loads(line) for line in open(sys.argv[2], encoding="utf-8")]
        start = time.perf_counter()
        out = [chevron.render(template, context) for context in contexts]
        seconds = time.perf_counter() - start
        with open(sys.argv[3], "w", encoding="utf-8") as sample:
            json.dump(out[:100], sample, ensure_ascii=False)
        print("%.6f" % seconds)
        """

    func run() throws {
        guard letters > 0 else { throw ValidationError("--letters must be positive") }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-bench-letters-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: work) }
        let plugin = work.appendingPathComponent("plugins/bench-letters")
        try FileManager.default.createDirectory(at: plugin.appendingPathComponent("letters"), withIntermediateDirectories: true)
        try """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "bench-letters", version = "1.0.0", api = 1 }
            plugin:letters { sender = "Sen Vang Care <care@senvang.example>", organisation = "Sen Vang", default_locale = "en" }
            return plugin
            """.write(to: plugin.appendingPathComponent("plugin.lua"), atomically: true, encoding: .utf8)
        try ("---\nsubject: Thank you, {{customer.short_name}}\n---\n" + Self.body)
            .write(to: plugin.appendingPathComponent("letters/thanks.en.mustache"), atomically: true, encoding: .utf8)
        let loaded = try PluginLoader(chunkNameRoot: work).load(directory: plugin)
        let desk = LetterDesk(plugins: [loaded])
        let renderer = try desk.renderer(for: loaded)

        // The customers and their letters' subjects, built before the clock starts.
        let cities = ["Hanoi", "Hue", "Da Nang", "Saigon", "Can Tho", "Hai Phong"]
        let given = ["Emily", "John", "Grace", "Oliver", "Sophie", "Henry", "Lucy", "Thomas"]
        let family = ["Carter", "Smith", "Nguyen", "Wilson", "Tran", "Brown", "Le", "Taylor"]
        let customers = (0..<letters).map { index in
            Customer(
                id: CustomerID(Int64(index + 1)), source: "bench", externalID: "B-\(index)",
                name: PersonName(given: given[index % given.count], family: family[(index / 8) % family.count]),
                honorific: index % 2 == 0 ? "Ms" : "Mr", emails: ["c\(index)@example.com"],
                address: Address(city: cities[index % cities.count]), locale: "en")
        }
        let gift = GiftItem(catalog: "thanks", code: "tea", name: "a box of lotus tea", cost: Money(450_000, "VND"), stock: 1)
        let day = CalendarDays.day(of: "2025-02-15")!
        let occasion = LetterOccasion(campaign: "thanks", occasion: "thanks:2025", actionDay: day + 30, gift: gift)

        var rendered: [String] = []
        rendered.reserveCapacity(letters)
        let cordial = try BenchClock.seconds {
            for customer in customers {
                rendered.append(try renderer.render("thanks", customer: customer, occasion: occasion, letterDay: day).text)
            }
        }

        if cordialOnly {
            print(String(format: "cordial: %d letters in %.2f s", letters, cordial))
            return
        }

        // The same values, ready, for chevron.
        var lines = ""
        for customer in customers {
            let context = LetterContext.make(
                customer: customer, locale: "en", occasion: occasion, sender: EmailAddress("Sen Vang Care <care@senvang.example>"),
                organisation: "Sen Vang", letterDay: day)
            lines += String(decoding: try JSONSerialization.data(withJSONObject: context, options: [.sortedKeys]), as: UTF8.self) + "\n"
        }
        let template = work.appendingPathComponent("thanks.mustache"), data = work.appendingPathComponent("contexts.jsonl")
        let script = work.appendingPathComponent("chevron_bench.py"), sample = work.appendingPathComponent("sample.json")
        try Self.body.write(to: template, atomically: true, encoding: .utf8)
        try lines.write(to: data, atomically: true, encoding: .utf8)
        try Self.chevronScript.write(to: script, atomically: true, encoding: .utf8)
        let output = try BenchClock.runTool(python, [script.path, template.path, data.path, sample.path], keepingOutput: true)
        guard let chevron = Double(output.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw BenchFailure("chevron printed \(output.prefix(100))") }
        let theirs = try JSONDecoder().decode([String].self, from: Data(contentsOf: sample))
        guard theirs == Array(rendered.prefix(theirs.count)) else {
            throw BenchFailure("chevron's letters differ from cordial's: \(theirs.first?.prefix(120) ?? "") | \(rendered.first?.prefix(120) ?? "")")
        }
        let size = rendered.first?.utf8.count ?? 0
        print("cordial-bench letters — \(letters) letters of \(size) bytes with 10 values (the first \(theirs.count) equal to chevron's)")
        print("")
        print("| renderer | time | letters per second | vs chevron |")
        print("|---|---|---|---|")
        print(String(format: "| Python chevron 0.14 (values ready, no check) | %.2f s | %.0f | 1.00× |", chevron, Double(letters) / chevron))
        let ratio = chevron / cordial
        print(String(format: "| cordial (context, strict render refusing blanks, MustacheEngine) | %.2f s | %.0f | **%.2f× %@** |",
                     cordial, Double(letters) / cordial, ratio, ratio >= 1 ? "faster" : "as fast: slower"))
    }
}
