import CordialCore
import Foundation

/// One letter template file: `letters/NAME.LOCALE.mustache` (or `letters/NAME.mustache`, for
/// any locale) with its front matter — subject, channel, sender — and its body.
/// ```
/// ---
/// subject: Chúc mừng sinh nhật {{customer.short_name}}
/// channel: email
/// sender: Chăm sóc khách hàng <care@example.vn>
/// ---
/// Kính gửi {{customer.formal_name}},
/// ```
public struct LetterTemplate: Sendable {
    public let name: String
    /// The locale of the file name ("vi", "zh-Hant"); nil for `NAME.mustache`.
    public let locale: String?
    /// `plugins/birthday-gifts/letters/birthday.vi.mustache`, as messages name it.
    public let displayPath: String
    public let channel: ContactChannel
    /// "Name <address>" when the front matter gives one; else the organisation's sender.
    public let sender: String?
    public let subject: LetterPart?
    public let body: LetterPart

    /// A part of a letter that is a template: its text, where it starts in the file, its
    /// outline (tags with lines) and the engine's compiled form for plain text.
    public struct LetterPart: Sendable {
        public let text: String
        /// The file it is in, as messages name it.
        public let file: String
        /// The file's line of the part's first line.
        public let firstLine: Int
        public let outline: MustacheOutline
        let engine: MustacheEngine

        init(_ text: String, firstLine: Int, file: String) throws(PluginError) {
            self.text = text
            self.file = file
            self.firstLine = firstLine
            do {
                outline = try MustacheOutline(text, firstLine: firstLine)
            } catch {
                throw PluginError(location: "\(file):\(error.line)", message: error.message)
            }
            do {
                engine = try MustacheEngine(text, firstLine: firstLine)
            } catch {
                throw PluginError(location: "\(file):\(firstLine)", message: "the template does not parse: \(error)")
            }
        }

        /// "plugins/x/letters/birthday.vi.mustache:7" for the file's line 7.
        func location(_ line: Int) -> String { "\(file):\(line)" }
    }

    public static let frontMatterKeys = ["subject", "channel", "sender"]

    /// Reads `text`, the file `displayPath` of template `name` in `locale`.
    public init(name: String, locale: String?, text: String, displayPath: String) throws(PluginError) {
        self.name = name
        self.locale = locale
        self.displayPath = displayPath
        let text = text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text  // a byte-order mark some editors write
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.hasSuffix("\r") ? String($0.dropLast()) : String($0) }
        var fields: [String: (value: String, line: Int)] = [:]
        var bodyLine = 1
        if lines.first == "---" {
            guard let end = lines.dropFirst().firstIndex(of: "---") else {
                throw PluginError(location: "\(displayPath):1", message: "the front matter opened by '---' is never closed by a line '---'")
            }
            for index in 1..<end {
                let line = lines[index]
                if line.trimmingCharacters(in: .whitespaces).isEmpty || line.hasPrefix("#") { continue }
                guard let colon = line.firstIndex(of: ":") else {
                    throw PluginError(location: "\(displayPath):\(index + 1)", message: "front matter lines are 'key: value'; got '\(line.prefix(60))'")
                }
                let key = line[..<colon].trimmingCharacters(in: .whitespaces)
                guard Self.frontMatterKeys.contains(key) else {
                    throw PluginError(location: "\(displayPath):\(index + 1)", message: "unknown front matter key '\(key.prefix(40))'; the keys are \(Self.frontMatterKeys.joined(separator: ", "))")
                }
                guard fields[key] == nil else { throw PluginError(location: "\(displayPath):\(index + 1)", message: "'\(key)' is given twice") }
                fields[key] = (line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces), index + 1)
            }
            lines.removeFirst(end + 1)
            bodyLine = end + 2
        }
        if let channel = fields["channel"] {
            let letterChannels = ContactChannel.allCases.filter { $0 != .visit }
            guard let parsed = ContactChannel(rawValue: channel.value), letterChannels.contains(parsed) else {
                throw PluginError(
                    location: "\(displayPath):\(channel.line)",
                    message: "channel '\(channel.value.prefix(40))' is not one of \(letterChannels.map(\.rawValue).joined(separator: ", "))")
            }
            self.channel = parsed
        } else {
            channel = .email
        }
        if let sender = fields["sender"] {
            guard EmailAddress.isValidMailbox(sender.value) else {
                throw PluginError(location: "\(displayPath):\(sender.line)", message: "sender must be 'Name <address@example.com>' or an address")
            }
        }
        sender = fields["sender"]?.value
        if let subject = fields["subject"], subject.value.isEmpty {
            throw PluginError(location: "\(displayPath):\(subject.line)", message: "the subject is empty")
        }
        subject = try fields["subject"].map { field throws(PluginError) in try LetterPart(field.value, firstLine: field.line, file: displayPath) }
        if channel == .email, subject == nil {
            throw PluginError(location: "\(displayPath):1", message: "an email letter needs a subject: front matter 'subject: …' between two '---' lines")
        }
        body = try LetterPart(lines.joined(separator: "\n"), firstLine: bodyLine, file: displayPath)
    }

    /// Splits `birthday.vi-VN.mustache` into ("birthday", "vi-VN"), `birthday.mustache` into
    /// ("birthday", nil); nil for a name that is neither.
    public static func parseFileName(_ file: String) -> (name: String, locale: String?)? {
        guard file.hasSuffix(".mustache") else { return nil }
        let parts = file.dropLast(".mustache".count).split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        switch parts.count {
        case 1 where PluginManifest.isValidName(parts[0]):
            return (parts[0], nil)
        case 2 where PluginManifest.isValidName(parts[0]) && isLocale(parts[1]):
            return (parts[0], parts[1])
        default:
            return nil
        }
    }

    /// "vi", "zh-Hant", "en-GB": a language of 2–3 letters and optional subtags.
    static func isLocale(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard let language = parts.first, (2...3).contains(language.count), language.allSatisfy({ $0.isASCII && $0.isLowercase }) else { return false }
        return parts.dropFirst().allSatisfy { (1...8).contains($0.count) && $0.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) } }
    }
}
