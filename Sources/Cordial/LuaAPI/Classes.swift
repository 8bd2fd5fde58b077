import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// The table shapes the API hands to Lua and takes from it, documented field by field.
extension LuaAPI {
    /// The customer view; ``CustomerView`` builds exactly these fields (a test checks it).
    public static let customerClass = LuaAPIClass("cordial.Customer", "A customer as handlers see it: a read-only copy; unknown fields are errors.", fields: [
        .init("id", "integer", "store id"),
        .init("source", "string", "the system the customer came from (\"crm\", \"cdnow\")"),
        .init("external_id", "string", "the id in that system"),
        .init("given_name", "string", "given name"),
        .init("family_name", "string", "family name"),
        .init("name", "string", "the name as written in the customer's locale (family name first in vi and zh)"),
        .init("locale", "string", "\"vi\", \"zh\", \"en\", …"),
        .init("tier", "string?", "tier, if any"),
        .init("city", "string?", "city of the address"),
        .init("region", "string?", "region of the address"),
        .init("birthday", "string?", "\"YYYY-MM-DD\", or \"--MM-DD\" when the year is unknown"),
        .init("created", "string", "the day the customer entered the store, \"YYYY-MM-DD\""),
        .init("tags", "table<string, true>", "the customer's tags as a set: `if c.tags.vip then`"),
        .init("attributes", "table<string, any>", "free attributes from imports"),
        .init("purchases", "cordial.PurchaseSummary", "count, total, first, last, days_since_last"),
        .init("segments", "table<string, string>", "current label per segment (before the running segment's run); nil for a known segment without a label for the customer; an error for a name no loaded plugin registers and the store never ran (scripts of `cordial run` know the store's segments)"),
        .init("value", "cordial.CustomerValue", "scores and models the host computes"),
    ])

    public static let classes: [LuaAPIClass] = [
        LuaAPIClass("cordial.Manifest", "What `cordial.plugin` declares.", fields: [
            .init("name", "string", "the plugin's name: its folder's name"),
            .init("version", "string", "semantic version, \"1.2.0\""),
            .init("api", "integer", "the cordial API version the plugin targets (this host: \(CordialVersion.luaAPI))"),
            .init("description", "string?", "one line for `cordial plugins list`"),
            .init("permissions", "string[]?", Permission.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")),
        ]),
        LuaAPIClass("cordial.SegmentOptions", "Options of `plugin:segment`.", fields: [
            .init("description", "string?", "one line for `cordial segments list`"),
            .init("labels", "string[]?", "the labels the segment may return; any other label is an error"),
            .init("rfm", "boolean?", "the run computes `c.value.rfm` (RFM quintile scores as of the run's date)"),
            .init("value", "boolean?", "the run loads the latest value fit's figures into `c.value` (`p_alive`, `clv`, …; reading them without it is an error)"),
        ]),
        customerClass,
        LuaAPIClass("cordial.PurchaseSummary", "A customer's purchases in five numbers.", fields: [
            .init("count", "integer", "number of purchases"),
            .init("total", "number", "sum of the amounts"),
            .init("first", "string?", "day of the first purchase, \"YYYY-MM-DD\""),
            .init("last", "string?", "day of the last purchase"),
            .init("days_since_last", "integer?", "days from the last purchase to today (the run's date)"),
        ]),
        LuaAPIClass("cordial.CustomerValue", "Values the host computes. In segment runs the fit's figures are loaded for segments declared with `value = true` (reading them otherwise is an error); they are nil before the first `cordial value fit` and for customers with no purchase by its end date.", fields: [
            .init("rfm", "cordial.RFMScore?", "RFM scores: as of the run in segments declared with `rfm = true`, otherwise as of the last value fit (with `value = true`)"),
            .init("p_alive", "number?", "probability that the customer is still buying (BG/NBD), 0…1"),
            .init("expected_purchases", "number?", "purchases expected over the fit's horizon (12 months unless set)"),
            .init("expected_spend", "number?", "expected value of a future purchase (Gamma-Gamma)"),
            .init("clv", "number?", "lifetime value: discounted margin expected over the horizon"),
            .init("spent", "number?", "current value: what the customer spent up to the fit's end date"),
            .init("referrals", "integer?", "customers whose `referred_by` attribute names this one"),
            .init("influence", "number?", "influence value: the sum of those customers' lifetime values"),
            .init("as_of", "string?", "the fit's end date, \"YYYY-MM-DD\""),
        ]),
        LuaAPIClass("cordial.RFMScore", "Quintile scores, 5 is best, among customers who bought.", fields: [
            .init("r", "integer", "recency 1…5 (5: bought most recently)"),
            .init("f", "integer", "frequency 1…5"),
            .init("m", "integer", "monetary 1…5"),
            .init("score", "string", "the three digits, \"545\""),
        ]),
        LuaAPIClass("cordial.PolicySpec", "What `plugin:policy` takes.", fields: [
            .init("description", "string?", "what the policy is for"),
            .init("segment", "string?", "the customers it is for: \"SEGMENT\" or \"SEGMENT:LABEL\""),
            .init("segments", "string[]?", "several segments or labels (a customer in any of them)"),
            .init("care", "cordial.CareItem[]", "the care items"),
            .init("budget", "cordial.Budget?", "limits on what the policy spends"),
            .init("currency", "string?", "ISO 4217 code of the budget and costs (default \"VND\")"),
            .init("most_valuable", "integer?", "only this many customers of the segments: those with the highest lifetime value (`cordial value fit`; customers without a figure come last)"),
        ]),
        LuaAPIClass("cordial.CareItem", "An occasion (one of `on`, `every`, `after`) and a care form (one of `gift`, `letter`, `call`, `invite`, `visit`).", fields: [
            .init("on", "string?", "\"birthday\", \"anniversary\" (of the first purchase) or \"holiday:NAME\" (of the customer's locale: `cordial calendar holidays`)"),
            .init("lead_days", "integer?", "act this many days before the birthday, anniversary or holiday (0 to 366)"),
            .init("every", "string|integer?", "\"month\", \"quarter\" or a number of days"),
            .init("day", "integer?", "with every = \"month\"/\"quarter\": the day of the month (1 to 31; the month's last day when shorter)"),
            .init("start", "string?", "with every = DAYS: the first day, \"YYYY-MM-DD\" (default 1970-01-01)"),
            .init("after", "string?", "\"purchase\" or \"visit\": act `days` after each such day"),
            .init("days", "integer?", "with after: days after the event (0 to 3660)"),
            .init("gift", "cordial.GiftSpec?", "a gift from a catalog"),
            .init("letter", "string|cordial.LetterSpec?", "a letter: the template's name, or { template, channel, cost }"),
            .init("call", "cordial.CallSpec?", "a call on an agent's list"),
            .init("invite", "string|cordial.InviteSpec?", "an invitation: the event's name, or { event, channel }"),
            .init("visit", "cordial.VisitSpec?", "a visit by a member of staff, scheduled when the plan is made"),
        ]),
        LuaAPIClass("cordial.GiftSpec", "A gift: the item named, or chosen per customer.", fields: [
            .init("catalog", "string", "the catalog (`cordial catalog import`)"),
            .init("item", "string?", "the item's code"),
            .init("choose", "fun(c: cordial.Customer, items: table[]): string?", "returns the code of the item for customer `c`, or nil for no gift"),
            .init("max_cost", "number|string?", "the most one gift may cost"),
        ]),
        LuaAPIClass("cordial.LetterSpec", "A letter.", fields: [
            .init("template", "string", "the template's name: `letters/NAME.LOCALE.mustache` in the plugin"),
            .init("channel", "string?", "\"email\" (default), \"post\" or \"sms\""),
            .init("cost", "number|string?", "cost of one letter (postage)"),
        ]),
        LuaAPIClass("cordial.CallSpec", "A call.", fields: [
            .init("role", "string", "the role of the agent who calls: the call lands on that role's list"),
            .init("script", "string", "what the agent says"),
            .init("cost", "number|string?", "cost of one call"),
        ]),
        LuaAPIClass("cordial.VisitSpec", "A visit: scheduled when the plan is made, on the day and at the time a member of staff with the role who covers the customer's city or region is free (their working week, absences, visits a day and a week, other visits and the travel buffer); the most valuable customers are asked first, and a visit no one can make is held back with the reason.", fields: [
            .init("role", "string", "the role of the staff who visit (\"account-manager\")"),
            .init("minutes", "integer?", "how long it lasts (5 to 720, default 60)"),
            .init("within", "integer?", "it takes place on one of this many days from the action day (1 to 366, default 14)"),
            .init("buffer", "integer?", "minutes kept free before and after it for travel (0 to 480, default 30)"),
            .init("own_manager", "boolean|string?", "ask the customer's own manager first: true reads the customer attribute `account_manager`, a string names another attribute; it holds the manager's staff id"),
            .init("cost", "number|string?", "cost of one visit"),
        ]),
        LuaAPIClass("cordial.InviteSpec", "An invitation.", fields: [
            .init("event", "string", "an event declared with `plugin:event`"),
            .init("channel", "string?", "\"email\" (default), \"post\" or \"sms\""),
        ]),
        LuaAPIClass("cordial.Budget", "A policy's budget in its currency.", fields: [
            .init("total", "number|string?", "the most the policy spends in all"),
            .init("per_customer", "number|string?", "the most it spends on one customer"),
            .init("per_period", "table?", "{ amount = …, days = N }: the most it spends in each period of N days (periods counted from 1970-01-01)"),
        ]),
        LuaAPIClass("cordial.FrequencyCap", "A limit across every policy.", fields: [
            .init("form", "string?", "\"gift\", \"letter\", \"call\", \"invite\", \"visit\" or \"any\""),
            .init("forms", "string[]?", "several forms counted together"),
            .init("count", "integer", "at most this many actions per customer"),
            .init("days", "integer", "in any this many days"),
        ]),
        LuaAPIClass("cordial.CampaignSpec", "What `cordial.campaign` takes.", fields: [
            .init("name", "string", "the campaign's name: lower-case letters, digits and dashes"),
            .init("currency", "string?", "of its budget and costs (default \"VND\")"),
            .init("budget", "cordial.Budget?", "total, per customer, per period"),
        ]),
        LuaAPIClass("cordial.ScriptGift", "A gift of an ad-hoc campaign.", fields: [
            .init("customer", "integer", "the customer's store id (`c.id`)"),
            .init("occasion", "string", "the occasion, such as \"thanks:2025\": with the campaign, customer and form, the action's key"),
            .init("date", "string", "the day to act, \"YYYY-MM-DD\""),
            .init("catalog", "string", "a gift catalog (`cordial catalog import`)"),
            .init("item", "string", "the item's code"),
        ]),
        LuaAPIClass("cordial.ScriptLetter", "A letter of an ad-hoc campaign.", fields: [
            .init("customer", "integer", "the customer's store id"), .init("occasion", "string", "the occasion"),
            .init("date", "string", "the day to act"), .init("template", "string", "the letter template"),
            .init("channel", "string?", "\"email\" (default), \"post\" or \"sms\""), .init("cost", "number|string?", "cost of one letter"),
        ]),
        LuaAPIClass("cordial.ScriptCall", "A call of an ad-hoc campaign.", fields: [
            .init("customer", "integer", "the customer's store id"), .init("occasion", "string", "the occasion"),
            .init("date", "string", "the day to call"), .init("role", "string", "the role of the agents who call"),
            .init("script", "string", "what the agent says"), .init("cost", "number|string?", "cost of one call"),
        ]),
        LuaAPIClass("cordial.ScriptInvite", "An invitation of an ad-hoc campaign.", fields: [
            .init("customer", "integer", "the customer's store id"), .init("occasion", "string", "the occasion"),
            .init("date", "string", "the day to invite"), .init("event", "string", "an event declared with `plugin:event`"),
            .init("channel", "string?", "\"email\" (default), \"post\" or \"sms\""),
        ]),
        LuaAPIClass("cordial.ScriptVisit", "A visit of an ad-hoc campaign: scheduled when the script ends, in the order the script added them.", fields: [
            .init("customer", "integer", "the customer's store id"), .init("occasion", "string", "the occasion"),
            .init("date", "string", "the window's first day"), .init("role", "string", "the role of the staff who visit"),
            .init("minutes", "integer?", "how long it lasts (default 60)"), .init("within", "integer?", "days of the window (default 14)"),
            .init("buffer", "integer?", "travel minutes kept free around it (default 30)"),
            .init("own_manager", "boolean|string?", "ask the customer's own manager first (attribute `account_manager`, or the one named)"),
            .init("cost", "number|string?", "cost of one visit"),
        ]),
        LuaAPIClass("cordial.Campaign", "An ad-hoc campaign being planned (`cordial.campaign`).", fields: [
            .init("name", "string", "its name"), .init("actions", "integer", "actions added so far"),
        ]),
        LuaAPIClass("cordial.ApprovalLevels", "What `plugin:approvals` takes.", fields: [
            .init("currency", "string?", "of the amounts below (default \"VND\")"),
            .init("without_approval", "{cost: number|string?, customers: integer?}?", "plans within both need no approval; without it, every plan does"),
            .init("levels", "{role: string, cost: number|string?, customers: integer?}[]", "each role and the largest plan it may approve (no limit where none is given)"),
        ]),
        LuaAPIClass("cordial.LetterSettings", "What `plugin:letters` takes.", fields: [
            .init("default_locale", "string?", "the locale letters fall back to (\"vi\"): a customer whose locale has no template gets this one's"),
            .init("sender", "string?", "\"Name <address>\" of letters whose template's front matter names no sender"),
            .init("organisation", "string?", "the organisation's name, as `{{organisation.name}}`"),
        ]),
        LuaAPIClass("cordial.BusinessHours", "What `plugin:business_hours` takes.", fields: [
            .init("time_zone", "string", "the time zone clocks are read in (\"Asia/Ho_Chi_Minh\")"),
            .init("hours", "table<string, string[]>", "opening hours by day or days (`mon`, `mon-fri`, `sat-sun`): { \"08:00-12:00\", \"13:00-17:30\" }"),
            .init("calendar", "string?", "the holiday calendar closures name holidays of (\"vi\", \"zh\", \"en\")"),
            .init("closed", "(string|{holiday: string, before: integer?, after: integer?})[]?", "holidays (with days around them) and dates \"YYYY-MM-DD\" the organisation is closed"),
            .init("teams", "table<string, {hours: table, closed: table?}>?", "teams with hours of their own (and closures; the organisation's when not given)"),
        ]),
        LuaAPIClass("cordial.FeedbackAuthority", "What `plugin:feedback_authority` takes.", fields: [
            .init("currency", "string?", "of the amounts (default \"VND\")"),
            .init("levels", "{role: string, forms: string[]?, up_to: number|string?}[]", "each role, the forms it may grant (any when not given) and the most a case may be granted in all (no limit when not given)"),
        ]),
        LuaAPIClass("cordial.FeedbackSLA", "What `plugin:feedback_sla` takes.", fields: [
            .init("kind", "string|string[]?", "the kinds it covers (default: all)"),
            .init("severity", "string|string[]?", "the severities it covers (default: all)"),
            .init("segment", "string?", "\"SEGMENT\" or \"SEGMENT:LABEL\": customers with that label only"),
            .init("first_contact", "string?", "from received to acknowledged: \"1h\", \"90m\" (working time), \"2bd\" (business days), \"2d\", \"12ch\" (calendar)"),
            .init("resolution", "string?", "from received to resolved, stopped while the case waits on the customer"),
            .init("callback", "{after: string?, within: string}?", "the callback after resolution: due within `within`"),
            .init("pause_in", "string[]?", "statuses in which the case waits on the customer (default { \"solution-proposed\" })"),
        ]),
        LuaAPIClass("cordial.EventSpec", "What `plugin:event` takes.", fields: [
            .init("title", "string", "the event's title in invitations"),
            .init("date", "string", "\"YYYY-MM-DD\""),
            .init("capacity", "integer", "seats; applies never invite more"),
        ]),
        LuaAPIClass("cordial.Holiday", "A holiday of `cordial.calendar.holidays`.", fields: [
            .init("id", "string", "the name policies use (`lunar-new-year`)"),
            .init("name", "string", "the name in the locale's language (\"Tết Nguyên Đán\")"),
            .init("date", "string", "\"YYYY-MM-DD\""),
        ]),
        LuaAPIClass("cordial.LunarDate", "A date of a lunisolar calendar.", fields: [
            .init("year", "integer", "the lunar year (the Gregorian year its New Year falls in)"),
            .init("month", "integer", "1 to 12"),
            .init("day", "integer", "1 to 30"),
            .init("leap", "boolean", "the month is the year's leap month"),
        ]),
        LuaAPIClass("cordial.CustomerFilter", "Filters of `cordial.customers.find`; all given ones must match.", fields: [
            .init("tag", "string?", "has this tag"),
            .init("tier", "string?", "has this tier"),
            .init("segment", "string?", "is in this segment now"),
            .init("label", "string?", "with this label (needs `segment`)"),
            .init("after", "integer?", "ids greater than this (paging)"),
            .init("limit", "integer?", "at most this many, 1…1000 (default 100)"),
        ]),
        LuaAPIClass("cordial.CustomerChanges", "Changes of `cordial.customers.update`.", fields: [
            .init("add_tags", "string[]?", "tags to add"),
            .init("remove_tags", "string[]?", "tags to remove"),
            .init("attributes", "table<string, any>?", "attributes to set"),
            .init("remove_attributes", "string[]?", "attributes to remove"),
        ]),
    ] + feedbackClasses
}
