import CordialSQLite
import Foundation
import GRDB
import Testing

/// A writer SQLite gave up waiting for (another process held the store's writer past the
/// busy timeout) is reported with its cause and what to do, on one line.
@Suite struct SQLiteBusyTests {
    @Test func aWriterHeldElsewhereIsReportedAsTheStoreBusy() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("busy-\(UUID().uuidString).sqlite").path
        defer { for suffix in ["", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        let holder = try DatabasePool(path: path)
        try holder.write { db in try db.execute(sql: "CREATE TABLE t (x)") }
        var impatient = Configuration()
        impatient.busyMode = .immediateError
        let other = try DatabasePool(path: path, configuration: impatient)

        var busy: (any Error)?
        try holder.writeWithoutTransaction { db in
            try db.execute(sql: "BEGIN IMMEDIATE")
            do { try other.write { db in try db.execute(sql: "INSERT INTO t VALUES (1)") } } catch { busy = error }
            try db.execute(sql: "ROLLBACK")
        }
        let busyError = try #require(busy)
        let reason = try #require(SQLiteBusy.reason(for: busyError))
        #expect(reason.hasPrefix("the store is busy: another process has held its writer"))
        #expect(!reason.contains("\n"))

        // Any other database error keeps its own text.
        var constraint: (any Error)?
        do { try other.write { db in try db.execute(sql: "CREATE TABLE t (x)") } } catch { constraint = error }
        let constraintError = try #require(constraint)
        #expect(SQLiteBusy.reason(for: constraintError) == nil)
    }
}
