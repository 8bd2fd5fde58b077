import Foundation
import CordialCore

/// A letter rendered for one customer: its subject and text, and the HTML made from the text
/// (every character of it escaped: the HTML carries no markup a value could bring).
public struct RenderedLetter: Sendable {
    public let template: String
    /// The locale of the file used ("" for the file without one).
    public let locale: String
    public let file: String
    public let channel: ContactChannel
    public let sender: EmailAddress?
    /// One line: line breaks a value brought in are spaces here (no header can be added).
    public let subject: String?
    public let text: String

    public init(template: String, locale: String, file: String, channel: ContactChannel, sender: EmailAddress?, subject: String?, text: String) {
        self.template = template
        self.locale = locale
        self.file = file
        self.channel = channel
        self.sender = sender
        self.subject = subject
        self.text = text
    }

    /// Paragraphs (blank-line separated) as `<p>`, line breaks in them as `<br>`.
    public var html: String {
        let paragraphs = text.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
            .map { $0.trimmingCharacters(in: .newlines) }.filter { !$0.isEmpty }
        let body = paragraphs.map { "<p>" + $0.split(separator: "\n", omittingEmptySubsequences: false).map { Self.escape(String($0)) }.joined(separator: "<br>\n") + "</p>" }
        let language = locale.isEmpty ? "" : " lang=\"\(Self.escape(locale))\""
        return """
            <!DOCTYPE html>
            <html\(language)><head><meta charset="utf-8"><title>\(Self.escape(subject ?? ""))</title></head>
            <body>
            \(body.joined(separator: "\n"))
            </body></html>

            """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}
