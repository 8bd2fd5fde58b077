import CordialStore
import Foundation

/// A one-line progress bar on standard error, drawn only when standard error is a terminal
/// (scripts and logs get no carriage returns) and redrawn at most ten times a second.
final class ProgressBar: @unchecked Sendable {  // unchecked: guarded by `lock`
    private let label: String
    private let lock = NSLock()
    private let enabled = isatty(STDERR_FILENO) == 1
    private var lastDrawn = Date.distantPast
    private var drawn = false

    init(_ label: String) {
        self.label = label
    }

    func update(_ fraction: Double) {
        lock.lock()
        defer { lock.unlock() }
        guard enabled, Date().timeIntervalSince(lastDrawn) >= 0.1 else { return }
        lastDrawn = Date()
        let width = 30
        let done = Int((min(max(fraction, 0), 1) * Double(width)).rounded())
        let bar = String(repeating: "█", count: done) + String(repeating: "·", count: width - done)
        StandardStreams.error("\r\(label) \(bar) \(Int((fraction * 100).rounded()))%")
        drawn = true
    }

    /// Clears the line, so that what is printed next starts clean.
    func finish() {
        guard drawn else { return }
        StandardStreams.error("\r\u{1B}[2K")
        drawn = false
    }
}

/// An import source that moves a progress bar as the store pulls its batches.
struct ShowingProgress<Source: ImportSource>: ImportSource {
    var source: Source
    let bar: ProgressBar
    let fraction: @Sendable (Source) -> Double

    mutating func nextBatch() throws -> ImportBatch? {
        let batch = try source.nextBatch()
        bar.update(fraction(source))
        return batch
    }
}
