import Foundation

/// Writes a command's output file. A regular file (or a new one) is written beside and moved
/// into place, so no one ever reads half of it; a symbolic link has its target written so
/// (the link stays a link); a device such as /dev/null or a named pipe is opened and written
/// where it is (never following a link), because moving a file into its place would replace
/// it — as root, even /dev/null.
enum OutputFile {
    static func write(_ text: String, to path: String, links: Int = 0) throws {
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        switch type {
        case .typeSymbolicLink?:
            guard links < 8 else { throw CommandFailure("\(path): too many symbolic links") }
            let target = try FileManager.default.destinationOfSymbolicLink(atPath: path)
            let resolved = target.hasPrefix("/") ? target : ((path as NSString).deletingLastPathComponent as NSString).appendingPathComponent(target)
            try write(text, to: resolved, links: links + 1)
        case .typeCharacterSpecial?, .typeBlockSpecial?, .typeSocket?, .typeUnknown?, .typeDirectory?:
            try writeInPlace(text, to: path)
        default:
            // A regular file, a new one, or a named pipe (FileAttributeType has no case for
            // it: Foundation calls it unknown on some platforms, regular-less on others).
            var status = stat()
            if lstat(path, &status) == 0, (status.st_mode & S_IFMT) == S_IFIFO { return try writeInPlace(text, to: path) }
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure("\(path): cannot be written (\(Self.reason(error)))")
            }
        }
    }

    private static func writeInPlace(_ text: String, to path: String) throws {
        let descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW)
        guard descriptor >= 0 else { throw CommandFailure("\(path): cannot be written (\(String(cString: strerror(errno))))") }
        let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        defer { try? handle.close() }
        do {
            try handle.write(contentsOf: Data(text.utf8))
        } catch {
            throw CommandFailure("\(path): cannot be written (\(Self.reason(error)))")
        }
    }

    private static func reason(_ error: any Error) -> String {
        let underlying = (error as NSError).userInfo[NSUnderlyingErrorKey] as? NSError
        if let code = underlying?.code, underlying?.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(code))) }
        return (error as NSError).localizedDescription
    }
}
