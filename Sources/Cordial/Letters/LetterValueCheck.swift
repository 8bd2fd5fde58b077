
/// Walks a template's outline against a letter's context the way the engine renders it —
/// sections entered for true values, once per item of a list, skipped when false, empty or
/// missing — and finds each value the letter would print as a blank: a missing value is an
/// error naming the file, line and variable, never a silent gap in a letter.
///
/// For lint (``explore``), every branch is walked against a context holding every value a
/// letter can have: a name it cannot resolve, in a value or a section, is one no letter fills.
struct LetterValueCheck {
    let partials: [String: LetterTemplate.LetterPart]
    /// Lint: walk inverted sections too, report sections over unknown names, find every problem.
    var explore = false
    /// Lint of a plugin that did not load: its lambdas are unknown, so a section over an
    /// unknown name may be one and is not reported.
    var lambdasKnown = true

    /// Partials may include themselves (a tree of items); the data ends such recursion, and
    /// this bound stops a template that would not end.
    static let maximumDepth = 16
    /// Tags visited for one letter at most: partials that include others many times over
    /// multiply, and a letter that would take longer is refused, not rendered.
    static let maximumVisits = 200_000

    /// What one walk has found and spent.
    private struct Walk {
        /// The file of the letter walked (partials are files of their own).
        var letter: String
        var problems: [PluginError] = []
        var visits = 0
        var partialsWalked: Set<String> = []
    }

    /// Throws the first value the letter would leave blank.
    func check(_ part: LetterTemplate.LetterPart, context: Any) throws(PluginError) {
        var state = Walk(letter: part.file)
        walk(part.outline.nodes, in: part, stack: [context], depth: 0, state: &state)
        if let first = state.problems.first { throw first }
    }

    /// Every problem (``explore`` mode).
    func problems(_ part: LetterTemplate.LetterPart, context: Any) -> [PluginError] {
        var state = Walk(letter: part.file)
        walk(part.outline.nodes, in: part, stack: [context], depth: 0, state: &state)
        return state.problems
    }

    private func walk(_ nodes: [MustacheOutline.Node], in part: LetterTemplate.LetterPart, stack: [Any], depth: Int, state: inout Walk) {
        for node in nodes {
            if !explore, !state.problems.isEmpty { return }
            state.visits += 1
            if state.visits > Self.maximumVisits {
                if state.visits == Self.maximumVisits + 1 {
                    state.problems.append(PluginError(
                        location: state.letter, message: "the letter visits more than \(Self.maximumVisits) tags (partials repeating partials?); it is not rendered"))
                }
                return
            }
            switch node {
            case .value(let name, let line, _):
                let value = Self.resolve(name, in: stack)
                if value == nil {
                    state.problems.append(PluginError(
                        location: part.location(line), message: explore ? "no letter's context provides '\(name)'" : "no value for '\(name)' in this letter's context"))
                } else if !(value is LetterText), value is LetterValues || value is [String: Any] || value is [Any] {
                    state.problems.append(PluginError(
                        location: part.location(line), message: "'\(name)' is a record, not a value: name one of its fields (\(name).…)"))
                }
            case .section(let name, let line, let inverted, let body):
                let value = Self.resolve(name, in: stack)
                // A lambda decides what its text becomes (a letter's own values are asked first: one class check).
                if let value, !(value is LetterValues || value is LetterText), value is LetterLambda { continue }
                if explore {
                    if value == nil, !lambdasKnown {
                        continue
                    } else if value == nil {
                        state.problems.append(PluginError(location: part.location(line), message: "no letter's context provides '\(name)': this section never shows"))
                    } else if inverted {
                        walk(body, in: part, stack: stack, depth: depth, state: &state)
                    } else if let list = value as? [Any] {
                        walk(body, in: part, stack: list.first.map { stack + [$0] } ?? stack, depth: depth, state: &state)
                    } else if value is Bool {
                        walk(body, in: part, stack: stack, depth: depth, state: &state)
                    } else if let value {
                        walk(body, in: part, stack: stack + [value], depth: depth, state: &state)
                    }
                } else if inverted {
                    if Self.isFalsy(value) { walk(body, in: part, stack: stack, depth: depth, state: &state) }
                } else if let value, value is LetterValues || value is LetterText {
                    walk(body, in: part, stack: stack + [value], depth: depth, state: &state)
                } else if let list = value as? [Any] {
                    for item in list { walk(body, in: part, stack: stack + [item], depth: depth, state: &state) }
                } else if let flag = value as? Bool {
                    if flag { walk(body, in: part, stack: stack, depth: depth, state: &state) }
                } else if let value {
                    walk(body, in: part, stack: stack + [value], depth: depth, state: &state)
                }
            case .partial(let name, let line):
                guard let partial = partials[name] else {
                    state.problems.append(PluginError(location: part.location(line), message: "no partial '\(name)' (letters/partials/\(name).mustache, or with a locale)"))
                    continue
                }
                // Lint reads each partial once: every branch is walked, so repeats add nothing.
                if explore {
                    guard state.partialsWalked.insert(name).inserted else { continue }
                } else if depth >= Self.maximumDepth {
                    state.problems.append(PluginError(location: part.location(line), message: "partials nest more than \(Self.maximumDepth) deep"))
                    continue
                }
                walk(partial.outline.nodes, in: partial, stack: stack, depth: depth + 1, state: &state)
            }
        }
    }

    static func isFalsy(_ value: Any?) -> Bool {
        guard let value else { return true }
        if value is LetterText || value is LetterValues { return false }
        if let flag = value as? Bool { return !flag }
        if let list = value as? [Any] { return list.isEmpty }
        return false
    }

    /// What the engine finds for `name`: "." is the innermost object; `a.b.c` climbs the
    /// stack for `a` only, then follows `b` and `c` from there.
    static func resolve(_ name: String, in stack: [Any]) -> Any? {
        if name == "." { return stack.last }
        let parts = name.split(separator: ".").map(String.init)
        guard let first = parts.first else { return nil }
        var value: Any? = nil
        if name.hasPrefix(".") {
            value = child(first, of: stack.last)
        } else {
            for object in stack.reversed() {
                if let found = child(first, of: object) {
                    value = found
                    break
                }
            }
        }
        for part in parts.dropFirst() {
            guard let current = value else { return nil }
            value = child(part, of: current)
        }
        return value
    }

    static func child(_ name: String, of object: Any?) -> Any? {
        switch object {
        case let values as LetterValues: values.fields[name]
        case is LetterText: nil
        case let dictionary as [String: Any]: dictionary[name]
        default: nil
        }
    }
}
