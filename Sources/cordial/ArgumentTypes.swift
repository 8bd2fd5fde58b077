import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `SEGMENT` or `SEGMENT:LABEL` on the command line, parsed by the engine's one parser.
extension SegmentSelector: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}

/// The selector checked against the store: a misspelt segment or label fails the command
/// with the known names.
func checked(_ selector: SegmentSelector?, in store: any Store, plugins: PluginOptions) async throws -> SegmentSelector? {
    guard let selector else { return nil }
    // A declared label nobody holds yet is still a label: the plugins say which they declare.
    let declared = selector.label == nil ? [] : (plugins.registry().0.segment(named: selector.segment)?.segment.labels ?? [])
    do {
        return try await selector.checked(in: store, declaredLabels: declared)
    } catch let error as SegmentLookupError {
        throw CommandFailure(error.localizedDescription)
    }
}
