/// What segmentation reads of one customer: profile fields as stored, a purchase summary and
/// the labels the customer has now. Kept flat and cheap to read, because a segment run reads
/// every customer (a million in the benchmark).
public struct CustomerFacts: Sendable, Hashable {
    public var id: CustomerID
    public var source: String
    public var externalID: String
    public var givenName: String
    public var familyName: String
    public var locale: String
    public var tier: String?
    public var city: String?
    public var region: String?
    /// "1990-02-28" or "--02-28" (year unknown).
    public var birthday: String?
    /// Days since 1970-01-01 (UTC) of the customer's creation in the store.
    public var createdDay: Int
    public var tags: [String]
    public var attributes: [String: JSONValue]
    public var purchases: PurchaseFacts
    /// Current label per segment, before this run.
    public var labels: [String: String]
    /// The latest value fit's scores, if the customer had a purchase by its end date.
    public var value: CustomerValue?

    public init(
        id: CustomerID, source: String, externalID: String, givenName: String = "", familyName: String = "",
        locale: String = "en", tier: String? = nil, city: String? = nil, region: String? = nil,
        birthday: String? = nil, createdDay: Int = 0, tags: [String] = [], attributes: [String: JSONValue] = [:],
        purchases: PurchaseFacts = PurchaseFacts(), labels: [String: String] = [:], value: CustomerValue? = nil
    ) {
        self.id = id
        self.source = source
        self.externalID = externalID
        self.givenName = givenName
        self.familyName = familyName
        self.locale = locale
        self.tier = tier
        self.city = city
        self.region = region
        self.birthday = birthday
        self.createdDay = createdDay
        self.tags = tags
        self.attributes = attributes
        self.purchases = purchases
        self.labels = labels
        self.value = value
    }
}

/// A customer's purchases in four numbers. `total` is a Double: it is what a Lua script
/// compares against thresholds, never what is booked (amounts stay exact decimals in the store).
public struct PurchaseFacts: Sendable, Hashable {
    public var count: Int
    public var total: Double
    /// Days since 1970-01-01 (UTC) of the first and last purchase; nil without purchases.
    public var firstDay: Int?
    public var lastDay: Int?

    public init(count: Int = 0, total: Double = 0, firstDay: Int? = nil, lastDay: Int? = nil) {
        self.count = count
        self.total = total
        self.firstDay = firstDay
        self.lastDay = lastDay
    }
}
