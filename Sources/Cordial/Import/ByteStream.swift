import Foundation

/// A file's bytes, read in blocks so that an import of any size holds one block in memory.
package struct ByteStream: @unchecked Sendable {  // unchecked: the FileHandle is used by one reader at a time
    private static let blockSize = 1 << 20

    private var block: [UInt8]
    private var index = 0
    private let handle: FileHandle?
    /// Bytes handed out so far; with ``totalBytes``, how far an import has got.
    private(set) var position = 0
    /// Why reading stopped early, if it did: a reader checks this at the end.
    private(set) var readError: (any Error)?
    let totalBytes: Int

    package init(data: Data) {
        block = [UInt8](data)
        handle = nil
        totalBytes = data.count
    }

    init(path: String) throws {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw CocoaError(.fileReadNoSuchFile) }
        self.handle = handle
        totalBytes = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
        block = []
    }

    /// The next byte, or nil at the end.
    @inline(__always)
    mutating func next() -> UInt8? {
        if index == block.count, !refill() { return nil }
        defer { index += 1; position += 1 }
        return block[index]
    }

    /// The next byte without consuming it.
    @inline(__always)
    mutating func peek() -> UInt8? {
        if index == block.count, !refill() { return nil }
        return block[index]
    }

    /// Appends to `field` the bytes up to the next one `isSpecial` accepts (not taken), or
    /// up to the end of the block in hand; returns how many. The CSV reader's fast path
    /// for plain text, which is most of a file.
    @inline(__always)
    mutating func appendRun(into field: inout [UInt8], until isSpecial: (UInt8) -> Bool) -> Int {
        if index == block.count, !refill() { return 0 }
        let start = index
        let end = block.withUnsafeBufferPointer { bytes in
            var at = start
            while at < bytes.count, !isSpecial(bytes[at]) { at += 1 }
            return at
        }
        field.append(contentsOf: block[start..<end])
        index = end
        position += end - start
        return end - start
    }

    /// Whether the next bytes are `prefix`, without consuming them (within the current block:
    /// for the start of a file).
    mutating func startsWith(_ prefix: [UInt8]) -> Bool {
        if index == block.count { _ = refill() }
        return block[index...].starts(with: prefix)
    }

    /// The bytes up to the first newline, without consuming them (for sniffing a header).
    mutating func firstLine() -> ArraySlice<UInt8> {
        if index == block.count { _ = refill() }
        return block[index...].prefix { $0 != UInt8(ascii: "\n") }
    }

    private mutating func refill() -> Bool {
        guard let handle else { return false }
        let data: Data
        do {
            guard let read = try handle.read(upToCount: Self.blockSize), !read.isEmpty else { return false }
            data = read
        } catch {
            readError = error
            return false
        }
        block = [UInt8](data)
        index = 0
        return true
    }
}
