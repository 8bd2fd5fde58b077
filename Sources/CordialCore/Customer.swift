import Foundation

/// A customer's stable identity inside one Cordial store.
public struct CustomerID: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: Int64
    public init(rawValue: Int64) { self.rawValue = rawValue }
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public var description: String { String(rawValue) }
}

/// A customer of the organisation: identity, contacts, preferences and free attributes.
///
/// `source` and `externalID` name the customer in the system the data came from
/// (`crm`/`C-1042`, `cdnow`/`00042`): imports upsert by them.
public struct Customer: Codable, Sendable, Hashable {
    public var id: CustomerID?
    public var source: String
    public var externalID: String
    public var name: PersonName
    /// "Ms.", "先生", "Chị": how letters address the customer.
    public var honorific: String?
    public var emails: [String]
    public var phones: [String]
    public var address: Address?
    public var birthday: Birthday?
    /// BCP 47 language tag: "vi", "zh-Hans", "en-GB".
    public var locale: String
    public var tier: String?
    public var tags: [String]
    /// Free attributes an organisation keeps beyond these fields.
    public var attributes: [String: JSONValue]
    public var createdAt: Date
    public var updatedAt: Date
    /// Incremented by every update; an update of a stale copy is refused.
    public var version: Int

    public init(
        id: CustomerID? = nil, source: String, externalID: String, name: PersonName, honorific: String? = nil,
        emails: [String] = [], phones: [String] = [], address: Address? = nil, birthday: Birthday? = nil,
        locale: String = "en", tier: String? = nil, tags: [String] = [], attributes: [String: JSONValue] = [:],
        createdAt: Date = Date(), updatedAt: Date = Date(), version: Int = 1
    ) {
        self.id = id
        self.source = source
        self.externalID = externalID
        self.name = name
        self.honorific = honorific
        self.emails = emails
        self.phones = phones
        self.address = address
        self.birthday = birthday
        self.locale = locale
        self.tier = tier
        self.tags = tags
        self.attributes = attributes
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.version = version
    }

    /// The name in the customer's own order ("Nguyễn Văn An", "王伟", "Emily Carter").
    public var displayName: String { name.display(locale: locale) }
    /// How a letter addresses the customer ("Chị Lan", "王先生", "Ms. Carter").
    public var formalName: String { name.formal(honorific: honorific, locale: locale) }
}

/// A postal address; `region` and `city` are what segmentation and visit planning use.
public struct Address: Codable, Sendable, Hashable {
    public var lines: [String]
    public var city: String?
    public var region: String?
    public var postalCode: String?
    /// ISO 3166-1 alpha-2: "VN", "CN", "GB".
    public var country: String?

    public init(lines: [String] = [], city: String? = nil, region: String? = nil, postalCode: String? = nil, country: String? = nil) {
        self.lines = lines
        self.city = city
        self.region = region
        self.postalCode = postalCode
        self.country = country
    }
}

/// A birthday whose year may be unknown (customers often give only the day).
public struct Birthday: Codable, Sendable, Hashable, CustomStringConvertible {
    public var year: Int?
    public var month: Int
    public var day: Int

    /// Nil for impossible dates (31 February; 29 February of a common year).
    public init?(year: Int?, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1 else { return nil }
        let lengths = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard day <= lengths[month - 1] else { return nil }
        if let year {
            guard (1850...2200).contains(year) else { return nil }
            let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
            if month == 2 && day == 29 && !leap { return nil }
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// "1990-02-28", or "--02-28" without a year (ISO 8601).
    public var description: String {
        guard let year else { return "--" + monthDay }
        return String(repeating: "0", count: max(0, 4 - String(year).count)) + String(year) + "-" + monthDay
    }

    /// "02-28": the day birthday campaigns look up.
    public var monthDay: String {
        (month < 10 ? "0" : "") + String(month) + (day < 10 ? "-0" : "-") + String(day)
    }
}
