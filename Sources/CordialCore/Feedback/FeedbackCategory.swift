/// The organisation's taxonomy of feedback: paths of lower-case words (`baggage/delayed`),
/// each level a parent of the next.
public enum FeedbackCategory {
    /// Why `path` is not a category path; nil when it is one.
    public static func problem(_ path: String) -> String? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard !path.isEmpty, parts.count <= 4 else { return "'\(path.prefix(80))' is not a path of one to four names (baggage/delayed)" }
        for part in parts {
            guard !part.isEmpty, part.count <= 40, part.first!.isLetter || part.first!.isNumber,
                  part.allSatisfy({ ($0.isLetter && $0.isLowercase) || $0.isNumber || $0 == "-" || ($0.isLetter && !$0.isCased) })
            else { return "'\(path.prefix(80))' is not a path of lower-case names, digits and dashes (baggage/delayed)" }
        }
        return nil
    }

    /// "baggage/delayed" → ["baggage", "baggage/delayed"]: the path and each of its parents, top first.
    public static func lineage(_ path: String) -> [String] {
        var out: [String] = []
        var current = ""
        for part in path.split(separator: "/") {
            current = current.isEmpty ? String(part) : current + "/" + part
            out.append(current)
        }
        return out
    }

    /// The top of the path: "baggage" for "baggage/delayed".
    public static func top(_ path: String) -> String {
        String(path.split(separator: "/").first ?? Substring(path))
    }
}
