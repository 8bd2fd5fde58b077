/// A day a locale's calendar keeps, and how its date is found each year.
public struct Holiday: Sendable, Hashable {
    /// How the date falls.
    public enum Rule: Sendable, Hashable {
        /// The same Gregorian day every year.
        case fixed(month: Int, day: Int)
        /// A day of the locale's lunisolar calendar (the common month, never a leap one).
        case lunar(month: Int, day: Int)
        /// The day the Sun reaches a longitude (a solar term: 15° is Qingming).
        case solarTerm(longitude: Int)
    }

    /// The name plugins and the command line use: `lunar-new-year`, `mid-autumn`.
    public let id: String
    /// Other names that mean it in this locale: `tet`, `spring-festival`.
    public let aliases: [String]
    /// The name in the locale's own language: "Tết Nguyên Đán", "春节".
    public let name: String
    public let rule: Rule

    public init(_ id: String, aliases: [String] = [], name: String, _ rule: Rule) {
        self.id = id
        self.aliases = aliases
        self.name = name
        self.rule = rule
    }

    /// True when `name` is its id or one of its aliases.
    public func isNamed(_ name: String) -> Bool { id == name || aliases.contains(name) }
}
