import Foundation
/// A mailbox as letters name senders and recipients: "Name <local@domain>" or "local@domain".
/// Parsed strictly: a line break or an angle bracket where it does not belong is refused, so
/// that no value can add a header to a message.
public struct EmailAddress: Sendable, Hashable {
    public let name: String?
    public let address: String

    public init?(_ text: String) {
        let trimmed = Self.trimmed(text)
        if trimmed.hasSuffix(">"), let open = trimmed.lastIndex(of: "<") {
            let name = Self.trimmed(String(trimmed[..<open]))
            let address = String(trimmed[trimmed.index(after: open)..<trimmed.index(before: trimmed.endIndex)])
            guard Self.isValidAddress(address), !name.contains(where: { $0.isNewline || $0 == "<" || $0 == ">" || $0.asciiValue.map { $0 < 32 } == true })
            else { return nil }
            self.name = name.isEmpty ? nil : name
            self.address = address
        } else {
            guard Self.isValidAddress(trimmed) else { return nil }
            name = nil
            address = trimmed
        }
    }

    /// A mailbox for `address` under `name` (a customer's name, say): the name on one line;
    /// nil when the address is not one.
    public init?(name: String?, address: String) {
        guard Self.isValidAddress(address) else { return nil }
        let line = name.map(LetterRenderer.oneLine)
        self.name = line?.isEmpty == false ? line : nil
        self.address = address
    }

    /// `text` without the spaces and tabs around it (Foundation's trimming bridges to
    /// NSString on Linux, which costs more than rendering a letter).
    static func trimmed(_ text: String) -> String {
        let blank: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = text.firstIndex(where: { !blank($0) }), let last = text.lastIndex(where: { !blank($0) }) else { return "" }
        return String(text[first...last])
    }

    public static func isValidMailbox(_ text: String) -> Bool { EmailAddress(text) != nil }

    /// "Name <address>", or the address alone, as people read it (not header-encoded).
    public var text: String { name.map { "\($0) <\(address)>" } ?? address }

    /// One `@`, a non-empty local part and a dotted domain, printable ASCII without spaces,
    /// quotes, brackets or commas (internationalised addresses are not accepted).
    public static func isValidAddress(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].count <= 64, parts[1].contains(where: { $0 == "." }), text.count <= 254,
              !parts[1].hasPrefix("."), !parts[1].hasSuffix(".")
        else { return false }
        return text.unicodeScalars.allSatisfy { scalar in
            scalar.value > 32 && scalar.value < 127 && !"<>()[]\\,;:\"".unicodeScalars.contains(scalar)
        }
    }
}
