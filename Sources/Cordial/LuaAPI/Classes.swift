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
    ]
}
