import Foundation

/// Where a store is, as people write it: a file path (`cordial.sqlite`, `/srv/crm.sqlite`), a
/// `file:` or `sqlite:` URL, or `postgres://USER@HOST:PORT/DB`. Parsing is neutral; the
/// engine's `StoreLocation.open` (in `Cordial`) picks the backend.
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    /// A SQLite file.
    case sqlite(path: String)
    /// A PostgreSQL database (`postgres://` or `postgresql://`).
    case postgres(url: String)

    /// `$CORDIAL_DB`, else `./cordial.sqlite` (DESIGN.md's command-line contract).
    public static var fromEnvironment: String {
        ProcessInfo.processInfo.environment["CORDIAL_DB"].flatMap { $0.isEmpty ? nil : $0 } ?? "cordial.sqlite"
    }

    /// Parses a location; ``StoreError/unsupportedLocation(_:)`` for a URL of another scheme
    /// (`mysql://…`) or an empty text.
    public init(_ text: String) throws {
        let lowered = text.lowercased()
        if lowered.hasPrefix("postgres://") || lowered.hasPrefix("postgresql://") {
            self = .postgres(url: text)
        } else if lowered.hasPrefix("sqlite:") || lowered.hasPrefix("file:") {
            // sqlite:relative/path, sqlite:///absolute/path, file:///absolute/path
            var rest = String(text[text.index(after: text.firstIndex(of: ":")!)...])
            if rest.hasPrefix("//") {
                rest.removeFirst(2)
                // An authority other than empty or localhost names another machine.
                let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
                let authority = rest[..<authorityEnd]
                guard authority.isEmpty || authority == "localhost" else { throw StoreError.unsupportedLocation(text) }
                rest = String(rest[authorityEnd...])
            }
            guard !rest.isEmpty else { throw StoreError.unsupportedLocation(text) }
            self = .sqlite(path: rest.removingPercentEncoding ?? rest)
        } else if let scheme = text.range(of: "://"), !text[..<scheme.lowerBound].contains("/") {
            throw StoreError.unsupportedLocation(text)
        } else {
            guard !text.isEmpty else { throw StoreError.unsupportedLocation(text) }
            self = .sqlite(path: text)
        }
    }

    /// The location as shown to people: a URL without its user and password.
    public var description: String {
        switch self {
        case .sqlite(let path): path
        case .postgres(let url): Self.withoutCredentials(url)
        }
    }

    /// `scheme://user:secret@host/…` as `scheme://…@host/…`: what messages and logs show of
    /// a location, so they never carry a password.
    public static func withoutCredentials(_ location: String) -> String {
        guard let scheme = location.range(of: "://"), let at = location[scheme.upperBound...].firstIndex(of: "@") else {
            return location
        }
        return String(location[..<scheme.upperBound]) + "…" + String(location[at...])
    }
}
