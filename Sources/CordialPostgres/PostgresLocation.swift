import CordialStore
import Foundation

/// A `postgres://USER[:PASSWORD]@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=MODE]` location,
/// parsed. The password may also come from `$PGPASSWORD`, as for `psql`, so that it need
/// not be on a command line. `schema` keeps an organisation's tables in a schema of their
/// own (several organisations, or test runs, can share one database); `sslmode` is
/// `disable`, `prefer` (the default, as for libpq) or `require`.
public struct PostgresLocation: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var password: String?
    public var database: String
    public var schema: String?
    public enum TLSMode: String, Sendable, Hashable { case disable, prefer, require }
    public var tls: TLSMode
    /// What the server lists the sessions as (`pg_stat_activity.application_name`): "cordial",
    /// or another name an embedder gives to tell its processes apart.
    public var applicationName = "cordial"

    public init(
        host: String = "127.0.0.1", port: Int = 5432, user: String, password: String? = nil, database: String,
        schema: String? = nil, tls: TLSMode = .prefer
    ) {
        self.host = host
        self.port = port
        self.user = user
        self.password = password
        self.database = database
        self.schema = schema
        self.tls = tls
    }

    /// Parses `url`; ``StoreError/unsupportedLocation(_:)`` (which never shows the password)
    /// when a part is missing or malformed.
    public init(url: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
              scheme == "postgres" || scheme == "postgresql", let host = components.host, !host.isEmpty,
              let user = components.user, !user.isEmpty
        else { throw StoreError.unsupportedLocation(url) }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw StoreError.unsupportedLocation(url) }
        var schema: String?
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "schema":
                // A schema name goes into the search path: plain identifiers only.
                guard let name = item.value, Self.isPlainIdentifier(name) else { throw StoreError.unsupportedLocation(url) }
                schema = name
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else { throw StoreError.unsupportedLocation(url) }
                tls = mode
            default:
                throw StoreError.unsupportedLocation(url)
            }
        }
        self.init(
            host: host, port: components.port ?? 5432, user: components.user?.removingPercentEncoding ?? user,
            password: components.password?.removingPercentEncoding ?? environment["PGPASSWORD"],
            database: database.removingPercentEncoding ?? database, schema: schema, tls: tls)
    }

    /// Lower-case letters, digits and underscores, not starting with a digit, at most 63 bytes.
    public static func isPlainIdentifier(_ name: String) -> Bool {
        guard let first = name.utf8.first, !(UInt8(ascii: "0")...UInt8(ascii: "9")).contains(first), name.utf8.count <= 63 else {
            return false
        }
        return name.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || $0 == UInt8(ascii: "_") }
    }

    /// As messages show it: no password.
    public var description: String {
        "postgres://\(user)@\(host):\(port)/\(database)" + (schema.map { "?schema=\($0)" } ?? "")
    }
}
