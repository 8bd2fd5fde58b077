import Foundation

/// Writing to standard output and error without dying when the reader has gone
/// (`cordial run script.lua | head`): the text is dropped and the command goes on, so that
/// what it was doing in the store still finishes (Foundation's `write(_:)` traps instead).
enum StandardStreams {
    static func out(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    static func error(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}
