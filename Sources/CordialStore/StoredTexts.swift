/// The text values of many rows in one byte buffer: what an import binds or copies to its
/// database without a `String` per value (a batch of customers is 18 values a row; as
/// strings, their allocation, copying and freeing were a fifth of an import's time).
package struct StoredTexts: Sendable {
    /// Where one value lies in ``bytes``; a negative count is NULL.
    package struct Span: Sendable {
        package var offset: Int
        package var count: Int
    }

    /// Starts with one byte, so that an empty value has an address (empty is not NULL).
    package private(set) var bytes: [UInt8] = [0]
    package private(set) var spans: [Span] = []

    package init(capacity: Int = 0, values: Int = 0) {
        bytes.reserveCapacity(capacity + 1)
        spans.reserveCapacity(values)
    }

    package var count: Int { spans.count }

    package mutating func append(_ text: String?) {
        guard var text else { return spans.append(Span(offset: 0, count: -1)) }
        let offset = bytes.count
        text.withUTF8 { bytes.append(contentsOf: $0) }
        spans.append(Span(offset: offset, count: bytes.count - offset))
    }

    /// A value `write` appends to the buffer (JSON built in place).
    package mutating func append(writing write: (inout [UInt8]) -> Void) {
        let offset = bytes.count
        write(&bytes)
        spans.append(Span(offset: offset, count: bytes.count - offset))
    }

    /// Value `index` as a string (nil for NULL): for the rare row handled one at a time.
    package func string(at index: Int) -> String? {
        let span = spans[index]
        guard span.count >= 0 else { return nil }
        return String(decoding: bytes[span.offset..<span.offset + span.count], as: UTF8.self)
    }
}
