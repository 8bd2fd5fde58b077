import Foundation

/// Writes a command's output file. A regular file (or a new one) is written beside and moved
/// into place, so no one ever reads half of it; anything else — a device such as /dev/null, a
/// named pipe, a symbolic link — is opened and written where it is, because moving a file into
/// its place would replace it (as root, even /dev/null).
enum OutputFile {
    static func write(_ text: String, to path: String) throws {
        let type = (try? FileManager.default.attributesOfItem(atPath: path))?[.type] as? FileAttributeType
        guard let type, type != .typeRegular else {
            do {
                try text.write(toFile: path, atomically: true, encoding: .utf8)
            } catch {
                throw CommandFailure("\(path): cannot be written (\(Self.reason(error)))")
            }
            return
        }
        let descriptor = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC)
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
