/// A person's name in parts, shown the way the person's language shows it.
///
/// Vietnamese, Chinese, Japanese and Korean put the family name first; Chinese, Japanese
/// and Korean names written in their own script take no space between the parts.
/// ```swift
/// PersonName(given: "Văn An", family: "Nguyễn").display(locale: "vi")     // "Nguyễn Văn An"
/// PersonName(given: "伟", family: "王").display(locale: "zh")              // "王伟"
/// PersonName(given: "Emily", family: "Carter").formal(honorific: "Ms.", locale: "en")  // "Ms. Carter"
/// ```
public struct PersonName: Codable, Sendable, Hashable {
    public var given: String
    public var family: String

    public init(given: String, family: String) {
        self.given = given
        self.family = family
    }

    /// The full name in the order of `locale`'s language.
    public func display(locale: String) -> String {
        if family.isEmpty { return given }
        if given.isEmpty { return family }
        // A name written in Han, Kana or Hangul keeps its own order, family first, in any language.
        let (first, second) = Self.familyFirst(locale) || (Self.isCJK(family) && Self.isCJK(given)) ? (family, given) : (given, family)
        return Self.isCJK(first) && Self.isCJK(second) ? first + second : first + " " + second
    }

    /// How a letter addresses the person: "Ms. Carter", "王先生", "Chị Lan".
    ///
    /// English puts the honorific before the family name; Chinese, Japanese and Korean after
    /// it; Vietnamese addresses people by honorific and the last word of the given name.
    public func formal(honorific: String?, locale: String) -> String {
        guard let honorific, !honorific.isEmpty else { return display(locale: locale) }
        switch Self.language(locale) {
        case "vi":
            let calling = given.split(separator: " ").last.map(String.init) ?? family
            return "\(honorific) \(calling)"
        case "zh", "ja", "ko":
            return Self.isCJK(family) ? family + honorific : "\(family) \(honorific)"
        default:
            return family.isEmpty ? "\(honorific) \(given)" : "\(honorific) \(family)"
        }
    }

    /// How a letter's salutation names the person, in full and formally: "Ông Nguyễn Văn
    /// An", "王先生", "Mr Smith". Vietnamese letters give the honorific and the whole name;
    /// the others are ``formal(honorific:locale:)``. Without an honorific, the full name.
    public func addressed(honorific: String?, locale: String) -> String {
        guard let honorific, !honorific.isEmpty else { return display(locale: locale) }
        return Self.language(locale) == "vi" ? "\(honorific) \(display(locale: locale))" : formal(honorific: honorific, locale: locale)
    }

    static func language(_ locale: String) -> String {
        // ASCII first ("vi", "zh-Hant", "en_GB"): views call this for every customer of a run.
        let letters = locale.utf8.prefix { (UInt8(ascii: "a")...UInt8(ascii: "z")).contains($0 | 0x20) }
        if letters.endIndex == locale.utf8.endIndex || locale.utf8[letters.endIndex] < 0x80 {
            return String(decoding: letters.map { $0 | 0x20 }, as: UTF8.self)
        }
        return String(locale.lowercased().prefix { $0.isLetter })
    }

    static func familyFirst(_ locale: String) -> Bool {
        switch language(locale) {
        case "vi", "zh", "ja", "ko", "hu": true
        default: false
        }
    }

    /// True when every letter is a Han, Kana or Hangul character.
    static func isCJK(_ text: String) -> Bool {
        !text.isEmpty && text.unicodeScalars.allSatisfy { scalar in
            switch scalar.value {
            case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xAC00...0xD7AF, 0xF900...0xFAFF, 0x20000...0x2FA1F: true
            default: false
            }
        }
    }
}
