/// When a care item falls due for a customer: a birthday, the anniversary of the first
/// purchase, a holiday of the customer's locale, a recurring date, or days after an event.
///
/// Each occurrence has an *instance* (`birthday:2026`, `holiday:lunar-new-year:2026`,
/// `quarter:2026-Q1`, `after-purchase:2026-03-14`) that, with the campaign, the customer and
/// the care form, makes an action's idempotency key: the same occurrence is never acted on
/// twice, whichever plan or process gets to it.
public enum Occasion: Sendable, Hashable, CustomStringConvertible {
    /// `leadDays` before the customer's birthday (29 February is kept on 28 February in
    /// common years).
    case birthday(leadDays: Int)
    /// `leadDays` before each anniversary of the customer's first purchase.
    case anniversary(leadDays: Int)
    /// `leadDays` before a holiday of the customer's locale (``HolidayCalendar``); customers
    /// whose locale does not keep it have no occurrence.
    case holiday(name: String, leadDays: Int)
    /// On a recurring date: every month or quarter on a day of the month (clamped to the
    /// month's last day), or every `days` days counted from `start`.
    case every(Recurrence)
    /// `days` after each day the customer had such an event.
    case after(event: Event, days: Int)

    public enum Recurrence: Sendable, Hashable {
        case month(day: Int)
        case quarter(day: Int)
        case days(Int, start: Int)
    }

    /// Events an occasion can follow. Complaints resolved arrive with the feedback records.
    public enum Event: String, Sendable, Hashable, CaseIterable {
        case purchase, visit
    }

    /// An occurrence: the instance that keys it, the day of the occasion and the day to act.
    public struct Instance: Sendable, Hashable {
        public let key: String
        public let occasionDay: Int
        public let actionDay: Int
    }

    /// What a customer's occurrences depend on (days counted from 1970-01-01).
    public struct Facts: Sendable {
        public var birthday: Birthday?
        public var firstPurchaseDay: Int?
        public var locale: String
        /// Days with an event of each kind, any order.
        public var eventDays: [Event: [Int]]

        public init(birthday: Birthday? = nil, firstPurchaseDay: Int? = nil, locale: String = "en", eventDays: [Event: [Int]] = [:]) {
            self.birthday = birthday
            self.firstPurchaseDay = firstPurchaseDay
            self.locale = locale
            self.eventDays = eventDays
        }
    }

    /// The day of a holiday (name, year, locale), or nil where the locale does not keep it;
    /// planners pass a cached ``HolidayCalendar`` lookup.
    public typealias HolidayLookup = (_ name: String, _ year: Int, _ locale: String) -> Int?

    /// Every occurrence whose action day falls in `window` (days, both ends included), in
    /// day order.
    public func occurrences(in window: ClosedRange<Int>, of facts: Facts, holidays: HolidayLookup) -> [Instance] {
        let firstYear = Self.year(ofDay: window.lowerBound), lastYear = Self.year(ofDay: window.upperBound)
        var found: [Instance] = []
        func consider(_ key: String, _ occasionDay: Int, lead: Int) {
            let action = occasionDay - lead
            if window.contains(action) { found.append(Instance(key: key, occasionDay: occasionDay, actionDay: action)) }
        }
        // Yearly occasions: a lead of up to 366 days moves an action into the year before, or
        // (1 January, 366 days ahead of a common year) two years before.
        let yearlyRange = firstYear...(lastYear + 2)
        switch self {
        case .birthday(let lead):
            guard let birthday = facts.birthday else { break }
            for year in yearlyRange where birthday.year.map({ year >= $0 }) ?? true {
                consider("birthday:\(year)", Self.day(year: year, month: birthday.month, clampingDay: birthday.day), lead: lead)
            }
        case .anniversary(let lead):
            guard let first = facts.firstPurchaseDay else { break }
            let (firstYear, month, day) = Self.date(ofDay: first)
            for year in yearlyRange where year > firstYear {
                consider("anniversary:\(year)", Self.day(year: year, month: month, clampingDay: day), lead: lead)
            }
        case .holiday(let name, let lead):
            for year in yearlyRange {
                guard let day = holidays(name, year, facts.locale) else { continue }
                consider("holiday:\(name):\(year)", day, lead: lead)
            }
        case .every(.month(let dayOfMonth)):
            for year in firstYear...lastYear {
                for month in 1...12 {
                    let key = "month:\(year)-\(month < 10 ? "0" : "")\(month)"
                    consider(key, Self.day(year: year, month: month, clampingDay: dayOfMonth), lead: 0)
                }
            }
        case .every(.quarter(let dayOfMonth)):
            for year in firstYear...lastYear {
                for quarter in 1...4 {
                    consider("quarter:\(year)-Q\(quarter)", Self.day(year: year, month: quarter * 3 - 2, clampingDay: dayOfMonth), lead: 0)
                }
            }
        case .every(.days(let interval, let start)):
            // The first occurrence on or after the window's start (none before `start`).
            let from = max(window.lowerBound, start)
            var day = start + ((from - start + interval - 1) / interval) * interval
            while day <= window.upperBound {
                consider("every-\(interval)d:\(CalendarDays.text(ofDay: day))", day, lead: 0)
                day += interval
            }
        case .after(let event, let days):
            for eventDay in Set(facts.eventDays[event] ?? []) {
                consider("after-\(event.rawValue):\(CalendarDays.text(ofDay: eventDay))", eventDay + days, lead: 0)
            }
        }
        return found.sorted { ($0.actionDay, $0.key) < ($1.actionDay, $1.key) }
    }

    public var description: String {
        switch self {
        case .birthday(let lead): lead == 0 ? "birthday" : "\(lead) days before the birthday"
        case .anniversary(let lead): lead == 0 ? "anniversary" : "\(lead) days before the anniversary"
        case .holiday(let name, let lead): lead == 0 ? "holiday \(name)" : "\(lead) days before holiday \(name)"
        case .every(.month(let day)): "every month on day \(day)"
        case .every(.quarter(let day)): "every quarter on day \(day)"
        case .every(.days(let days, let start)): "every \(days) days from \(CalendarDays.text(ofDay: start))"
        case .after(let event, let days): "\(days) days after a \(event.rawValue)"
        }
    }

    /// The day of `day` of a month, or the month's last day when it has fewer days (31 →
    /// 30 April; 29 February → 28 February in a common year).
    static func day(year: Int, month: Int, clampingDay day: Int) -> Int {
        CalendarDays.since1970(year: year, month: month, day: min(day, CalendarDays.daysIn(month: month, year: year)))
    }

    static func year(ofDay day: Int) -> Int { date(ofDay: day).year }

    static func date(ofDay day: Int) -> (year: Int, month: Int, day: Int) {
        let text = Array(CalendarDays.text(ofDay: day).utf8)
        func number(_ range: Range<Int>) -> Int { range.reduce(0) { $0 * 10 + Int(text[$1] - 48) } }
        return (number(0..<4), number(5..<7), number(8..<10))
    }
}
