import Foundation

/// A chunk could not be loaded: a syntax error, a missing or unreadable file, a binary chunk.
///
/// Kept apart from ``LuaRunError``: nothing of the chunk ran.
/// ```
/// syntax error: examples/bad.lua:3: '=' expected near 'x'
/// ```
public struct LuaLoadError: Error, LocalizedError, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case syntax
        case missingFile
        case unreadableFile
        case invalidName
        /// Compiling ran past the time limit or the memory cap (a text too long to parse).
        case limit
    }

    public let kind: Kind
    /// Lua's message, which starts with `chunk:line:` for syntax errors.
    public let message: String
    /// `file:line` when known.
    public let location: String?

    public init(kind: Kind, message: String, location: String? = nil) {
        self.kind = kind
        self.message = message
        self.location = location ?? LuaRunError.leadingLocation(of: message)
    }

    public var description: String {
        switch kind {
        case .syntax: "syntax error: \(LuaRunError.reported(message))"
        case .missingFile, .unreadableFile, .invalidName: "cannot load: \(LuaRunError.reported(message))"
        case .limit: LuaRunError.reported(message)
        }
    }

    public var errorDescription: String? { description }
}

/// Lua code failed while running: an error it raised, a limit it crossed, or a bad result.
///
/// ```
/// examples/hello.lua:7: attempt to index a nil value (global 'x')
/// time limit of 0.5 s exceeded at examples/loop.lua:2
/// ```
public struct LuaRunError: Error, LocalizedError, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// An error raised by the code (or by a library function it called).
        case error
        /// The call ran past its wall-clock budget.
        case timeLimit
        /// The state grew past its memory cap.
        case memoryLimit
        /// Lua returned something the host could not convert (e.g. a string where it wanted an integer).
        case badResult
        /// The state was closed.
        case closed
    }

    public let kind: Kind
    /// The message, one line where Lua gives one line.
    public let message: String
    /// `file:line` of the first Lua frame involved, when known.
    public let location: String?
    /// Lua's traceback (`stack traceback:` …), empty when none was taken.
    public let traceback: String

    public init(kind: Kind, message: String, location: String? = nil, traceback: String = "") {
        self.kind = kind
        self.message = message
        // A limit names the script's line it stopped ("… exceeded at file:line"), which is
        // where the error is, whichever frame the message handler saw first.
        let limitPlace = kind == .timeLimit || kind == .memoryLimit ? LuaRunError.limitLocation(of: message) : nil
        self.location = LuaRunError.leadingLocation(of: message) ?? limitPlace ?? location
        self.traceback = traceback
    }

    /// The message, followed by the location when the message does not name it: one line
    /// (newlines and other control characters a script put in its message shown as `\n`,
    /// `\x1B`), and a message longer than ``reportedLength`` characters cut in the middle,
    /// where a nested error repeats itself, keeping its start and its end.
    public var description: String {
        let shown = Self.reported(message)
        if let location, !message.contains(location) { return "\(shown) (at \(location))" }
        return shown
    }

    /// The most characters of a message a report shows.
    public static let reportedLength = 1_000
    /// How much longer than ``reportedLength`` a message may be and be left whole: what a
    /// wrapper adds to a message already reported (a location, "plugin failed: "), so that
    /// no message is cut twice (the second cut would miscount what the first left out).
    static let wrappingSlack = 200

    /// C1 controls, DEL and the bidirectional overrides that can reverse a terminal line.
    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        (0x7F...0x9F).contains(scalar.value) || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// `message` as a report shows it: see ``description``. Also for messages the host wraps
    /// (a plugin's error, located).
    public static func reported(_ message: String) -> String {
        let needsEscape = message.unicodeScalars.contains { $0.value < 0x20 && $0 != "\t" || isUnsafe($0) }
        guard needsEscape || message.count > reportedLength + wrappingSlack else { return message }
        var escaped = ""
        for scalar in message.unicodeScalars {
            switch scalar {
            case "\n": escaped += "\\n"
            case "\r": escaped += "\\r"
            case "\t": escaped += "\t"
            case _ where scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value):
                escaped += "\\x" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16, uppercase: true)
            case _ where isUnsafe(scalar):  // a bidirectional override
                escaped += "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            default: escaped.unicodeScalars.append(scalar)
            }
        }
        guard escaped.count > reportedLength + wrappingSlack else { return escaped }
        let kept = reportedLength / 2 - 25  // with the marker, the cut text is at most reportedLength
        return "\(escaped.prefix(kept)) … (\(escaped.count - 2 * kept) characters left out) … \(escaped.suffix(kept))"
    }

    public var errorDescription: String? { description }

    /// True for the limits a script can never catch: time and memory.
    public var isLimit: Bool { kind == .timeLimit || kind == .memoryLimit }

    @usableFromInline static let closedState = LuaRunError(kind: .closed, message: "the Lua state is closed")

    @usableFromInline static func badResult(_ error: LuaConversionError) -> LuaRunError {
        LuaRunError(kind: .badResult, message: "bad result: \(error.problem)")
    }

    /// `file.lua:12` from a limit's message, `time limit of 0.5 s exceeded at file.lua:12`.
    static func limitLocation(of message: String) -> String? {
        guard let range = message.range(of: " exceeded at ", options: .backwards) else { return nil }
        let place = message[range.upperBound...]
        // The host's own chunks are no place to send an admin (the error keeps its other location).
        guard !place.hasPrefix("[sandbox]"), let colon = place.lastIndex(of: ":"), colon > place.startIndex else { return nil }
        let digits = place[place.index(after: colon)...]
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(place)
    }

    /// `file.lua:12` from a message of the form `file.lua:12: …`.
    static func leadingLocation(of message: String) -> String? {
        // chunk names are short_src: no newline; the line number is digits followed by ':'
        let firstLine = message.prefix { $0 != "\n" }
        var index = firstLine.startIndex
        while let colon = firstLine[index...].firstIndex(of: ":") {
            let afterColon = firstLine.index(after: colon)
            let digits = firstLine[afterColon...].prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty, digits.endIndex < firstLine.endIndex, firstLine[digits.endIndex] == ":",
               colon > firstLine.startIndex
            {
                return String(firstLine[firstLine.startIndex..<digits.endIndex])
            }
            index = afterColon
        }
        return nil
    }
}

/// A Swift function was called from Lua with a wrong argument.
///
/// Its message has one shape throughout:
/// `cordial.customers.find: invalid 'limit': expected integer, got string`.
public struct LuaArgumentError: Error, LocalizedError, CustomStringConvertible {
    public let function: String
    public let parameter: String
    public let problem: String

    public init(function: String, parameter: String, problem: String) {
        self.function = function
        self.parameter = parameter
        self.problem = problem
    }

    public var description: String { "\(function): invalid '\(parameter)': \(problem)" }
    public var errorDescription: String? { description }
}
