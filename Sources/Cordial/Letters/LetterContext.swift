import CordialCore
import Foundation

/// A visit a letter confirms: the day, the time, who comes and where.
public struct LetterVisit: Sendable, Hashable {
    public var day: Int
    /// "14:30", as the visit's schedule gives it.
    public var time: String
    public var staff: String
    public var place: String?

    public init(day: Int, time: String, staff: String, place: String? = nil) {
        self.day = day
        self.time = time
        self.staff = staff
        self.place = place
    }
}

/// A feedback case a letter answers: its reference, what the customer told us, what we
/// found, what we will do, and when we follow up.
public struct LetterCase: Sendable, Hashable {
    public var reference: String
    public var summary: String
    public var finding: String?
    public var remedy: String?
    public var followUpDay: Int?

    public init(reference: String, summary: String, finding: String? = nil, remedy: String? = nil, followUpDay: Int? = nil) {
        self.reference = reference
        self.summary = summary
        self.finding = finding
        self.remedy = remedy
        self.followUpDay = followUpDay
    }
}

/// What a letter is about beyond the customer: the campaign and occasion, the day it acts
/// on, the gift that goes with it, the event the customer is invited to, the visit it
/// confirms, the feedback case it answers.
public struct LetterOccasion: Sendable {
    public var campaign: String?
    public var occasion: String?
    /// The day of the action (days since 1970).
    public var actionDay: Int?
    /// The action's idempotency key (the letter's Message-ID is made from it).
    public var actionKey: String?
    public var gift: GiftItem?
    public var event: (name: String, title: String, day: Int)?
    public var visit: LetterVisit?
    public var feedbackCase: LetterCase?

    public init(campaign: String? = nil, occasion: String? = nil, actionDay: Int? = nil, actionKey: String? = nil, gift: GiftItem? = nil,
                event: (name: String, title: String, day: Int)? = nil, visit: LetterVisit? = nil, feedbackCase: LetterCase? = nil) {
        self.campaign = campaign
        self.occasion = occasion
        self.actionDay = actionDay
        self.actionKey = actionKey
        self.gift = gift
        self.event = event
        self.visit = visit
        self.feedbackCase = feedbackCase
    }
}

extension LetterOccasion {
    /// Whether a letter about `other` reads the same values (the action's key, which only
    /// makes the Message-ID, aside).
    func hasSameValues(as other: LetterOccasion) -> Bool {
        campaign == other.campaign && occasion == other.occasion && actionDay == other.actionDay && gift == other.gift
            && event?.name == other.event?.name && event?.title == other.event?.title && event?.day == other.event?.day
            && visit == other.visit && feedbackCase == other.feedbackCase
    }
}

/// The values a letter template reads, built for one customer in the letter's locale.
/// Values a customer's file lacks (or that hold only spaces) are left out rather than blank, so that a section
/// (`{{#customer.email}}…{{/customer.email}}`) skips them and a plain `{{customer.email}}` is
/// an error naming the line (the strict render of ``MustacheEngine``).
///
/// - `customer`: `name`, `given_name`, `family_name`, `honorific`, `formal_name` ("Ông
///   Nguyễn Văn An", "王先生", "Mr Smith"), `short_name` ("Ông An"), `email`, `phone`,
///   `city`, `region`, `country`, `tier`, `locale`, `birthday`, `external_id`
/// - `campaign`: `name`, `occasion`, `date`; `gift`: `name`, `item`, `catalog`, `cost`;
///   `event`: `name`, `title`, `date`; `visit`: `date`, `time`, `staff`, `place`; `case`:
///   `reference`, `summary`, `finding`, `remedy`, `follow_up_date`
/// - `sender`: `name`, `email`; `organisation`: `name`; `letter`: `date`, `locale`
public enum LetterContext {
    public static let roots = ["customer", "campaign", "gift", "event", "visit", "case", "sender", "organisation", "letter"]

    public static func make(
        customer: Customer, locale: String, occasion: LetterOccasion, sender: EmailAddress?, organisation: String?, letterDay: Int
    ) -> [String: Any] {
        values(customer: customer, locale: locale, occasion: occasion, sender: sender, organisation: organisation, letterDay: letterDay)
            .mapValues { $0.plainTexts as [String: Any] }
    }

    /// The same values as the engine reads them: each object's texts made once, in place.
    static func values(
        customer: Customer, locale: String, occasion: LetterOccasion, sender: EmailAddress?, organisation: String?, letterDay: Int
    ) -> [String: LetterValues] {
        var context = occasionValues(occasion: occasion, locale: locale, sender: sender, organisation: organisation, letterDay: letterDay)
        context["customer"] = customerValues(customer: customer, locale: locale, format: LocaleFormat(locale))
        return context
    }

    /// The customer's own values (`customer`), in `locale` (whose `format` is given: a run
    /// makes it once).
    static func customerValues(customer: Customer, locale: String, format: LocaleFormat) -> LetterValues {
        var person = Texts(capacity: 16)
        person.put("name", customer.name.display(locale: locale))
        person.put("given_name", customer.name.given)
        person.put("family_name", customer.name.family)
        person.put("honorific", customer.honorific)
        // The formal forms only from a name that has the part they use: never "Mr " or " 先生".
        let hasGiven = Texts.hasText(customer.name.given), hasFamily = Texts.hasText(customer.name.family)
        if hasGiven || hasFamily {
            person.put("formal_name", customer.name.addressed(honorific: customer.honorific, locale: locale))
            let familyFirst = ["zh", "ja", "ko"].contains(format.language)
            if !familyFirst || hasFamily || customer.honorific == nil {
                person.put("short_name", customer.name.formal(honorific: customer.honorific, locale: locale))
            }
        }
        person.put("email", customer.emails.first)
        person.put("phone", customer.phones.first)
        person.put("city", customer.address?.city)
        person.put("region", customer.address?.region)
        person.put("country", customer.address?.country)
        person.put("tier", customer.tier)
        person.put("locale", customer.locale)
        person.put("external_id", customer.externalID)
        if let birthday = customer.birthday, let year = birthday.year {
            person.put("birthday", format.date(CalendarDays.since1970(year: year, month: birthday.month, day: birthday.day)))
        }
        return person.values ?? LetterValues([:])
    }

    /// The values every letter of one occasion and day shares (`campaign`, `gift`, `event`,
    /// `visit`, `case`, `sender`, `organisation`, `letter`): a run makes them once for all its
    /// customers.
    static func occasionValues(
        occasion: LetterOccasion, locale: String, sender: EmailAddress?, organisation: String?, letterDay: Int
    ) -> [String: LetterValues] {
        let format = LocaleFormat(locale)
        var context: [String: LetterValues] = [:]
        context.reserveCapacity(10)
        context["letter"] = Texts.object(["date": format.date(letterDay), "locale": locale])
        var campaign = Texts(capacity: 3)
        campaign.put("name", occasion.campaign)
        campaign.put("occasion", occasion.occasion)
        campaign.put("date", occasion.actionDay.map(format.date))
        context["campaign"] = campaign.values
        if let gift = occasion.gift {
            context["gift"] = Texts.object(["name": gift.name, "item": gift.code, "catalog": gift.catalog, "cost": format.money(gift.cost)])
        }
        if let event = occasion.event {
            context["event"] = Texts.object(["name": event.name, "title": event.title, "date": format.date(event.day)])
        }
        if let visit = occasion.visit {
            var fields = Texts(capacity: 4)
            fields.put("date", format.date(visit.day))
            fields.put("time", visit.time)
            fields.put("staff", visit.staff)
            fields.put("place", visit.place)
            context["visit"] = fields.values
        }
        if let feedback = occasion.feedbackCase {
            var fields = Texts(capacity: 5)
            fields.put("reference", feedback.reference)
            fields.put("summary", feedback.summary)
            fields.put("finding", feedback.finding)
            fields.put("remedy", feedback.remedy)
            fields.put("follow_up_date", feedback.followUpDay.map(format.date))
            context["case"] = fields.values
        }
        if let sender {
            var fields = Texts(capacity: 2)
            fields.put("email", sender.address)
            fields.put("name", sender.name)
            context["sender"] = fields.values
        }
        if let organisation { context["organisation"] = Texts.object(["name": organisation]) }
        return context
    }

    /// One object's texts as they are put: a value that is absent or only spaces is left out.
    private struct Texts {
        private var fields: [String: LetterValue] = [:]

        init(capacity: Int) { fields.reserveCapacity(capacity) }

        /// The object, or nil when none of its values is there: an object with nothing in it
        /// is left out like a value, so a section over it is skipped.
        var values: LetterValues? { fields.isEmpty ? nil : LetterValues(fields) }

        mutating func put(_ key: String, _ value: String?) {
            if let value, Self.hasText(value) { fields[key] = .text(value) }
        }

        /// An object of a few texts at once.
        static func object(_ texts: KeyValuePairs<String, String>) -> LetterValues? {
            var fields = Texts(capacity: texts.count)
            for (key, text) in texts { fields.put(key, text) }
            return fields.values
        }

        /// Whether the text has anything but white space (ASCII read byte by byte, the rest by character).
        static func hasText(_ text: String) -> Bool {
            for byte in text.utf8 {
                if byte >= 0x80 { return text.contains { !$0.isWhitespace } }
                if byte != 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D, byte != 0x0B, byte != 0x0C { return true }
            }
            return false
        }
    }

    /// A context with every value present, for lint: a variable it cannot resolve is one no
    /// letter can ever fill.
    public static func complete(locale: String) -> [String: Any] {
        let customer = Customer(
            source: "lint", externalID: "L-1", name: PersonName(given: "Văn An", family: "Nguyễn"), honorific: "Ông",
            emails: ["an@example.com"], phones: ["+84 90 000 0000"],
            address: Address(lines: ["1 Lê Lợi"], city: "Huế", region: "Thừa Thiên Huế", postalCode: nil, country: "VN"),
            birthday: Birthday(year: 1980, month: 2, day: 15), locale: locale, tier: "gold")
        let gift = GiftItem(catalog: "lint", code: "item", name: "Gift", cost: Money(100, "VND"), stock: 1)
        return make(
            customer: customer, locale: locale,
            occasion: LetterOccasion(
                campaign: "lint", occasion: "birthday:2025", actionDay: 20_000, actionKey: "k", gift: gift, event: ("gala", "Gala", 20_010),
                visit: LetterVisit(day: 20_005, time: "14:30", staff: "Lê Thu Hà", place: "1 Lê Lợi"),
                feedbackCase: LetterCase(reference: "FB-1", summary: "s", finding: "f", remedy: "r", followUpDay: 20_007)),
            sender: EmailAddress("Care <care@example.com>"), organisation: "Organisation", letterDay: 20_000)
    }
}
