import Foundation
/// A Mustache template's tags as a tree, each with its line: what lint reads and walks
/// (``LetterValueCheck``), and what a template must pass to be loaded. The engine
/// (``MustacheEngine``) renders, and strictly for letters; this scanner finds what a template
/// must not hold, wherever it is, before any letter is rendered. It follows the
/// spec's tag syntax: `{{name}}`, `{{{name}}}`, `{{&name}}`, sections, inverted sections,
/// partials, comments and set delimiters. What letters leave out is refused at its line: the
/// engine's extensions (transforms `f(name)`, pragmas `{{% … }}`) and template inheritance
/// (`{{<parent}}`, `{{$block}}`), whose values the check could not follow; and sections
/// nested deeper than ``maximumDepth``.
public struct MustacheOutline: Sendable, Equatable {
    public indirect enum Node: Sendable, Equatable {
        /// `{{name}}` (escaped) or `{{{name}}}` / `{{&name}}`.
        case value(name: String, line: Int, escaped: Bool)
        /// `{{#name}}…{{/name}}` or, inverted, `{{^name}}…{{/name}}`.
        case section(name: String, line: Int, inverted: Bool, body: [Node])
        /// `{{>name}}`.
        case partial(name: String, line: Int)
    }

    /// A template that cannot be read: one line of the template named.
    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }
    }

    public let nodes: [Node]

    /// Sections nest at most this deep: deeper is a mistake, and the engine's recursive parser
    /// and renderer would run out of stack long before a letter needed it.
    public static let maximumDepth = 32

    /// `firstLine`: the line of the file the text starts on (after front matter), so that
    /// every line here, in nodes and problems alike, is the file's.
    public init(_ text: String, firstLine: Int = 1) throws(Problem) {
        var scanner = Scanner(text)
        scanner.line = firstLine
        nodes = try scanner.body(closing: nil)
    }

    /// Every value and section name with its line, in template order (partials not followed).
    public var names: [(name: String, line: Int)] {
        var out: [(String, Int)] = []
        func walk(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .value(let name, let line, _): out.append((name, line))
                case .section(let name, let line, _, let body):
                    out.append((name, line))
                    walk(body)
                case .partial: break
                }
            }
        }
        walk(nodes)
        return out
    }

    /// The partials named, in template order.
    public var partials: [String] {
        var out: [String] = []
        func walk(_ nodes: [Node]) {
            for node in nodes {
                switch node {
                case .partial(let name, _): out.append(name)
                case .section(_, _, _, let body): walk(body)
                case .value: break
                }
            }
        }
        walk(nodes)
        return out
    }

    /// Reads tags one at a time over the UTF-8 bytes, counting lines as it goes.
    struct Scanner {
        let bytes: [UInt8]
        var position = 0
        var line = 1
        var open: [UInt8] = Array("{{".utf8)
        var close: [UInt8] = Array("}}".utf8)

        init(_ text: String) { bytes = Array(text.utf8) }

        /// Nodes up to the end of the text, or up to `{{/closing}}` when inside a section.
        mutating func body(closing: (name: String, line: Int)?, depth: Int = 0) throws(Problem) -> [Node] {
            var nodes: [Node] = []
            while let start = find(open, from: position) {
                advance(to: start)
                let tagLine = line
                advance(to: start + open.count)
                var sigil = bytes.indices.contains(position) ? bytes[position] : 0
                // A triple mustache only exists with the default delimiters.
                let triple = sigil == UInt8(ascii: "{") && open == Array("{{".utf8)
                let end = triple ? Array("}".utf8) + close : close
                guard let stop = find(end, from: position) else {
                    throw Problem(line: tagLine, message: "a tag opened here is never closed (no '\(String(decoding: end, as: UTF8.self))')")
                }
                var content = String(decoding: bytes[position..<stop], as: UTF8.self)
                advance(to: stop + end.count)
                if triple { sigil = UInt8(ascii: "&") }
                if "#^/>&!=%$<".utf8.contains(sigil) || triple { content = String(content.dropFirst()) }
                if sigil == UInt8(ascii: "=") {
                    try setDelimiters(content, line: tagLine)
                    continue
                }
                let name = content.trimmingCharacters(in: .whitespaces)
                switch sigil {
                case UInt8(ascii: "!"):
                    continue
                case UInt8(ascii: "%"):
                    throw Problem(line: tagLine, message: "pragmas ({{% … }}) are not used in letters: a letter is plain text, its HTML made from it")
                case UInt8(ascii: "$"), UInt8(ascii: "<"):
                    throw Problem(line: tagLine, message: "template inheritance ({{<parent}}, {{$block}}) is not used in letters; share text with partials ({{> name}})")
                case UInt8(ascii: "#"), UInt8(ascii: "^"):
                    let name = try checked(name, line: tagLine)
                    guard depth < MustacheOutline.maximumDepth else {
                        throw Problem(line: tagLine, message: "sections nest more than \(MustacheOutline.maximumDepth) deep")
                    }
                    let inner = try body(closing: (name, tagLine), depth: depth + 1)
                    nodes.append(.section(name: name, line: tagLine, inverted: sigil == UInt8(ascii: "^"), body: inner))
                case UInt8(ascii: "/"):
                    guard let closing else { throw Problem(line: tagLine, message: "{{/\(name)}} closes no section") }
                    guard name == closing.name else {
                        throw Problem(line: tagLine, message: "{{/\(name)}} closes {{#\(closing.name)}} opened on line \(closing.line)")
                    }
                    return nodes
                case UInt8(ascii: ">"):
                    nodes.append(.partial(name: try checked(name, line: tagLine), line: tagLine))
                default:
                    nodes.append(.value(name: try checked(name, line: tagLine), line: tagLine, escaped: sigil != UInt8(ascii: "&")))
                }
            }
            if let closing { throw Problem(line: closing.line, message: "{{#\(closing.name)}} opened here is never closed") }
            advance(to: bytes.count)
            return nodes
        }

        /// A tag's name: dotted words, or "." (the engine's transforms, `f(name)`, are refused:
        /// one misspelt would print nothing).
        func checked(_ name: String, line: Int) throws(Problem) -> String {
            guard !name.isEmpty else { throw Problem(line: line, message: "a tag has no name") }
            if name.contains("(") || name.contains(")") {
                throw Problem(line: line, message: "'\(name.prefix(40))': functions in tags are not used in letters; a plugin's lambda ({{#name}}…{{/name}}) shapes text")
            }
            return name
        }

        mutating func setDelimiters(_ content: String, line: Int) throws(Problem) {
            // `{{=<% %>=}}`: the content read is "<% %>=" once the leading "=" is dropped.
            guard content.hasSuffix("=") else { throw Problem(line: line, message: "a set-delimiters tag must end with '='") }
            let parts = content.dropLast().split(separator: " ", omittingEmptySubsequences: true)
            guard parts.count == 2, !parts.contains(where: { $0.contains("=") }) else {
                throw Problem(line: line, message: "a set-delimiters tag takes two delimiters, such as {{=<% %>=}}")
            }
            open = Array(parts[0].utf8)
            close = Array(parts[1].utf8)
        }

        mutating func advance(to index: Int) {
            while position < index {
                if bytes[position] == UInt8(ascii: "\n") { line += 1 }
                position += 1
            }
        }

        func find(_ needle: [UInt8], from start: Int) -> Int? {
            guard !needle.isEmpty, bytes.count >= needle.count else { return nil }
            var index = start
            while index + needle.count <= bytes.count {
                if bytes[index] == needle[0], bytes[index..<(index + needle.count)].elementsEqual(needle) { return index }
                index += 1
            }
            return nil
        }
    }
}
