import Cordial
import CordialCore
import Foundation
import Testing

/// `.eml` messages read back by a real parser (Python's `email` package): the headers decode
/// to what was rendered, the parts to the text and its HTML, and no value adds a header.
@Suite struct EmailMessageTests {
    /// Parses `message` with Python's email package (policy.default: RFC 2047 decoding) and
    /// returns its headers and parts as JSON.
    static func parse(_ message: String) throws -> [String: Any] {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-\(UUID().uuidString).eml")
        try message.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import email, json, sys
            from email import policy
            m = email.message_from_binary_file(open(sys.argv[1], 'rb'), policy=policy.default)
            parts = {p.get_content_type(): p.get_content() for p in m.iter_parts()}
            print(json.dumps({'subject': str(m['subject']), 'from': str(m['from']), 'to': str(m['to']),
                              'message_id': str(m['message-id']), 'keys': list(m.keys()), 'type': m.get_content_type(),
                              'defects': [str(d) for d in m.defects], 'parts': parts}))
            """
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", script, file.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "python3 could not parse the message")
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func letter(subject: String, text: String) -> RenderedLetter {
        RenderedLetter(template: "t", locale: "vi", file: "p/letters/t.vi.mustache", channel: .email, sender: nil, subject: subject, text: text)
    }

    @Test func aVietnameseLetterDecodesToWhatWasRendered() throws {
        let letter = Self.letter(
            subject: "Chúc mừng sinh nhật Chị Lan — quà tặng từ Sen Vàng, kính chúc an khang thịnh vượng",
            text: "Kính gửi Chị Nguyễn Thị Lan,\n\nMột món quà nhỏ — Trà sen — đã được gửi tới Chị.\n\nTrân trọng,\nSen Vàng")
        let from = try #require(EmailAddress("Sen Vàng - Chăm sóc khách hàng <cskh@senvang.example>"))
        let to = try #require(EmailAddress(name: "Nguyễn Thị Lan", address: "lan@example.com"))
        let message = EmailMessage.make(letter, from: from, to: to, actionKey: "birthday/2025/7/letter", date: Date(timeIntervalSince1970: 1_739_606_400))
        #expect(message.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 78 }, "every line within 78 octets")
        #expect(message.unicodeScalars.allSatisfy { $0.isASCII }, "the message itself is ASCII: headers encoded, bodies base64")
        let parsed = try Self.parse(message)
        #expect(parsed["subject"] as? String == letter.subject)
        #expect(parsed["from"] as? String == "Sen Vàng - Chăm sóc khách hàng <cskh@senvang.example>")
        #expect(parsed["to"] as? String == "Nguyễn Thị Lan <lan@example.com>")
        #expect(parsed["type"] as? String == "multipart/alternative")
        #expect((parsed["defects"] as? [String])?.isEmpty == true)
        let parts = try #require(parsed["parts"] as? [String: String])
        #expect(parts["text/plain"] == letter.text.replacingOccurrences(of: "\n", with: "\r\n") || parts["text/plain"] == letter.text)
        #expect(parts["text/html"]?.contains("<p>Kính gửi Chị Nguyễn Thị Lan,</p>") == true)
        // The same action is the same message: its Message-ID comes from the key.
        let again = EmailMessage.make(letter, from: from, to: to, actionKey: "birthday/2025/7/letter", date: Date())
        let id = try #require(parsed["message_id"] as? String)
        #expect(again.contains("Message-ID: \(id)\r\n") && id.hasSuffix("@senvang.example>"))
        #expect(!EmailMessage.make(letter, from: from, to: to, actionKey: "birthday/2026/7/letter", date: Date()).contains(id))
    }

    @Test func headerInjectionInNamesAndSubjectsStaysInsideTheirHeaders() throws {
        let letter = Self.letter(subject: "Hello\r\nBcc: victim@example.com", text: "x")
        let from = try #require(EmailAddress("Care <care@example.com>"))
        let to = try #require(EmailAddress(name: "Evil\r\nBcc: all@example.com \"quoted\" <x>", address: "evil@example.com"))
        #expect(EmailAddress(name: "x", address: "evil@example.com\r\nBcc: x@example.com") == nil, "an address is checked wherever it comes from")
        #expect(EmailAddress("Name\r\nBcc: x@example.com <a@example.com>") == nil, "a sender with a line break is refused")
        #expect(EmailAddress("a@example.com\r\nBcc: x@example.com") == nil)
        let parsed = try Self.parse(EmailMessage.make(letter, from: from, to: to, actionKey: "k", date: Date()))
        let keys = try #require(parsed["keys"] as? [String])
        #expect(!keys.contains { $0.lowercased() == "bcc" }, "\(keys)")
        #expect(Set(keys) == ["Date", "From", "To", "Message-ID", "Subject", "MIME-Version", "Content-Type"])
        #expect(parsed["to"] as? String == "\"Evil Bcc: all@example.com \\\"quoted\\\" <x>\" <evil@example.com>")
        #expect((parsed["subject"] as? String)?.contains("Bcc: victim@example.com") == true, "the text stays, as the subject's")
    }

    @Test func chineseAndLongSubjectsAreEncodedBetweenCharacters() throws {
        let subject = String(repeating: "祝王先生生日快乐，", count: 12)
        let parsed = try Self.parse(EmailMessage.make(
            Self.letter(subject: subject, text: "尊敬的王先生："), from: try #require(EmailAddress("care@example.com")),
            to: try #require(EmailAddress(name: "王伟", address: "wang@example.com")), actionKey: "k", date: Date()))
        #expect(parsed["subject"] as? String == subject)
        #expect(parsed["to"] as? String == "王伟 <wang@example.com>")
        // A character of many combining marks, and a word longer than a line: still within the limits.
        let zalgo = "Z" + String(repeating: "\u{0301}\u{0317}", count: 40) + " " + String(repeating: "x", count: 300)
        let message = EmailMessage.make(
            Self.letter(subject: zalgo, text: "x"), from: try #require(EmailAddress("care@example.com")),
            to: try #require(EmailAddress(name: zalgo, address: "z@example.com")), actionKey: "k", date: Date())
        #expect(message.split(separator: "\r\n", omittingEmptySubsequences: false).allSatisfy { $0.utf8.count <= 78 })
        #expect(try Self.parse(message)["subject"] as? String == zalgo)
        #expect((parsed["parts"] as? [String: String])?["text/plain"]?.hasPrefix("尊敬的王先生：") == true)
    }
}
