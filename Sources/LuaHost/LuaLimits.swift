/// The limits of one ``LuaState``.
///
/// ```swift
/// let state = try LuaState(limits: LuaLimits(memoryBytes: 32 << 20, timeSeconds: 0.5))
/// ```
public struct LuaLimits: Sendable, Equatable {
    /// Memory cap in bytes; nil for none. Crossing it is fatal to the running call.
    public var memoryBytes: Int?
    /// Wall-clock budget of each call from the host, in seconds; nil for none.
    public var timeSeconds: Double?

    /// 64 MiB and 5 seconds: generous for a plugin handler, tight for a runaway script.
    public static let `default` = LuaLimits(memoryBytes: 64 << 20, timeSeconds: 5)
    /// No limits, for trusted code and benchmarks of the bare interpreter.
    public static let unlimited = LuaLimits(memoryBytes: nil, timeSeconds: nil)

    public init(memoryBytes: Int? = 64 << 20, timeSeconds: Double? = 5) {
        self.memoryBytes = memoryBytes
        self.timeSeconds = timeSeconds
    }

    /// "0.5 s", as the time-limit message shows it.
    var timeText: String {
        guard let timeSeconds else { return "" }
        let rounded = (timeSeconds * 1000).rounded() / 1000
        return rounded == rounded.rounded() ? "\(Int(rounded)) s" : "\(rounded) s"
    }

    /// "64 MB" or "512 KB", as the memory-limit message shows it.
    var memoryText: String {
        guard let memoryBytes else { return "" }
        if memoryBytes >= 1 << 20, memoryBytes % (1 << 20) == 0 { return "\(memoryBytes >> 20) MB" }
        if memoryBytes >= 1 << 10 { return "\(memoryBytes >> 10) KB" }
        return "\(memoryBytes) bytes"
    }
}
