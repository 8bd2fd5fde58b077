import Foundation
import Testing

/// Every command's `--json` follows one convention (docs/json.md): JSON on standard output,
/// snake_case keys, times in ISO 8601 and days as ISO dates (never day numbers). Run over a
/// small demo organisation with a campaign, visits, letters and feedback, so that every shape
/// has something in it.
@Suite final class JSONConventionTests {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-json-\(UUID().uuidString)")

    init() throws {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    private func path(_ name: String) -> String { folder.appendingPathComponent(name).path }

    @discardableResult
    private func cordial(_ arguments: [String]) throws -> RunCommandTests.Outcome {
        let outcome = try RunCommandTests.cordial(arguments)
        #expect(outcome.status == 0, "\(arguments.joined(separator: " ")): \(outcome.standardError)")
        return outcome
    }

    /// Keys that break the convention, and day numbers, anywhere in `value`.
    private static func problems(in value: Any, at path: String = "") -> [String] {
        if let object = value as? [String: Any] {
            return object.sorted { $0.key < $1.key }.flatMap { key, inner -> [String] in
                var found: [String] = []
                if key.contains(where: \.isUppercase) { found.append("\(path).\(key): not snake_case") }
                if key.hasSuffix("_day") && !key.hasSuffix("per_day") {
                    let date = inner as? String
                    if date?.wholeMatch(of: /\d{4}-\d{2}-\d{2}/) == nil { found.append("\(path).\(key): \(inner) is not an ISO date") }
                }
                return found + problems(in: inner, at: "\(path).\(key)")
            }
        }
        if let array = value as? [Any] { return array.flatMap { problems(in: $0, at: path + "[]") } }
        return []
    }

    @Test func everyCommandsJSONIsSnakeCaseWithISODates() throws {
        let db = path("demo.sqlite")
        try cordial([
            "demo", "generate", "--customers", "60", "--seed", "42", "--output", path("c.csv"), "--purchases", path("p.csv"),
            "--feedback", path("f.csv"), "--staff", path("s.csv"),
        ])
        var commands: [(String, [String])] = []
        func json(_ name: String, _ arguments: [String]) { commands.append((name, arguments + ["--json"])) }
        json("init", ["init", "--db", db])
        json("import customers", ["import", "customers", path("c.csv"), "--source", "demo", "--db", db])
        json("import transactions", ["import", "transactions", path("p.csv"), "--source", "demo", "--currency", "VND", "--db", db])
        json("value fit", ["value", "fit", "--until", "2024-12-31", "--unit", "week", "--db", db])
        json("segments run", ["segments", "run", "--as-of", "2025-01-15", "--db", db])
        json("catalog import", ["catalog", "import", "examples/gift-catalog.csv", "--db", db])
        json("staff add", ["staff", "add", "Lê Thu Hà", "--role", "marketing-lead", "--db", db])
        json("staff import", ["staff", "import", path("s.csv"), "--db", db])
        json("campaigns plan", ["campaigns", "plan", "birthday-gifts", "--from", "2025-02-01", "--to", "2025-04-30", "--db", db])
        json("campaigns approve", ["campaigns", "approve", "1", "--by", "Lê Thu Hà", "--db", db])
        json("campaigns apply", ["campaigns", "apply", "1", "--db", db])
        json("visits plan", ["campaigns", "plan", "quarterly-visits", "--from", "2025-04-01", "--to", "2025-04-01", "--db", db])
        json("campaigns apply visits", ["campaigns", "apply", "2", "--db", db])
        json("feedback add", [
            "feedback", "add", "--customer", "demo:D0000001", "--channel", "phone", "--kind", "complaint", "--category", "baggage/delayed",
            "--text", "Hành lý đến trễ", "--language", "vi", "--by", "Lê Thu Hà", "--db", db,
        ])
        json("feedback update", ["feedback", "update", "FB-1", "--status", "acknowledged", "--note", "n", "--by", "Lê Thu Hà", "--db", db])
        json("import feedback", ["import", "feedback", path("f.csv"), "--source", "desk", "--customer-source", "demo", "--db", db])
        json("consent set", ["consent", "set", "demo:D0000002", "--channel", "email", "--refuse", "--db", db])
        for (name, arguments) in [
            ("customers list", ["customers", "list", "--limit", "3"]), ("customers show", ["customers", "show", "demo:D0000001"]),
            ("segments list", ["segments", "list"]), ("segments show", ["segments", "show", "lifecycle"]),
            ("segments history", ["segments", "history", "lifecycle"]), ("value show", ["value", "show", "demo:D0000001"]),
            ("value report", ["value", "report", "--top", "2"]), ("store check", ["store", "check"]),
            ("catalog list", ["catalog", "list"]), ("staff list", ["staff", "list"]), ("staff show", ["staff", "show", "S0001"]),
            ("campaigns list", ["campaigns", "list"]), ("campaigns show", ["campaigns", "show", "1"]),
            ("campaigns show visits", ["campaigns", "show", "2"]), ("campaigns status", ["campaigns", "status", "1"]),
            ("campaigns actions", ["campaigns", "actions", "1", "--limit", "3"]), ("campaigns report", ["campaigns", "report", "1"]),
            ("visits list", ["visits", "list", "--from", "2025-04-01", "--to", "2025-04-30"]), ("outbox list", ["outbox", "list", "--limit", "2"]),
            ("feedback list", ["feedback", "list", "--limit", "2"]), ("feedback show", ["feedback", "show", "FB-1"]),
            ("feedback report", ["feedback", "report", "--kind", "complaint"]),
            ("feedback breaches", ["feedback", "breaches", "--at", "2024-12-31T03:00:00Z", "--limit", "2"]),
            ("consent show", ["consent", "show", "demo:D0000001"]),
        ] {
            json(name, arguments + ["--db", db])
        }
        json("calendar holidays", ["calendar", "holidays", "2025"])
        json("plugins list", ["plugins", "list"])
        json("letters list", ["letters", "list"])

        for (name, arguments) in commands {
            let outcome = try cordial(arguments)
            guard let value = try? JSONSerialization.jsonObject(with: Data(outcome.standardOutput.utf8), options: [.fragmentsAllowed]) else {
                Issue.record("\(name): not JSON: \(outcome.standardOutput.prefix(200))")
                continue
            }
            #expect(Self.problems(in: value).isEmpty, "\(name): \(Self.problems(in: value).prefix(8))")
        }
        // Exports with --json are JSON Lines.
        for arguments in [["customers", "export"], ["consent", "export"]] {
            let outcome = try cordial(arguments + ["--db", db, "--json"])
            let lines = outcome.standardOutput.split(separator: "\n")
            #expect(!lines.isEmpty)
            for line in lines {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) is [String: Any], "\(arguments): \(line.prefix(120))")
            }
        }
    }
}

extension JSONDecoder {
    /// Reads the commands' JSON (docs/json.md) into the engine's Swift types: snake_case keys
    /// back to their property names (`customer_id` → `customerID`), ISO 8601 times.
    static var commandOutput: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        decoder.keyDecodingStrategy = .custom { path in
            let words = path.last!.stringValue.split(separator: "_")
            let name = words.enumerated().map { index, word in
                index == 0 ? String(word) : word == "id" ? "ID" : word.prefix(1).uppercased() + word.dropFirst()
            }.joined()
            return AnyKey(name)
        }
        return decoder
    }

    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ string: String) { stringValue = string }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }
}
