import GRDB

/// What a command says when SQLite gave up waiting for the store's writer: another process
/// (a long segment run, an import, a campaign apply) held it past the busy timeout. GRDB's
/// own text ("SQLite error 5: database is locked - while executing `BEGIN IMMEDIATE
/// TRANSACTION`") names neither the cause nor what to do.
public enum SQLiteBusy {
    /// The busy timeout every store connection waits for the writer, in seconds.
    public static let timeoutSeconds = 60

    /// A one-line reason for `error` when it is SQLite's "busy"; nil for any other error.
    public static func reason(for error: any Error) -> String? {
        guard let error = error as? DatabaseError, error.resultCode == .SQLITE_BUSY else { return nil }
        return "the store is busy: another process has held its writer for over \(timeoutSeconds) s "
            + "(a segment run, an import or a campaign apply still going?); try again when it has finished"
    }
}
