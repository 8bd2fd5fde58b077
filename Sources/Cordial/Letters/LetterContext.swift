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

/// The values a letter template reads, built for one customer in the letter's locale.
/// Values a customer's file lacks are left out rather than blank, so that a section
/// (`{{#customer.email}}…{{/customer.email}}`) skips them and a plain `{{customer.email}}` is
/// an error naming the line (``LetterValueCheck``).
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
        fields(customer: customer, locale: locale, occasion: occasion, sender: sender, organisation: organisation, letterDay: letterDay)
            .mapValues { $0 as [String: Any] }
    }

    /// The same values, typed: every value of a letter's context is a text of an object.
    public static func fields(
        customer: Customer, locale: String, occasion: LetterOccasion, sender: EmailAddress?, organisation: String?, letterDay: Int
    ) -> [String: [String: String]] {
        let format = LocaleFormat(locale)
        var person: [String: String] = [:]
        func put(_ key: String, _ value: String?) {
            if let value, value.contains(where: { !$0.isWhitespace }) { person[key] = value }
        }
        put("name", customer.name.display(locale: locale))
        put("given_name", customer.name.given)
        put("family_name", customer.name.family)
        put("honorific", customer.honorific)
        // The formal forms only from a name that has the part they use: never "Mr " or " 先生".
        let hasGiven = customer.name.given.contains { !$0.isWhitespace }, hasFamily = customer.name.family.contains { !$0.isWhitespace }
        if hasGiven || hasFamily {
            put("formal_name", customer.name.addressed(honorific: customer.honorific, locale: locale))
            let familyFirst = ["zh", "ja", "ko"].contains(format.language)
            if !familyFirst || hasFamily || customer.honorific == nil {
                put("short_name", customer.name.formal(honorific: customer.honorific, locale: locale))
            }
        }
        put("email", customer.emails.first)
        put("phone", customer.phones.first)
        put("city", customer.address?.city)
        put("region", customer.address?.region)
        put("country", customer.address?.country)
        put("tier", customer.tier)
        put("locale", customer.locale)
        put("external_id", customer.externalID)
        if let birthday = customer.birthday, let year = birthday.year {
            put("birthday", format.date(CalendarDays.since1970(year: year, month: birthday.month, day: birthday.day)))
        }
        var context: [String: [String: String]] = ["customer": person, "letter": ["date": format.date(letterDay), "locale": locale]]
        var campaign: [String: String] = [:]
        if let name = occasion.campaign { campaign["name"] = name }
        if let name = occasion.occasion { campaign["occasion"] = name }
        if let day = occasion.actionDay { campaign["date"] = format.date(day) }
        if !campaign.isEmpty { context["campaign"] = campaign }
        if let gift = occasion.gift {
            context["gift"] = ["name": gift.name, "item": gift.code, "catalog": gift.catalog, "cost": format.money(gift.cost)]
        }
        if let event = occasion.event {
            context["event"] = ["name": event.name, "title": event.title, "date": format.date(event.day)]
        }
        if let visit = occasion.visit {
            var fields = ["date": format.date(visit.day), "time": visit.time, "staff": visit.staff]
            if let place = visit.place, !place.isEmpty { fields["place"] = place }
            context["visit"] = fields
        }
        if let feedback = occasion.feedbackCase {
            var fields = ["reference": feedback.reference, "summary": feedback.summary]
            if let finding = feedback.finding, !finding.isEmpty { fields["finding"] = finding }
            if let remedy = feedback.remedy, !remedy.isEmpty { fields["remedy"] = remedy }
            if let day = feedback.followUpDay { fields["follow_up_date"] = format.date(day) }
            context["case"] = fields
        }
        if let sender {
            var fields = ["email": sender.address]
            if let name = sender.name { fields["name"] = name }
            context["sender"] = fields
        }
        if let organisation, !organisation.isEmpty { context["organisation"] = ["name": organisation] }
        return context
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
