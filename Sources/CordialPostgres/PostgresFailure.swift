import Foundation
import PostgresNIO

/// A PostgreSQL error as Cordial shows it: one line naming the server and what went wrong,
/// never a bound value. postgres-nio's own errors carry the statement and its bindings
/// (customer names, e-mail addresses) for debugging; these are dropped here, and so is the
/// server's `DETAIL`, which quotes the offending row's values.
public struct PostgresFailure: Error, LocalizedError, Equatable {
    public var server: String
    /// The SQLSTATE code when the server answered (`23505` unique violation, …).
    public var sqlState: String?
    public var reason: String

    public var errorDescription: String? {
        "PostgreSQL at \(server): \(reason)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
    }

    init(server: String, sqlState: String? = nil, reason: String) {
        self.server = server
        self.sqlState = sqlState
        self.reason = reason
    }

    /// What `error`, thrown by postgres-nio, means, without personal data.
    init(_ error: PSQLError, server: String) {
        self.server = server
        if let info = error.serverInfo {
            sqlState = info[.sqlState]
            reason = Self.withoutQuotedValues(info[.message] ?? "the server refused a statement")
            return
        }
        sqlState = nil
        reason = switch error.code {
        case .connectionError: "cannot connect" + (error.underlying.map { ": \(Self.connectionReason($0))" } ?? "")
        case .serverClosedConnection, .uncleanShutdown: "the server closed the connection"
        case .clientClosedConnection, .poolClosed: "the connection was closed"
        case .sslUnsupported: "the server does not offer TLS, and sslmode=require asks for it"
        case .authMechanismRequiresPassword: "the server asks for a password: put it in the URL or $PGPASSWORD"
        case .unsupportedAuthMechanism: "the server asks for an authentication method this build cannot do"
        case .saslError: "authentication failed"
        case .queryCancelled: "the statement was cancelled"
        case .tooManyParameters: "a statement had too many parameters"
        default: "the connection failed (\(error.code))"
        }
    }

    private static func connectionReason(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.contains("connectionRefused") || text.contains("Connection refused") { return "connection refused" }
        if text.contains("connectTimeout") || text.contains("timed out") { return "timed out" }
        if text.contains("unresolved") || text.contains("resolve") || text.contains("NXDOMAIN") { return "unknown host" }
        return "unreachable"
    }

    /// A server message with its quoted parts (`invalid input syntax for type numeric:
    /// "12,5"`) replaced by `…`: they may quote a customer's data.
    static func withoutQuotedValues(_ message: String) -> String {
        var out = ""
        var inQuote = false
        for character in message {
            if character == "\"" {
                if !inQuote { out += "…" }
                inQuote.toggle()
            } else if !inQuote {
                out.append(character)
            }
        }
        return out
    }
}
