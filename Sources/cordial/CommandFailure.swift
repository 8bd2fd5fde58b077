/// A command could not do its work: ArgumentParser prints `Error: <reason>` on one line
/// (without the usage text that a ValidationError adds) and exits with status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
