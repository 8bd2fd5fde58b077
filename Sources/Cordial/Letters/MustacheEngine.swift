import Foundation

/// A lambda as ``MustacheEngine`` calls it: with a section's raw text, or "" for `{{name}}`.
public struct LetterLambda: @unchecked Sendable {
    public let call: (String) -> Any?
    public init(_ call: @escaping (String) -> Any?) { self.call = call }
}

/// A compiled Mustache template and its renderer, made for letters: names split once when
/// compiled, values looked up by type rather than by dynamic protocol casts, text appended to
/// one buffer. It follows the specification's whitespace rules (standalone lines, partial
/// indentation), set delimiters, and lambdas (a section lambda gets the section's raw text;
/// what a lambda returns is rendered with the delimiters in force).
/// `MustacheSpecTests` runs the specification's suites through it.
///
/// A strict render (letters) stops at the first value it would leave blank — a name the
/// context lacks, a record where a value belongs, a missing partial — and says where
/// (``Problem``): the check is the render itself, with no second walk of the template.
public struct MustacheEngine: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case value(path: [String], escaped: Bool, name: String, line: Int)
        case section(path: [String], inverted: Bool, body: [Node], raw: String, delimiters: (String, String), name: String, line: Int)
        case partial(name: String, indentation: String?, line: Int)
    }

    /// Where a strict render stopped, and why: `line` is the template's (or the partial's)
    /// line, counted from the `firstLine` it was compiled with; nil when no one line is to blame.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public let line: Int?
        /// The partial the line is in; nil for the template itself.
        public let partial: String?
        public let message: String
        public var description: String { line.map { "line \($0): \(message)" } ?? message }
    }

    let nodes: [Node]

    /// `firstLine`: the line of its file the text starts on, so that problems name the file's lines.
    public init(_ text: String, delimiters: (String, String) = ("{{", "}}"), firstLine: Int = 1) throws {
        var parser = Parser(text, delimiters: delimiters)
        parser.line = firstLine
        nodes = try parser.parse()
    }

    /// Renders against `context` (a ``LetterValues``, dictionaries, arrays, texts, numbers,
    /// booleans, lambdas), with `partials` by name; `escape` HTML-escapes `{{values}}`.
    public func render(_ context: Any, partials: [String: String] = [:], escape: Bool = false) -> String {
        render(context, partials: MustachePartials(partials), escape: escape)
    }

    /// The same, with partials compiled once for many renders.
    public func render(_ context: Any, partials: MustachePartials, escape: Bool = false) -> String {
        (try? renderChecked(context, partials: partials, escape: escape)) ?? ""
    }

    /// Sections, partials and lambdas' texts nest at most this deep in a render.
    public static let maximumDepth = 64
    /// In a strict render, partials nest at most this deep (partials may include themselves,
    /// a tree of items, and the data ends the recursion; this ends a template that would not).
    public static let maximumPartialDepth = 16
    /// Tags one render visits at most: partials that include others many times over multiply,
    /// and a render that would take longer is refused.
    public static let maximumVisits = 200_000

    /// Renders, or throws when the render would nest deeper than ``maximumDepth`` (a lambda
    /// returning its own tag, partials including each other without end) or visit more than
    /// ``maximumVisits`` tags; `strict` also throws the first ``Problem`` (a value the text
    /// would leave blank), in the template, its partials and the text its lambdas return
    /// (a blank there is the lambda's, at its tag's line).
    public func renderChecked(_ context: Any, partials: MustachePartials, escape: Bool = false, strict: Bool = false) throws -> String {
        let renderer = Renderer(partials: partials, escape: escape)
        var out = ""
        out.reserveCapacity(2048)
        // A letter's context as it is; other data read once into the engine's form.
        let top = (context as? LetterValues).map { LetterValue.object($0) } ?? LetterValue(reading: context) ?? .object(LetterValues([:]))
        renderer.render(nodes, stack: [top], into: &out, depth: 0, place: Renderer.Place(strict: strict))
        if let problem = renderer.state.problem { throw problem }
        return out
    }

    // MARK: - Parsing

    struct Parser {
        let characters: [Character]
        var open: [Character]
        var close: [Character]
        /// The line being scanned (tags keep theirs for a strict render's problems).
        var line = 1

        init(_ text: String, delimiters: (String, String)) {
            characters = Array(text)
            open = Array(delimiters.0)
            close = Array(delimiters.1)
        }

        /// A flat token as scanned, before standalone lines are removed and sections nested.
        enum Token {
            case text(String)
            case tag(sigil: Character?, name: String, start: Int, end: Int, delimiters: (String, String), indentation: String, lineHasNonSpace: Bool, line: Int)
        }

        struct Failure: Error, CustomStringConvertible { let description: String }

        mutating func parse() throws -> [Node] {
            let tokens = try scan()
            var index = 0
            return try nest(tokens, &index, closing: nil).nodes
        }

        /// Tokens in order, with the whitespace of standalone lines (a line holding one
        /// section, inverted, closing, partial, comment or delimiter tag and nothing else)
        /// removed, as mustache.js does.
        mutating func scan() throws -> [Token?] {
            var tokens: [Token?] = []
            var spaces: [Int] = []
            var hasTag = false, nonSpace = false, lineHasNonSpace = false
            var tagsOnLine = 0
            var indentation = ""
            var position = 0
            func stripSpace() {
                if hasTag && !nonSpace {
                    while let last = spaces.popLast() { tokens[last] = nil }
                } else {
                    spaces = []
                }
                hasTag = false
                nonSpace = false
            }
            while position < characters.count {
                if matches(open, at: position) {
                    let start = position
                    position += open.count
                    var sigil: Character? = position < characters.count ? characters[position] : nil
                    if let current = sigil, "#^/>!=&{".contains(current) { position += 1 } else { sigil = nil }
                    let end: [Character] = sigil == "{" ? ["}"] + close : (sigil == "=" ? ["="] + close : close)
                    guard let stop = find(end, from: position) else { throw Failure(description: "unclosed tag") }
                    let name = String(characters[position..<stop]).trimmingCharacters(in: .whitespaces)
                    let tagLine = line
                    line += characters[start..<(stop + end.count)].count { $0 == "\n" || $0 == "\r\n" }
                    position = stop + end.count
                    hasTag = true
                    if sigil == nil || sigil == "&" || sigil == "{" { nonSpace = true }
                    let delimiters = (String(open), String(close))
                    if sigil == "=" {
                        let parts = name.split(separator: " ", omittingEmptySubsequences: true)
                        guard parts.count == 2 else { throw Failure(description: "bad delimiters") }
                        open = Array(parts[0])
                        close = Array(parts[1])
                    }
                    // A partial is indented like its tag only when it is the line's first tag.
                    tokens.append(.tag(
                        sigil: sigil, name: name, start: start, end: position, delimiters: delimiters, indentation: indentation,
                        lineHasNonSpace: lineHasNonSpace || tagsOnLine > 0, line: tagLine))
                    tagsOnLine += 1
                } else {
                    let character = characters[position]
                    if character == " " || character == "\t" || character == "\n" || character == "\r\n" || character == "\r" {
                        spaces.append(tokens.count)
                        indentation.append(character)
                    } else {
                        nonSpace = true
                        lineHasNonSpace = true
                        indentation.append(" ")
                    }
                    tokens.append(.text(String(character)))
                    position += 1
                    if character == "\n" || character == "\r\n" {
                        line += 1
                        stripSpace()
                        indentation = ""
                        lineHasNonSpace = false
                        tagsOnLine = 0
                    }
                }
            }
            stripSpace()
            return tokens
        }

        func nest(_ tokens: [Token?], _ index: inout Int, closing: String?) throws -> (nodes: [Node], end: Int) {
            var nodes: [Node] = []
            var text = ""
            func flush() {
                if !text.isEmpty { nodes.append(.text(text)); text = "" }
            }
            while index < tokens.count {
                guard let token = tokens[index] else { index += 1; continue }
                index += 1
                switch token {
                case .text(let piece):
                    text += piece
                case .tag(let sigil, let name, let start, _, let delimiters, let indentation, let lineHasNonSpace, let line):
                    switch sigil {
                    case "!", "=": continue
                    case "/":
                        guard name == closing else { throw Failure(description: "unbalanced section \(name)") }
                        flush()
                        return (nodes, start)
                    case "#", "^":
                        flush()
                        let bodyStart = tokenEnd(tokens[index - 1])
                        let (body, bodyEnd) = try nest(tokens, &index, closing: name)
                        let raw = String(characters[bodyStart..<max(bodyStart, bodyEnd)])
                        nodes.append(.section(
                            path: Self.path(name), inverted: sigil == "^", body: body, raw: raw, delimiters: delimiters, name: name, line: line))
                    case ">":
                        flush()
                        // A standalone partial is indented like its tag; one after text on its line is not.
                        let standalone = !lineHasNonSpace && !indentation.contains { $0 != " " && $0 != "\t" }
                        nodes.append(.partial(name: name, indentation: standalone && !indentation.isEmpty ? indentation : nil, line: line))
                    default:
                        flush()
                        nodes.append(.value(path: Self.path(name), escaped: sigil == nil, name: name, line: line))
                    }
                }
            }
            guard closing == nil else { throw Failure(description: "unclosed section \(closing!)") }
            flush()
            return (nodes, characters.count)
        }

        func tokenEnd(_ token: Token?) -> Int {
            if case .tag(_, _, _, let end, _, _, _, _) = token { return end }
            return 0
        }

        /// `a.b.c` as its names; "." (the innermost value) as ["."], and `.b` (a name of the
        /// innermost value only) as [".", "b"].
        static func path(_ name: String) -> [String] {
            if name == "." { return ["."] }
            let names = name.split(separator: ".").map(String.init)
            return name.hasPrefix(".") ? ["."] + names : names
        }

        func matches(_ needle: [Character], at position: Int) -> Bool {
            guard position + needle.count <= characters.count else { return false }
            for offset in 0..<needle.count where characters[position + offset] != needle[offset] { return false }
            return true
        }

        func find(_ needle: [Character], from start: Int) -> Int? {
            var position = start
            while position + needle.count <= characters.count {
                if matches(needle, at: position) { return position }
                position += 1
            }
            return nil
        }
    }

    // MARK: - Rendering

    struct Renderer {
        let partials: MustachePartials
        let escape: Bool
        let state = RenderState()

        /// What one render has found and spent.
        final class RenderState {
            var problem: Problem?
            var visits = 0
        }

        /// Where the nodes being rendered come from: the template or one of its partials, and
        /// whether a blank there is a problem (not in text a lambda returned).
        struct Place {
            var strict: Bool
            var partial: String? = nil
            var partialDepth = 0
            /// The lambda whose returned text is being rendered, and the line of its tag: a
            /// blank in that text is the lambda's, at its tag.
            var lambda: (name: String, line: Int)? = nil

            /// Where the text a lambda returned renders: as strictly as its tag, blamed on it.
            func returned(by name: String, line: Int) -> Place {
                Place(strict: strict, partial: partial, partialDepth: partialDepth, lambda: lambda ?? (name, line))
            }

            func problem(_ line: Int, _ message: String) -> Problem {
                if let lambda { return Problem(line: lambda.line, partial: partial, message: "the text lambda '\(lambda.name)' returned: \(message)") }
                return Problem(line: line, partial: partial, message: message)
            }
        }

        func render(_ nodes: [Node], stack: [LetterValue], into out: inout String, depth: Int, place: Place) {
            guard depth < MustacheEngine.maximumDepth else {
                stop(Problem(line: nil, partial: nil, message: "the letter nests more than \(MustacheEngine.maximumDepth) levels deep (a lambda returning its own tag?)"))
                return
            }
            for node in nodes {
                guard state.problem == nil else { return }
                if case .text(let text) = node {
                    out += text
                    continue
                }
                state.visits += 1
                guard state.visits <= MustacheEngine.maximumVisits else {
                    stop(Problem(line: nil, partial: nil, message: "the letter visits more than \(MustacheEngine.maximumVisits) tags (partials repeating partials?); it is not rendered"))
                    return
                }
                switch node {
                case .text:
                    continue
                case .value(let path, let escaped, let name, let line):
                    switch Self.resolve(path, in: stack) {
                    case .text(let text):
                        out += escaped && escape ? Self.escapeHTML(text) : text
                    case .flag(let flag):
                        out += String(flag)
                    case .lambda(let lambda):
                        guard let result = lambda.call("") else { continue }
                        let rendered: String
                        if let text = result as? String, let template = try? MustacheEngine(text) {
                            var inner = ""
                            render(template.nodes, stack: stack, into: &inner, depth: depth + 1, place: place.returned(by: name, line: line))
                            rendered = inner
                        } else {
                            rendered = Self.text(of: result)
                        }
                        out += escaped && escape ? Self.escapeHTML(rendered) : rendered
                    case .object, .list:
                        if place.strict { stop(place.problem(line, "'\(name)' is a record, not a value: name one of its fields (\(name).…)")) }
                    case nil:
                        if place.strict { stop(place.problem(line, "no value for '\(name)' in this letter's context")) }
                    }
                case .section(let path, let inverted, let body, let raw, let delimiters, let name, let line):
                    let value = Self.resolve(path, in: stack)
                    if inverted {
                        if Self.isFalsy(value) { render(body, stack: stack, into: &out, depth: depth + 1, place: place) }
                        continue
                    }
                    switch value {
                    case nil, .flag(false):
                        continue
                    case .flag(true):
                        render(body, stack: stack, into: &out, depth: depth + 1, place: place)
                    case .list(let items):
                        for item in items { render(body, stack: stack + [item], into: &out, depth: depth + 1, place: place) }
                    case .lambda(let lambda):
                        guard let result = lambda.call(raw) else { continue }
                        if let text = result as? String, let template = try? MustacheEngine(text, delimiters: delimiters) {
                            render(template.nodes, stack: stack, into: &out, depth: depth + 1, place: place.returned(by: name, line: line))
                        } else {
                            out += Self.text(of: result)
                        }
                    case .some(let value):
                        render(body, stack: stack + [value], into: &out, depth: depth + 1, place: place)
                    }
                case .partial(let name, let indentation, let line):
                    guard let template = partials.engine(name, indentation: indentation) else {
                        if place.strict { stop(place.problem(line, "no partial '\(name)' (letters/partials/\(name).mustache, or with a locale)")) }
                        continue
                    }
                    if place.strict, place.partialDepth >= MustacheEngine.maximumPartialDepth {
                        stop(place.problem(line, "partials nest more than \(MustacheEngine.maximumPartialDepth) deep"))
                        return
                    }
                    let inner = Place(strict: place.strict, partial: name, partialDepth: place.partialDepth + 1, lambda: place.lambda)
                    render(template.nodes, stack: stack, into: &out, depth: depth + 1, place: inner)
                }
            }
        }

        /// Keeps the first problem; the render unwinds from there.
        func stop(_ problem: Problem) {
            if state.problem == nil { state.problem = problem }
        }

        /// Each line of a standalone partial indented like its tag.
        static func indent(_ source: String, by indentation: String?) -> String {
            guard let indentation, !indentation.isEmpty else { return source }
            var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for index in lines.indices where !lines[index].isEmpty { lines[index] = indentation + lines[index] }
            return lines.joined(separator: "\n")
        }

        /// "." is the innermost value; `a.b.c` climbs the stack for `a` only, then follows `b`
        /// and `c` from there.
        static func resolve(_ path: [String], in stack: [LetterValue]) -> LetterValue? {
            guard let first = path.first else { return nil }
            var value: LetterValue?
            if first == "." {
                value = stack.last
            } else {
                for frame in stack.reversed() {
                    if case .object(let values) = frame, let found = values.fields[first] {
                        value = found
                        break
                    }
                }
            }
            for name in path.dropFirst() {
                guard case .object(let values) = value else { return nil }
                value = values.fields[name]
            }
            return value
        }

        static func isFalsy(_ value: LetterValue?) -> Bool {
            switch value {
            case nil, .flag(false): true
            case .list(let items): items.isEmpty
            default: false
            }
        }

        /// What a lambda returned, as text.
        static func text(of value: Any) -> String {
            switch value {
            case let text as String: text
            case let number as Int: String(number)
            case let number as Double: LetterValue.text(of: number)
            case let flag as Bool: String(flag)
            default: String(describing: value)
            }
        }

        static func escapeHTML(_ text: String) -> String {
            guard text.contains(where: { $0 == "<" || $0 == ">" || $0 == "&" || $0 == "\"" }) else { return text }
            var out = ""
            for character in text {
                switch character {
                case "&": out += "&amp;"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "\"": out += "&quot;"
                default: out.append(character)
                }
            }
            return out
        }
    }
}

/// Partials by name as their text, each compiled once (and once per indentation it is
/// included at) for every render that shares the set. Used on one thread.
public final class MustachePartials: @unchecked Sendable {
    let sources: [String: String]
    /// The line of its file each partial's text starts on (after front matter).
    let firstLines: [String: Int]
    private var compiled: [String: MustacheEngine] = [:]

    public init(_ sources: [String: String], firstLines: [String: Int] = [:]) {
        self.sources = sources
        self.firstLines = firstLines
    }

    func engine(_ name: String, indentation: String?) -> MustacheEngine? {
        let key = name + "\u{0}" + (indentation ?? "")
        if let found = compiled[key] { return found }
        guard let source = sources[name],
              let made = try? MustacheEngine(MustacheEngine.Renderer.indent(source, by: indentation), firstLine: firstLines[name] ?? 1)
        else { return nil }
        compiled[key] = made
        return made
    }
}
