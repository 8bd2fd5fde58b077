import CordialCore
import CordialStore
import Foundation

extension SegmentSelector {
    /// The selector if its segment has been run and its label is one the segment has given
    /// or declares (`declaredLabels`, from its plugin's registration); otherwise an error that
    /// lists the known ones. A misspelt name is a mistake to report, never an empty list that
    /// reads as "nobody".
    public func checked(in store: any Store, declaredLabels: [String] = []) async throws -> SegmentSelector {
        let segments = try await store.segments().map(\.name)
        guard segments.contains(segment) else { throw SegmentLookupError.unknownSegment(segment, known: segments) }
        if let label {
            let labels = Set(try await store.segmentLabelNames(segment)).union(declaredLabels).sorted()
            guard labels.contains(label) else { throw SegmentLookupError.unknownLabel(label, segment: segment, known: labels) }
        }
        return self
    }
}

/// A segment or label that the store does not know.
public enum SegmentLookupError: Error, LocalizedError, Equatable {
    case unknownSegment(String, known: [String])
    case unknownLabel(String, segment: String, known: [String])

    public var errorDescription: String? {
        switch self {
        case .unknownSegment(let name, let known):
            "no segment '\(name)' has been run" + (known.isEmpty ? "; run `cordial segments run` first" : " (known: \(known.joined(separator: ", ")))")
        case .unknownLabel(let label, let segment, let known):
            "segment '\(segment)' has no label '\(label)'" + (known.isEmpty ? "" : " (known: \(known.joined(separator: ", ")))")
        }
    }
}
