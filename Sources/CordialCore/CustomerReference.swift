/// How people and scripts name a customer: a store id (`42`) or a source and the id in that
/// source (`crm:C-1042`, `cdnow:00042`). One parser for the command line, the Lua API and,
/// later, the HTTP API.
public enum CustomerReference: Sendable, Hashable, CustomStringConvertible {
    case id(CustomerID)
    case external(source: String, externalID: String)

    /// Parses `42` or `SOURCE:EXTERNAL_ID` (the external id may itself hold colons); nil for
    /// anything else (empty, no colon, an empty source or external id).
    public init?(_ text: String) {
        if let number = Int64(text) {
            guard number > 0 else { return nil }
            self = .id(CustomerID(number))
            return
        }
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let source = String(text[..<colon]), externalID = String(text[text.index(after: colon)...])
        guard !source.isEmpty, !externalID.isEmpty else { return nil }
        self = .external(source: source, externalID: externalID)
    }

    /// What a refusal of `text` says: "'x' is neither a store id nor SOURCE:EXTERNAL_ID".
    public static func invalid(_ text: String) -> String {
        "'\(text)' is neither a store id nor SOURCE:EXTERNAL_ID"
    }

    public var description: String {
        switch self {
        case .id(let id): "\(id)"
        case .external(let source, let externalID): "\(source):\(externalID)"
        }
    }
}
