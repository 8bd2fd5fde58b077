import Crypto
import Foundation

/// A rendered letter as an RFC 5322 message: UTF-8, MIME multipart/alternative (the text and
/// its HTML, each base64), non-ASCII names and subjects as RFC 2047 encoded words, and a
/// Message-ID made from the action's idempotency key — the same letter is the same message,
/// however often it is written, so a receiving system can recognise a repeat.
public enum EmailMessage {
    /// The message's text, lines ended by CRLF.
    public static func make(_ letter: RenderedLetter, from: EmailAddress, to: EmailAddress, actionKey: String, date: Date) -> String {
        let id = messageID(forKey: actionKey, domain: domain(of: from))
        let boundary = "=_cordial_" + digest(actionKey + "/boundary").prefix(24)
        var headers = [
            "Date: " + rfc5322Date(date),
            header("From", mailbox(from)),
            header("To", mailbox(to)),
            "Message-ID: " + id,
        ]
        if let subject = letter.subject { headers.append(header("Subject", text(LetterRenderer.oneLine(subject)))) }
        headers += [
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative;\r\n boundary=\"\(boundary)\"",
        ]
        var lines = headers + [""]
        for (type, body) in [("text/plain", letter.text), ("text/html", letter.html)] {
            lines += [
                "--" + boundary,
                "Content-Type: \(type); charset=utf-8",
                "Content-Transfer-Encoding: base64",
                "",
            ]
            lines += base64Lines(body.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n"))
        }
        lines.append("--" + boundary + "--")
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// `<hex@domain>`: the first 32 hex digits of SHA-256 of the key.
    public static func messageID(forKey key: String, domain: String) -> String {
        "<\(digest(key).prefix(32))@\(domain)>"
    }

    static func domain(of address: EmailAddress) -> String {
        address.address.split(separator: "@").last.map(String.init) ?? "cordial.invalid"
    }

    static func digest(_ text: String) -> String {
        SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A header of `tokens` joined by spaces, folded before a token that would take its line
    /// past 78 characters (a token is never split: encoded words are short enough).
    static func header(_ name: String, _ tokens: [String]) -> String {
        var lines: [String] = []
        var line = name + ":"
        for token in tokens {
            if line.count + 1 + token.count > 78, line != name + ":" {
                lines.append(line)
                line = ""
            }
            line += " " + token
        }
        lines.append(line)
        return lines.joined(separator: "\r\n")
    }

    /// "Name <address>" as tokens, the name quoted or encoded as needed; the address alone without one.
    static func mailbox(_ mailbox: EmailAddress) -> [String] {
        guard let name = mailbox.name.map(LetterRenderer.oneLine), !name.isEmpty else { return [mailbox.address] }
        return phrase(name) + ["<\(mailbox.address)>"]
    }

    /// A display name: atoms as they are, other ASCII as a quoted string, anything else encoded.
    static func phrase(_ text: String) -> [String] {
        guard isShortPrintableASCII(text) else { return encodedWords(text) }
        let atoms = text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || ("0"..."9").contains($0) || " !#$%&'*+-/=?^_`{|}~".unicodeScalars.contains($0) }
        if atoms { return text.split(separator: " ").map(String.init) }
        return ["\"" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""]
    }

    /// Unstructured text (a subject): printable ASCII as its words; anything else, or text
    /// that would read as an encoded word, encoded.
    static func text(_ text: String) -> [String] {
        isShortPrintableASCII(text) ? text.split(separator: " ").map(String.init) : encodedWords(text)
    }

    /// Printable ASCII that does not read as an encoded word and has no word too long for a
    /// folded line; anything else is encoded.
    static func isShortPrintableASCII(_ text: String) -> Bool {
        !text.contains("=?") && text.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 32 && $0.value != 127 }
            && text.split(separator: " ").allSatisfy { $0.count <= 60 }
    }

    /// RFC 2047 "B" encoded words of at most 39 bytes of UTF-8 each (64 characters with their
    /// markers, so that one fits a folded line beside any header name), split between
    /// characters, never inside one. Readers join adjacent encoded words without the space.
    static func encodedWords(_ text: String) -> [String] {
        // Split between Unicode scalars: a character of many combining marks is longer than
        // a word may be, and each word still holds whole UTF-8 sequences.
        var words: [String] = []
        var chunk = String.UnicodeScalarView()
        var size = 0
        for scalar in text.unicodeScalars {
            let length = String(scalar).utf8.count
            if size + length > 39 {
                words.append(String(chunk))
                chunk = String.UnicodeScalarView()
                size = 0
            }
            chunk.append(scalar)
            size += length
        }
        if !chunk.isEmpty { words.append(String(chunk)) }
        return words.map { "=?UTF-8?B?" + Data($0.utf8).base64EncodedString() + "?=" }
    }

    static func base64Lines(_ text: String) -> [String] {
        let encoded = Data(text.utf8).base64EncodedString()
        return stride(from: 0, to: encoded.count, by: 76).map { start in
            let from = encoded.index(encoded.startIndex, offsetBy: start)
            return String(encoded[from..<(encoded.index(from, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex)])
        }
    }

    /// "Sat, 15 Feb 2025 09:00:00 +0000".
    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}
