/// What an import file may hold. A file past a limit is refused at its line before it is
/// held in memory (a file of 200,000 columns once took 2.4 GB and grew a store by 273 MB).
/// The limits are far above what a customer or purchase file needs.
public enum ImportLimits {
    /// Columns of a CSV record; keys of a JSON Lines object.
    public static let fields = 1_000
    /// Bytes of one field (a CSV field, a JSON string).
    public static let fieldBytes = 64 * 1024
    /// Bytes of one record (a CSV record, newlines inside quotes included; a JSON line).
    public static let recordBytes = 1024 * 1024
    /// Free attributes (columns that are no field) a customer may have.
    public static let attributes = 200
    /// How deep arrays and objects may nest in a JSON Lines value.
    public static let nesting = 32
}
