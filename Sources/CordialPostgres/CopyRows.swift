import CordialCore
import CordialStore
import Foundation
import NIOCore

/// Rows in `COPY … FROM STDIN` text format: fields separated by tabs, rows by newlines,
/// `\N` for NULL, and backslash, tab, newline and carriage return escaped in values.
struct CopyRows {
    private(set) var buffer: ByteBuffer
    private var fieldsInRow = 0
    private(set) var count = 0

    init(capacity: Int = 64 * 1024) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    mutating func text(_ value: String?) {
        guard var value else { return text(bytes: nil) }
        value.withUTF8 { text(bytes: $0) }
    }

    /// A value given as its UTF-8 bytes; nil is NULL.
    mutating func text(bytes: UnsafeBufferPointer<UInt8>?) {
        separate()
        guard let bytes else {
            buffer.writeStaticString("\\N")
            return
        }
        // Fast path: nothing to escape (the usual case).
        guard bytes.contains(where: Self.needsEscape) else {
            buffer.writeBytes(bytes)
            return
        }
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\\"): buffer.writeStaticString("\\\\")
            case 0x09: buffer.writeStaticString("\\t")
            case 0x0A: buffer.writeStaticString("\\n")
            case 0x0D: buffer.writeStaticString("\\r")
            default: buffer.writeInteger(byte)
            }
        }
    }

    /// Value `index` of `texts`, whose bytes are `buffer` (`texts.bytes`).
    mutating func text(_ index: Int, of texts: StoredTexts, in buffer: UnsafeBufferPointer<UInt8>) {
        let span = texts.spans[index]
        text(bytes: span.count < 0 ? nil : UnsafeBufferPointer(rebasing: buffer[span.offset..<span.offset + span.count]))
    }

    private static func needsEscape(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "\\") || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    mutating func integer(_ value: Int64?) {
        separate()
        if let value { buffer.writeString(String(value)) } else { buffer.writeStaticString("\\N") }
    }

    /// A double as PostgreSQL reads it back exactly (NaN and infinities as NULL: the
    /// store's "not converged").
    mutating func double(_ value: Double?) {
        separate()
        if let value, value.isFinite { buffer.writeString("\(value)") } else { buffer.writeStaticString("\\N") }
    }

    mutating func time(_ value: Date) {
        separate()
        buffer.writeString(PostgresTime.text(value))
    }

    /// Text written as is (already formatted, with nothing to escape).
    mutating func raw(_ text: String) {
        separate()
        buffer.writeString(text)
    }

    mutating func endRow() {
        buffer.writeInteger(UInt8(0x0A))
        fieldsInRow = 0
        count += 1
    }

    mutating func clear() {
        buffer.clear()
        count = 0
    }

    private mutating func separate() {
        if fieldsInRow > 0 { buffer.writeInteger(UInt8(0x09)) }
        fieldsInRow += 1
    }
}

/// Times as the store keeps them: milliseconds, as SQLite's store does, so that both
/// backends give back the same instants.
enum PostgresTime {
    static func stored(_ date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 * 1_000).rounded(.down) / 1_000)
    }

    /// "2024-01-01 12:30:00.123+00", as `COPY` reads a `timestamptz`.
    static func text(_ date: Date) -> String {
        StoredTime.text(milliseconds: Int64((date.timeIntervalSince1970 * 1_000).rounded(.down))) + "+00"
    }
}
