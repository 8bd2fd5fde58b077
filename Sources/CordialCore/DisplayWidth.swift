/// How many terminal columns text takes: Chinese, Japanese and Korean characters take two,
/// combining marks none (so 王杰 lines up with "Chloe Brown", and decomposed Vietnamese with
/// precomposed). Tables in the command line and `cordial.format.pad` in Lua align by it.
public enum DisplayWidth {
    public static func of(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { width, scalar in
            if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark { return width }
            switch scalar.value {
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                return width + 2
            default:
                return width + 1
            }
        }
    }

    /// `text` with spaces after it (or before it, `alignRight`) up to `width` columns; text
    /// as wide or wider is returned as it is.
    public static func padded(_ text: String, to width: Int, alignRight: Bool = false) -> String {
        let spaces = String(repeating: " ", count: max(0, width - of(text)))
        return alignRight ? spaces + text : text + spaces
    }
}
