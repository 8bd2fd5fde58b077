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
        func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }
        // A native string's bytes are read in place (`utf8.last` walks the generic path).
        let edged = utf8.withContiguousStorageIfAvailable { bytes in
            guard let first = bytes.first, let last = bytes.last else { return false }
            return isSpace(first) || isSpace(last)
        } ?? (utf8.first.map(isSpace) == true || utf8.last.map(isSpace) == true)
        return edged ? self[...].trimmedOfSpaces() : self
    }
}
