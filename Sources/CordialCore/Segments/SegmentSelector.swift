/// A segment, or one label of it, as commands and filters name them: `lifecycle` or
/// `lifecycle:lapsing`. Labels may hold colons; the first colon splits.
public struct SegmentSelector: Sendable, Hashable, CustomStringConvertible {
    public var segment: String
    public var label: String?

    public init(segment: String, label: String? = nil) {
        self.segment = segment
        self.label = label
    }

    /// Parses `SEGMENT` or `SEGMENT:LABEL` (`SEGMENT:` is the whole segment); nil when the
    /// segment is empty.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
        guard let segment = parts.first, !segment.isEmpty else { return nil }
        self.init(segment: segment, label: parts.count == 2 && !parts[1].isEmpty ? parts[1] : nil)
    }

    public var description: String { label.map { "\(segment):\($0)" } ?? segment }
}
