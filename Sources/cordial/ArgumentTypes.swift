import ArgumentParser
import CordialCore

/// `SEGMENT` or `SEGMENT:LABEL` on the command line, parsed by the engine's one parser.
extension SegmentSelector: ExpressibleByArgument {
    public init?(argument: String) {
        self.init(argument)
    }
}
