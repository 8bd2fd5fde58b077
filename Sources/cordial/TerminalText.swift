extension String {
    /// The text as a terminal should show data from a customer file: control characters
    /// (C0 with newline and tab, DEL, C1) and bidirectional overrides as visible `\x1B`
    /// escapes, so that a name cannot move the cursor, recolour the screen or reverse the
    /// line around it. Used for every value a command prints from the store as text
    /// (`--json` output escapes them already).
    var forTerminal: String {
        guard unicodeScalars.contains(where: Self.isUnsafe) else { return self }
        var shown = ""
        for scalar in unicodeScalars {
            if Self.isUnsafe(scalar) {
                shown += scalar.value <= 0xFF ? "\\x" + String(scalar.value, radix: 16, uppercase: true).leftPadded(2)
                    : "\\u{" + String(scalar.value, radix: 16, uppercase: true) + "}"
            } else {
                shown.unicodeScalars.append(scalar)
            }
        }
        return shown
    }

    private static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
            || (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    private func leftPadded(_ width: Int) -> String {
        String(repeating: "0", count: max(0, width - count)) + self
    }
}
