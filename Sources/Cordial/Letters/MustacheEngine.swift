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
public struct MustacheEngine: Sendable {
    indirect enum Node: Sendable {
        case text(String)
        case value(path: [String], escaped: Bool)
        case section(path: [String], inverted: Bool, body: [Node], raw: String, delimiters: (String, String))
        case partial(name: String, indentation: String?)
    }

    let nodes: [Node]

    public init(_ text: String, delimiters: (String, String) = ("{{", "}}")) throws {
        var parser = Parser(text, delimiters: delimiters)
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

    /// Renders, or throws when the render would nest deeper than ``maximumDepth`` (a lambda
    /// returning its own tag, partials including each other without end).
    public func renderChecked(_ context: Any, partials: MustachePartials, escape: Bool = false) throws -> String {
        let renderer = Renderer(partials: partials, escape: escape)
        var out = ""
        out.reserveCapacity(1024)
        renderer.render(nodes, stack: [context], into: &out, depth: 0)
        if renderer.state.tooDeep { throw Parser.Failure(description: "the letter nests more than \(Self.maximumDepth) levels deep (a lambda returning its own tag?)") }
        return out
    }

    // MARK: - Parsing

    struct Parser {
        let characters: [Character]
        var open: [Character]
        var close: [Character]

        init(_ text: String, delimiters: (String, String)) {
            characters = Array(text)
            open = Array(delimiters.0)
            close = Array(delimiters.1)
        }

        /// A flat token as scanned, before standalone lines are removed and sections nested.
        enum Token {
            case text(String)
            case tag(sigil: Character?, name: String, start: Int, end: Int, delimiters: (String, String), indentation: String, lineHasNonSpace: Bool)
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
                        lineHasNonSpace: lineHasNonSpace || tagsOnLine > 0))
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
                case .tag(let sigil, let name, let start, _, let delimiters, let indentation, let lineHasNonSpace):
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
                        nodes.append(.section(path: Self.path(name), inverted: sigil == "^", body: body, raw: raw, delimiters: delimiters))
                    case ">":
                        flush()
                        // A standalone partial is indented like its tag; one after text on its line is not.
                        let standalone = !lineHasNonSpace && !indentation.contains { $0 != " " && $0 != "\t" }
                        nodes.append(.partial(name: name, indentation: standalone && !indentation.isEmpty ? indentation : nil))
                    default:
                        flush()
                        nodes.append(.value(path: Self.path(name), escaped: sigil == nil))
                    }
                }
            }
            guard closing == nil else { throw Failure(description: "unclosed section \(closing!)") }
            flush()
            return (nodes, characters.count)
        }

        func tokenEnd(_ token: Token?) -> Int {
            if case .tag(_, _, _, let end, _, _, _) = token { return end }
            return 0
        }

        static func path(_ name: String) -> [String] {
            name == "." ? ["."] : name.split(separator: ".").map(String.init)
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

        final class RenderState {
            var tooDeep = false
        }

        func render(_ nodes: [Node], stack: [Any], into out: inout String, depth: Int) {
            guard depth < MustacheEngine.maximumDepth else {
                state.tooDeep = true
                return
            }
            for node in nodes {
                switch node {
                case .text(let text):
                    out += text
                case .value(let path, let escaped):
                    guard let value = Self.resolve(path, in: stack) else { continue }
                    // A letter's text first: one class check, and no other cast for the common case.
                    if let text = value as? LetterText {
                        out += escaped && escape ? Self.escapeHTML(text.text) : text.text
                    } else if let lambda = value as? LetterLambda {
                        guard let result = lambda.call("") else { continue }
                        let rendered: String
                        if let text = result as? String, let template = try? MustacheEngine(text) {
                            var inner = ""
                            render(template.nodes, stack: stack, into: &inner, depth: depth + 1)
                            rendered = inner
                        } else {
                            rendered = Self.text(of: result)
                        }
                        out += escaped && escape ? Self.escapeHTML(rendered) : rendered
                    } else {
                        let text = Self.text(of: value)
                        out += escaped && escape ? Self.escapeHTML(text) : text
                    }
                case .section(let path, let inverted, let body, let raw, let delimiters):
                    let value = Self.resolve(path, in: stack)
                    if inverted {
                        if Self.isFalsy(value) { render(body, stack: stack, into: &out, depth: depth + 1) }
                        continue
                    }
                    guard let value, !Self.isFalsy(value) else { continue }
                    if value is LetterValues || value is LetterText {
                        render(body, stack: stack + [value], into: &out, depth: depth + 1)
                    } else if let lambda = value as? LetterLambda {
                        guard let result = lambda.call(raw) else { continue }
                        if let text = result as? String, let template = try? MustacheEngine(text, delimiters: delimiters) {
                            render(template.nodes, stack: stack, into: &out, depth: depth + 1)
                        } else {
                            out += Self.text(of: result)
                        }
                    } else if let list = value as? [Any] {
                        for item in list { render(body, stack: stack + [item], into: &out, depth: depth + 1) }
                    } else if value is Bool {
                        render(body, stack: stack, into: &out, depth: depth + 1)
                    } else {
                        render(body, stack: stack + [value], into: &out, depth: depth + 1)
                    }
                case .partial(let name, let indentation):
                    if let template = partials.engine(name, indentation: indentation) {
                        render(template.nodes, stack: stack, into: &out, depth: depth + 1)
                    }
                }
            }
        }

        /// Each line of a standalone partial indented like its tag.
        static func indent(_ source: String, by indentation: String?) -> String {
            guard let indentation, !indentation.isEmpty else { return source }
            var lines = source.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for index in lines.indices where !lines[index].isEmpty { lines[index] = indentation + lines[index] }
            return lines.joined(separator: "\n")
        }

        static func resolve(_ path: [String], in stack: [Any]) -> Any? {
            if path.first == "." { return stack.last }
            guard let first = path.first else { return nil }
            var value: Any?
            for object in stack.reversed() {
                if let found = child(first, of: object) {
                    value = found
                    break
                }
            }
            for name in path.dropFirst() {
                guard let current = value else { return nil }
                value = child(name, of: current)
            }
            return value
        }

        static func child(_ name: String, of object: Any) -> Any? {
            switch object {
            case let values as LetterValues: return values.fields[name]
            case is LetterText: return nil
            case let dictionary as [String: Any]: return dictionary[name].flatMap { $0 is NSNull ? nil : $0 }
            default: return nil
            }
        }

        static func isFalsy(_ value: Any?) -> Bool {
            guard let value else { return true }
            if value is LetterText || value is LetterValues { return false }
            if value is NSNull { return true }
            if let flag = value as? Bool { return !flag }
            if let list = value as? [Any] { return list.isEmpty }
            return false
        }

        static func text(of value: Any) -> String {
            switch value {
            case let text as LetterText: text.text
            case let text as String: text
            case let number as Int: String(number)
            case let number as Double: number == number.rounded() && abs(number) < 1e15 ? String(Int(number)) : String(number)
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
    private var compiled: [String: MustacheEngine] = [:]

    public init(_ sources: [String: String]) {
        self.sources = sources
    }

    func engine(_ name: String, indentation: String?) -> MustacheEngine? {
        let key = name + "\u{0}" + (indentation ?? "")
        if let found = compiled[key] { return found }
        guard let source = sources[name], let made = try? MustacheEngine(MustacheEngine.Renderer.indent(source, by: indentation)) else { return nil }
        compiled[key] = made
        return made
    }
}
