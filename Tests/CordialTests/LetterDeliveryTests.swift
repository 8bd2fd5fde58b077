import Foundation
import Testing

/// Letters handed to a real SMTP server on loopback (aiosmtpd, scripts/test-smtp-server.py):
/// what arrives, decoded, is what was rendered; a 4xx then a 250 delivers the letter once; a
/// process killed between handing a letter over and recording it leaves the letter
/// uncertain, never sent again until a person says so.
@Suite final class LetterDeliveryTests {
    let stores = TemporaryStores()
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-delivery-\(UUID().uuidString)")
        let letters = folder.appendingPathComponent("plugins/notes/letters")
        try FileManager.default.createDirectory(at: letters, withIntermediateDirectories: true)
        try """
            local cordial = require "cordial"
            local plugin = cordial.plugin { name = "notes", version = "1.0.0", api = 1 }
            plugin:letters { sender = "Sen Vàng <cskh@senvang.example>", organisation = "Sen Vàng", default_locale = "en" }
            return plugin
            """.write(to: folder.appendingPathComponent("plugins/notes/plugin.lua"), atomically: true, encoding: .utf8)
        try "---\nsubject: Cảm ơn {{customer.short_name}}\n---\nKính gửi {{customer.formal_name}},\n\nCảm ơn {{customer.honorific}} đã mua hàng.\n\nSen Vàng"
            .write(to: letters.appendingPathComponent("thanks.vi.mustache"), atomically: true, encoding: .utf8)
        try "---\nsubject: Thank you, {{customer.short_name}}\n---\nDear {{customer.formal_name}},\n\nThank you.\n\nSen Vàng"
            .write(to: letters.appendingPathComponent("thanks.en.mustache"), atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    var plugins: String { folder.appendingPathComponent("plugins").path }

    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome {
        let outcome = try RunCommandTests.cordial(arguments)
        #expect(outcome.status == 0, "cordial \(arguments.prefix(3).joined(separator: " ")): \(outcome.standardError)")
        return outcome
    }

    /// A store whose outbox holds a thank-you letter for each of three customers (one with a
    /// hostile name), applied from a campaign script.
    func organisation() throws -> String {
        let db = stores.path()
        _ = try cordial("init", "--db", db)
        let customers = folder.appendingPathComponent("c.csv")
        try """
            external_id,first_name,family_name,honorific,email,locale
            C-1,Văn An,Nguyễn,Ông,an@example.com,vi
            C-2,John,Smith,Mr,john@example.com,en
            C-3,"<b>Eve</b>\r\nBcc: all@example.com",Evans,Ms,eve@example.com,en
            """.write(to: customers, atomically: true, encoding: .utf8)
        _ = try cordial("import", "customers", customers.path, "--source", "crm", "--db", db)
        let script = folder.appendingPathComponent("thanks.lua")
        try """
            local cordial = require "cordial"
            local run = cordial.campaign { name = "thanks" }
            for id = 1, 3 do run:letter { customer = id, occasion = "thanks:2025", date = "2025-02-10", template = "thanks" } end
            """.write(to: script, atomically: true, encoding: .utf8)
        _ = try cordial("run", "--db", db, "--plugins", plugins, script.path)
        _ = try cordial("campaigns", "apply", "1", "--db", db, "--plugins", plugins)
        _ = try cordial("staff", "add", "Lê Thu Hà", "--role", "care-lead", "--db", db)
        return db
    }

    /// An SMTP server on loopback saving what it accepts into `inbox`.
    final class SMTPServer {
        let process = Process()
        let port: Int
        let inbox: URL

        init(inbox: URL, _ options: [String] = []) throws {
            let python = try #require(
                ProcessInfo.processInfo.environment["CORDIAL_TEST_SMTP_PYTHON"],
                "CORDIAL_TEST_SMTP_PYTHON is not set: run `make test`, or `export CORDIAL_TEST_SMTP_PYTHON=$(scripts/test-smtp-python)`")
            self.inbox = inbox
            process.executableURL = URL(fileURLWithPath: python)
            process.arguments = [RunCommandTests.packageRoot.appendingPathComponent("scripts/test-smtp-server.py").path, inbox.path] + options
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            // Read with read(2): FileHandle.availableData waits for the end of a pipe on Linux.
            var line = Data()
            var buffer = [UInt8](repeating: 0, count: 256)
            while !line.contains(UInt8(ascii: "\n")) {
                let count = read(output.fileHandleForReading.fileDescriptor, &buffer, buffer.count)
                guard count > 0 else { break }
                line += buffer[0..<count]
            }
            let ready = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            port = try #require(ready.hasPrefix("READY ") ? Int(ready.dropFirst(6)) : nil, "the SMTP server did not start: \(ready)")
        }

        deinit { stop() }

        func stop() {
            if process.isRunning {
                // SIGKILL: a child of the test process inherits its blocked signals.
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
            }
        }

        /// The messages accepted, in order.
        var received: [URL] {
            ((try? FileManager.default.contentsOfDirectory(at: inbox, includingPropertiesForKeys: nil)) ?? [])
                .filter { $0.pathExtension == "eml" }.sorted { $0.lastPathComponent.count < $1.lastPathComponent.count || $0.lastPathComponent < $1.lastPathComponent }
        }
    }

    func deliver(_ db: String, _ server: SMTPServer, _ extra: [String] = []) throws -> RunCommandTests.Outcome {
        try RunCommandTests.cordial([
            "outbox", "deliver", "--db", db, "--plugins", plugins, "--smtp-host", "127.0.0.1", "--smtp-port", "\(server.port)",
            "--smtp-security", "none", "--folder", folder.appendingPathComponent("outbox").path, "--rate", "100",
        ] + extra)
    }

    @Test func whatArrivesIsWhatWasRenderedOnceEach() throws {
        let db = try organisation()
        let server = try SMTPServer(inbox: folder.appendingPathComponent("inbox"))
        let first = try deliver(db, server)
        #expect(first.status == 0 && first.standardOutput.contains("sent 3,"), "\(first.standardOutput) \(first.standardError)")
        #expect(server.received.count == 3)
        // Each message received is byte for byte the .eml written, and decodes to the letter as previewed.
        for id in 1...3 {
            let written = try Data(contentsOf: folder.appendingPathComponent("outbox/email/\(id).eml"))
            let arrived = try server.received.map { try Data(contentsOf: $0) }
            #expect(arrived.contains { $0 == written || $0 == written + Data("\r\n".utf8) }, "letter \(id) arrived as written")
        }
        let parsed = try EmailMessageTests.parse(String(decoding: try Data(contentsOf: folder.appendingPathComponent("outbox/email/1.eml")), as: UTF8.self))
        let preview = try cordial("letters", "preview", "thanks", "--customer", "1", "--db", db, "--plugins", plugins, "--json").standardOutput
        let shown = try #require(try JSONSerialization.jsonObject(with: Data(preview.utf8)) as? [String: Any])
        #expect(parsed["subject"] as? String == "Cảm ơn Ông An" && parsed["subject"] as? String == shown["subject"] as? String)
        #expect(parsed["to"] as? String == "Nguyễn Văn An <an@example.com>")
        let text = (parsed["parts"] as? [String: String])?["text/plain"]?.replacingOccurrences(of: "\r\n", with: "\n")
        #expect(text == shown["text"] as? String, "the text that arrived is the text rendered")
        // The hostile name stayed in its header; the envelope went to the customer only.
        let hostile = try EmailMessageTests.parse(String(decoding: try Data(contentsOf: folder.appendingPathComponent("outbox/email/3.eml")), as: UTF8.self))
        #expect(!(hostile["keys"] as? [String] ?? []).contains("Bcc"))
        let envelopes = try String(contentsOf: server.inbox.appendingPathComponent("envelopes.log"), encoding: .utf8)
        #expect(envelopes.split(separator: "\n").sorted() == [
            "cskh@senvang.example -> an@example.com", "cskh@senvang.example -> eve@example.com", "cskh@senvang.example -> john@example.com",
        ])
        // Delivering again sends nothing: each letter is sent.
        let again = try deliver(db, server)
        #expect(again.standardOutput.contains("sent 0,") && server.received.count == 3, "\(again.standardOutput)")
        let listed = try cordial("outbox", "list", "--db", db).standardOutput
        #expect(listed.hasPrefix("sent 3"), "\(listed)")
    }

    @Test func aServerAnswering4xxThen250GetsTheLetterOnce() throws {
        let db = try organisation()
        let server = try SMTPServer(inbox: folder.appendingPathComponent("inbox"), ["--fail-first", "1"])
        let outcome = try deliver(db, server, ["--retry-after", "0.3", "--wait", "10"])
        #expect(outcome.status == 0 && outcome.standardOutput.contains("sent 3,") && outcome.standardOutput.contains("to try again 0"),
                "\(outcome.standardOutput) \(outcome.standardError)")
        #expect(outcome.standardError.contains("letter 1: will try again at") && outcome.standardError.contains("451"), "\(outcome.standardError)")
        #expect(server.received.count == 3, "the refused attempt was not delivered; the retry was, once")
        let shown = try cordial("outbox", "show", "1", "--db", db, "--plugins", plugins).standardOutput
        #expect(shown.contains("status sent, 2 attempts") && shown.contains("attempt 1:") && shown.contains("retry 451"), "\(shown)")
        // Without --wait a refused letter waits for the next delivery, and gives up after --attempts.
        let db2 = try organisation()
        let refusing = try SMTPServer(inbox: folder.appendingPathComponent("inbox2"), ["--fail-first", "100"])
        let first = try deliver(db2, refusing, ["--attempts", "2", "--retry-after", "0.5"])
        #expect(first.standardOutput.contains("to try again 3"), "\(first.standardOutput)")
        Thread.sleep(forTimeInterval: 0.6)
        let second = try deliver(db2, refusing, ["--attempts", "2", "--retry-after", "0.5"])
        #expect(second.standardOutput.contains("failed 3"), "\(second.standardOutput)")
        #expect(refusing.received.isEmpty)
    }

    /// Synchronous on purpose: the kill must follow the server's receipt at once, and an
    /// async sleep may resume late when other tests hold the few cooperative threads (the
    /// process then timed out on its first letter and was killed on its second). The long
    /// `--timeout` keeps the process on the first letter however late the kill comes.
    @Test func aProcessKilledAfterHandingALetterOverLeavesItUncertainNeverResent() throws {
        let db = try organisation()
        let silent = try SMTPServer(inbox: folder.appendingPathComponent("silent"), ["--hang-after-data"])
        let running = try SharedSegmentRunTests.Running([
            "outbox", "deliver", "--db", db, "--plugins", plugins, "--smtp-host", "127.0.0.1", "--smtp-port", "\(silent.port)",
            "--smtp-security", "none", "--folder", folder.appendingPathComponent("outbox").path, "--lease", "1", "--timeout", "900",
        ])
        // The server has the first letter and has not answered: kill the process now.
        let deadline = Date() + 120
        while silent.received.isEmpty, Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        #expect(silent.received.count == 1)
        running.kill()
        silent.stop()
        Thread.sleep(forTimeInterval: 2.5)  // the lease (1 s) runs out

        let server = try SMTPServer(inbox: folder.appendingPathComponent("inbox"))
        let next = try deliver(db, server)
        #expect(next.standardOutput.contains("sent 2,") && next.standardOutput.contains("uncertain 1"), "\(next.standardOutput) \(next.standardError)")
        let uncertain = try cordial("outbox", "list", "--uncertain", "--db", db).standardOutput
        #expect(server.received.count == 2, "the uncertain letter was not sent again: \(next.standardOutput) \(next.standardError) \(uncertain)")
        #expect(uncertain.contains("uncertain 1") && uncertain.contains("may have been delivered"), "\(uncertain)")
        #expect(try deliver(db, server).standardOutput.contains("sent 0,") && server.received.count == 2, "never on its own")

        // A person decides it did not arrive: it is sent once more, once.
        let listed = try cordial("outbox", "list", "--uncertain", "--json", "--db", db).standardOutput
        let letters = try #require((try JSONSerialization.jsonObject(with: Data(listed.utf8)) as? [String: Any])?["letters"] as? [[String: Any]])
        let id = try #require(letters.count == 1 ? (letters[0]["id"] as? Int).map(String.init) : nil)
        _ = try cordial("outbox", "resolve", id, "--resend", "--by", "Lê Thu Hà", "--db", db)
        #expect(try deliver(db, server).standardOutput.contains("sent 1,") && server.received.count == 3)
        let refused = try RunCommandTests.cordial(["outbox", "resolve", id, "--sent", "--by", "Lê Thu Hà", "--db", db])
        #expect(refused.status == 1 && refused.standardError.contains("letter \(id) is sent, not uncertain"), "\(refused.standardError)")
    }
}
