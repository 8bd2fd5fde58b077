extension Substring {
    /// The text without leading and trailing spaces and tabs. Cheaper than Foundation's
    /// `trimmingCharacters(in:)` when, as in import files, most values have none to trim.
    public func trimmedOfSpaces() -> String {
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        guard let first = utf8.first, let last = utf8.last, isSpace(first) || isSpace(last) else { return String(self) }
        guard let start = utf8.firstIndex(where: { !isSpace($0) }), let end = utf8.lastIndex(where: { !isSpace($0) }) else { return "" }
        return String(self[start...end])
    }
}

extension String {
    /// The text without leading and trailing spaces and tabs.
    public func trimmedOfSpaces() -> String {
        guard let first = utf8.first, let last = utf8.last, first == 0x20 || first == 0x09 || last == 0x20 || last == 0x09 else { return self }
        return self[...].trimmedOfSpaces()
    }
}
