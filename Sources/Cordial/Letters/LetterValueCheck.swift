/// Lint's walk of a template's outline: every branch — sections, inverted sections, partials
/// — against a context holding every value a letter can have, so that a name it cannot
/// resolve, in a value or a section, is one no letter fills. (A letter being rendered is
/// checked by the render itself: ``MustacheEngine`` renders strictly, stopping at the first
/// blank with its line.)
struct LetterValueCheck {
    let partials: [String: LetterTemplate.LetterPart]
    /// Lint of a plugin that did not load: its lambdas are unknown, so a section over an
    /// unknown name may be one and is not reported.
    var lambdasKnown = true

    /// Every problem the template's branches hold.
    func problems(_ part: LetterTemplate.LetterPart, context: LetterValue) -> [PluginError] {
        var problems: [PluginError] = []
        var partialsWalked: Set<String> = []
        walk(part.outline.nodes, in: part, stack: [context], problems: &problems, partialsWalked: &partialsWalked)
        return problems
    }

    private func walk(
        _ nodes: [MustacheOutline.Node], in part: LetterTemplate.LetterPart, stack: [LetterValue], problems: inout [PluginError],
        partialsWalked: inout Set<String>
    ) {
        for node in nodes {
            switch node {
            case .value(let name, let line, _):
                let value = Self.resolve(name, in: stack)
                if value == nil {
                    problems.append(PluginError(location: part.location(line), message: "no letter's context provides '\(name)'"))
                } else if value?.isRecord == true {
                    problems.append(PluginError(
                        location: part.location(line), message: "'\(name)' is a record, not a value: name one of its fields (\(name).…)"))
                }
            case .section(let name, let line, let inverted, let body):
                switch Self.resolve(name, in: stack) {
                case .lambda:
                    continue  // a lambda decides what its text becomes
                case nil where !lambdasKnown:
                    continue
                case nil:
                    problems.append(PluginError(location: part.location(line), message: "no letter's context provides '\(name)': this section never shows"))
                case .some where inverted:
                    walk(body, in: part, stack: stack, problems: &problems, partialsWalked: &partialsWalked)
                case .flag:
                    walk(body, in: part, stack: stack, problems: &problems, partialsWalked: &partialsWalked)
                case .list(let items):
                    walk(body, in: part, stack: items.first.map { stack + [$0] } ?? stack, problems: &problems, partialsWalked: &partialsWalked)
                case .some(let value):
                    walk(body, in: part, stack: stack + [value], problems: &problems, partialsWalked: &partialsWalked)
                }
            case .partial(let name, let line):
                guard let partial = partials[name] else {
                    problems.append(PluginError(location: part.location(line), message: "no partial '\(name)' (letters/partials/\(name).mustache, or with a locale)"))
                    continue
                }
                // Each partial is read once: every branch is walked, so repeats add nothing.
                guard partialsWalked.insert(name).inserted else { continue }
                walk(partial.outline.nodes, in: partial, stack: stack, problems: &problems, partialsWalked: &partialsWalked)
            }
        }
    }

    /// What the engine finds for `name`: "." is the innermost object; `a.b.c` climbs the
    /// stack for `a` only, then follows `b` and `c` from there.
    static func resolve(_ name: String, in stack: [LetterValue]) -> LetterValue? {
        if name == "." { return stack.last }
        let parts = name.split(separator: ".").map(String.init)
        guard let first = parts.first else { return nil }
        var value: LetterValue? = nil
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

    static func child(_ name: String, of object: LetterValue?) -> LetterValue? {
        if case .object(let values) = object { values.fields[name] } else { nil }
    }
}
