import Foundation
import Testing

/// Commands that write files leave a device or a pipe what it is: `-o /dev/null` must not
/// replace /dev/null with a regular file (as root, that breaks the machine), and a FIFO gets
/// the data instead of being swapped for a file.
struct SpecialFileOutputTests {
    @Test func aPipeGetsTheDataAndStaysAPipe() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-fifo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("s.sqlite").path
        #expect(try RunCommandTests.cordial(["init", "--db", db]).status == 0)
        for (name, arguments) in [
            ("export", ["customers", "export", "--db", db, "-o"]),
            ("demo", ["demo", "generate", "--customers", "5", "--staff-count", "3", "-o", folder.appendingPathComponent("c.csv").path, "--staff"]),
            ("calendar", ["staff", "calendar", "S0001", "--from", "2025-04-01", "--db", db, "-o"]),
            ("consent", ["consent", "export", "--db", db, "-o"]),
        ] {
            if name == "calendar" {
                let staff = folder.appendingPathComponent("staff.csv").path
                _ = try RunCommandTests.cordial(["demo", "generate", "--customers", "5", "--staff-count", "3", "-o", folder.appendingPathComponent("c.csv").path, "--staff", staff])
                #expect(try RunCommandTests.cordial(["staff", "import", staff, "--db", db]).status == 0)
            }
            let fifo = folder.appendingPathComponent("\(name).fifo").path
            #expect(mkfifo(fifo, 0o600) == 0)
            // A reader on the other end, as a shell pipeline would have.
            let reader = Process()
            reader.executableURL = URL(fileURLWithPath: "/bin/cat")
            reader.arguments = [fifo]
            let output = Pipe()
            reader.standardOutput = output
            try reader.run()
            let outcome = try RunCommandTests.cordial(arguments + [fifo])
            let read = output.fileHandleForReading.readDataToEndOfFile()
            reader.waitUntilExit()
            #expect(outcome.status == 0, "\(name): \(outcome.standardError)")
            #expect(!read.isEmpty, "\(name): the pipe got the data")
            let type = try FileManager.default.attributesOfItem(atPath: fifo)[.type] as? FileAttributeType
            #expect(type != nil && type != .typeRegular, "\(name): still a pipe, not a file")
        }
    }

    /// A symbolic link is written through: the link stays, its target gets the calendar.
    @Test func aLinkIsWrittenThrough() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-link-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let db = folder.appendingPathComponent("s.sqlite").path, staff = folder.appendingPathComponent("staff.csv").path
        #expect(try RunCommandTests.cordial(["init", "--db", db]).status == 0)
        _ = try RunCommandTests.cordial(["demo", "generate", "--customers", "5", "--staff-count", "3", "-o", folder.appendingPathComponent("c.csv").path, "--staff", staff])
        #expect(try RunCommandTests.cordial(["staff", "import", staff, "--db", db]).status == 0)
        let target = folder.appendingPathComponent("real.ics").path, link = folder.appendingPathComponent("link.ics").path
        try "old".write(toFile: target, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: target)
        #expect(try RunCommandTests.cordial(["staff", "calendar", "S0001", "--db", db, "-o", link]).status == 0)
        #expect(try FileManager.default.attributesOfItem(atPath: link)[.type] as? FileAttributeType == .typeSymbolicLink)
        #expect(try String(contentsOfFile: target, encoding: .utf8).hasPrefix("BEGIN:VCALENDAR"))
    }
}
