import CordialCore
import Foundation

/// A made-up organisation with customers in Vietnam, China and the English-speaking world,
/// for the README's demo, tests and benchmarks. The same seed always gives the same file.
///
/// ```swift
/// try DemoOrganisation(seed: 42).writeCustomers(count: 1_000) { csv += $0 }
/// ```
public struct DemoOrganisation {
    public var seed: UInt64

    public init(seed: UInt64 = 42) {
        self.seed = seed
    }

    /// The `count` customers, in order; customer `n` is the same whatever `count` is.
    public func customer(_ number: Int) -> Customer {
        var random = SplitMix64(seed: seed &+ UInt64(number) &* 0x9E37_79B9_7F4A_7C15)
        let people = random.next(below: 10)
        let locale = people < 5 ? "vi" : people < 8 ? "zh" : "en"
        let place = random.pick(Self.places[locale]!)
        var name: PersonName
        var honorific: String
        let female = random.next(below: 2) == 0
        switch locale {
        case "vi":
            let middle = female ? "Thị" : random.pick(["Văn", "Minh", "Quốc", "Đức", "Hữu"])
            name = PersonName(given: middle + " " + random.pick(female ? Self.viFemale : Self.viMale), family: random.pick(Self.viFamily))
            honorific = female ? "Chị" : "Anh"
        case "zh":
            name = PersonName(given: random.pick(female ? Self.zhFemale : Self.zhMale), family: random.pick(Self.zhFamily))
            honorific = female ? "女士" : "先生"
        default:
            name = PersonName(given: random.pick(female ? Self.enFemale : Self.enMale), family: random.pick(Self.enFamily))
            honorific = female ? "Ms." : "Mr."
        }
        let year = 1950 + random.next(below: 55)
        let month = 1 + random.next(below: 12)
        let day = 1 + random.next(below: 28)
        let knowsYear = random.next(below: 5) != 0
        let tierRoll = random.next(below: 100)
        let tier = tierRoll < 5 ? "platinum" : tierRoll < 20 ? "gold" : tierRoll < 50 ? "silver" : nil
        var tags: [String] = []
        if random.next(below: 4) == 0 { tags.append("newsletter") }
        if random.next(below: 10) == 0 { tags.append("b2b") }
        let externalID = String(format: "D%07d", number)
        var attributes: [String: JSONValue] = ["preferred_channel": .string(random.pick(["letter", "email", "phone", "visit"]))]
        // About one customer in twelve was referred by an earlier one (influence value).
        if number > 1, random.next(below: 12) == 0 {
            attributes["referred_by"] = .string(String(format: "D%07d", 1 + random.next(below: number - 1)))
        }
        return Customer(
            source: "demo", externalID: externalID, name: name, honorific: honorific,
            emails: ["\(externalID.lowercased())@example.\(place.domain)"],
            phones: [String(format: "\(place.dialling) %03d %03d %03d", random.next(below: 1000), random.next(below: 1000), random.next(below: 1000))],
            address: Address(lines: ["\(1 + random.next(below: 300)) \(random.pick(place.streets))"], city: place.city,
                             region: place.region, country: place.country),
            birthday: Birthday(year: knowsYear ? year : nil, month: month, day: day),
            locale: locale, tier: tier, tags: tags,
            attributes: attributes, createdAt: Self.epoch, updatedAt: Self.epoch)
    }

    /// Writes `count` customers as CSV (the importer's columns), in pieces, never all at once.
    public func writeCustomers(count: Int, to write: (String) throws -> Void) throws {
        let attributeColumns = ["preferred_channel", "referred_by"]
        try write(CustomerExporter.csvLine(CustomerExporter.columns + attributeColumns))
        guard count > 0 else { return }
        for number in 1...count {
            try write(CustomerExporter.csvRow(customer(number), attributeColumns: attributeColumns))
        }
    }

    /// The purchase columns ``writePurchases(count:to:)`` writes (what `import transactions` reads).
    public static let purchaseColumns = ["order_id", "customer_id", "date", "amount", "currency", "quantity", "channel", "product", "category"]

    /// Customer `number`'s purchases, oldest first, as CSV fields in ``purchaseColumns``
    /// order: none to a few dozen over 2022–2024 (more for higher tiers), some customers
    /// lapsed early, amounts in VND. The same for a given seed and number, whatever else
    /// is generated.
    public func purchases(ofCustomer number: Int) -> [[String]] {
        let customer = customer(number)
        var random = SplitMix64(seed: (seed ^ 0x5EED_0F_5A1E5) &+ UInt64(number) &* 0xD1B5_4A32_D192_ED03)
        let (perYear, spend): (Int, Int) = switch customer.tier {
        case "platinum": (14, 4)
        case "gold": (8, 2)
        case "silver": (4, 1)
        default: (2, 1)
        }
        let start = Self.purchasesStart + random.next(below: 365)  // first day as a customer
        // A third of customers lapse at some point; the rest stay to the end of 2024.
        let end = random.next(below: 3) == 0 ? start + random.next(below: max(1, Self.purchasesEnd - start)) : Self.purchasesEnd
        let days = max(1, end - start)
        let count = random.next(below: 2 * perYear * days / 365 + 1)
        let times = (0..<count).map { _ in start + random.next(below: days) }.sorted()
        return times.enumerated().map { index, day in
            let product = random.pick(Self.products)
            let quantity = 1 + random.next(below: 3)
            let amount = (product.price * spend * quantity * (80 + random.next(below: 41)) / 100) / 1_000 * 1_000
            let date = Date(timeIntervalSince1970: Double(day) * 86_400)
            return [
                "\(customer.externalID)-\(index + 1)", customer.externalID, date.formatted(.iso8601.year().month().day()), String(amount), "VND",
                String(quantity), random.pick(["store", "online", "phone"]), product.name, product.category,
            ]
        }
    }

    /// Writes the purchases of customers 1...`count` as CSV, in pieces.
    public func writePurchases(count: Int, to write: (String) throws -> Void) throws {
        try write(CustomerExporter.csvLine(Self.purchaseColumns))
        guard count > 0 else { return }
        for number in 1...count {
            for purchase in purchases(ofCustomer: number) { try write(CustomerExporter.csvLine(purchase)) }
        }
    }

    struct Product {
        var name: String
        var category: String
        var price: Int
    }

    static let products = [
        Product(name: "Trà Shan Tuyết 200g", category: "tea", price: 320_000),
        Product(name: "Bộ ấm chén Bát Tràng", category: "ceramics", price: 1_450_000),
        Product(name: "龙井茶 250g", category: "tea", price: 560_000),
        Product(name: "Gift box Tết", category: "gifts", price: 890_000),
        Product(name: "Cà phê Robusta 500g", category: "coffee", price: 210_000),
        Product(name: "Tea tasting workshop", category: "events", price: 650_000),
    ]

    /// Days since 1970 of 2022-01-01 and 2024-12-31, the span of the demo's purchases.
    static let purchasesStart = CalendarDays.since1970(year: 2022, month: 1, day: 1)
    static let purchasesEnd = CalendarDays.since1970(year: 2024, month: 12, day: 31)

    /// Fixed times, so that a customer is the same value on every run (2024-01-01).
    static let epoch = Date(timeIntervalSince1970: 1_704_067_200)

    struct Place {
        var city: String
        var region: String
        var country: String
        var domain: String
        var dialling: String
        var streets: [String]
    }

    static let places: [String: [Place]] = [
        "vi": [
            Place(city: "Hà Nội", region: "Miền Bắc", country: "VN", domain: "vn", dialling: "+84", streets: ["Hàng Bạc", "Lý Thường Kiệt", "Phố Huế"]),
            Place(city: "TP. Hồ Chí Minh", region: "Miền Nam", country: "VN", domain: "vn", dialling: "+84", streets: ["Nguyễn Huệ", "Lê Lợi", "Hai Bà Trưng"]),
            Place(city: "Đà Nẵng", region: "Miền Trung", country: "VN", domain: "vn", dialling: "+84", streets: ["Bạch Đằng", "Trần Phú"]),
        ],
        "zh": [
            Place(city: "上海", region: "华东", country: "CN", domain: "cn", dialling: "+86", streets: ["南京路", "淮海路"]),
            Place(city: "北京", region: "华北", country: "CN", domain: "cn", dialling: "+86", streets: ["长安街", "王府井大街"]),
            Place(city: "广州", region: "华南", country: "CN", domain: "cn", dialling: "+86", streets: ["北京路", "天河路"]),
        ],
        "en": [
            Place(city: "London", region: "England", country: "GB", domain: "co.uk", dialling: "+44", streets: ["High Street", "Station Road"]),
            Place(city: "Manchester", region: "England", country: "GB", domain: "co.uk", dialling: "+44", streets: ["Deansgate", "Market Street"]),
            Place(city: "Singapore", region: "Central", country: "SG", domain: "sg", dialling: "+65", streets: ["Orchard Road", "Bukit Timah Road"]),
        ],
    ]
    static let viFamily = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ"]
    static let viFemale = ["Lan", "Hương", "Mai", "Hà", "Linh", "Thảo", "Ngọc", "Trang"]
    static let viMale = ["An", "Bảo", "Dũng", "Hùng", "Khoa", "Long", "Minh", "Tuấn"]
    static let zhFamily = ["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"]
    static let zhFemale = ["芳", "娜", "敏", "静", "丽", "秀英", "婷"]
    static let zhMale = ["伟", "强", "磊", "军", "洋", "勇", "杰"]
    static let enFamily = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Davies", "Evans"]
    static let enFemale = ["Emily", "Olivia", "Sophie", "Grace", "Chloe", "Amelia"]
    static let enMale = ["James", "Oliver", "Harry", "Jack", "George", "Thomas"]
}

/// A small, fast, seedable generator (SplitMix64): the same seed gives the same sequence
/// on every platform, unlike the system generator. Public for the benchmarks' data.
public struct SplitMix64 {
    var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func next(below bound: Int) -> Int { Int(next() % UInt64(bound)) }

    public mutating func pick<T>(_ items: [T]) -> T { items[next(below: items.count)] }
}
