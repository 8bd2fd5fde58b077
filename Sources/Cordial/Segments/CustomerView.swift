import CordialCore
import CordialStore
import Foundation
import LuaHost

/// The read-only customer table a segment function (or `cordial.customers.get`) receives.
/// Its fields are ``LuaAPI/customerClass``'s; a test holds the two together.
///
/// Built straight onto the Lua stack (no ``LuaTable`` in between): a segment run builds one
/// per customer. The view and its `purchases` table share a metatable that makes reading an
/// unknown field an error: a typo (`c.purchase.count`) stops the run at its line instead of
/// classifying on nil. Open-ended tables (`tags`, `attributes`, `value`) read nil for absent
/// keys. Every table, down to the JSON values in `attributes`, is read-only
/// (``LuaReadOnly``): a plugin cannot change what a later segment or plugin sees.
struct CustomerView: Sendable {
    var facts: CustomerFacts
    /// Days since 1970 of the date the view is as of (for `days_since_last`).
    var today: Int
    var rfm: RFMScore?
    /// False in runs whose segments did not declare `value = true`: `c.value` then holds only
    /// the run's RFM scores, and reading anything else in it is an error that says so.
    var valueLoaded = true

    /// Pushes the view with the state's shared strict metatables (see ``CordialModule``);
    /// `sealed: false` pushes the data table alone (what a lazy view reads once made).
    func push(onto stack: LuaStack, metatables: ViewMetatables, sealed: Bool = true) -> Int32 {
        let facts = facts, metatable = metatables.view
        return stack.pushTable(fields: 20, metatable: metatable, readOnly: sealed ? LuaReadOnly(path: "") : nil) { c in
            c.set("id", facts.id.rawValue)
            c.set("source", facts.source)
            c.set("external_id", facts.externalID)
            c.set("given_name", facts.givenName)
            c.set("family_name", facts.familyName)
            c.set("name", PersonName(given: facts.givenName, family: facts.familyName).display(locale: facts.locale))
            c.set("locale", facts.locale)
            c.set("tier", facts.tier)
            c.set("city", facts.city)
            c.set("region", facts.region)
            c.set("birthday", facts.birthday)
            c.set("created", CalendarDays.text(ofDay: facts.createdDay))
            c.set("tags", fields: facts.tags.count) { tags in
                for tag in facts.tags { tags.set(tag, true) }
            }
            c.set("attributes", fields: facts.attributes.count) { attributes in
                for (key, value) in facts.attributes { attributes.set(key, LuaJSON.luaValue(value)) }
            }
            let purchases = facts.purchases
            c.set("purchases", fields: 5, metatable: metatable) { p in
                p.set("count", purchases.count)
                p.set("total", purchases.total)
                p.set("first", purchases.firstDay.map(CalendarDays.text(ofDay:)))
                p.set("last", purchases.lastDay.map(CalendarDays.text(ofDay:)))
                p.set("days_since_last", purchases.lastDay.map { today - $0 })
            }
            c.set("segments", fields: facts.labels.count, metatable: metatables.segments) { segments in
                for (segment, label) in facts.labels { segments.set(segment, label) }
            }
            let stored = valueLoaded ? facts.value : nil
            c.set("value", fields: 10, metatable: valueLoaded ? nil : metatables.unloadedValue) { value in
                if let score = rfm ?? stored?.rfm {
                    value.set("rfm", fields: 4) { table in
                        table.set("r", score.recency)
                        table.set("f", score.frequency)
                        table.set("m", score.monetary)
                        table.set("score", score.code)
                    }
                }
                guard let stored else { return }
                func finite(_ number: Double) -> Double? { number.isFinite ? number : nil }
                value.set("p_alive", finite(stored.scores.probabilityAlive))
                value.set("expected_purchases", finite(stored.scores.expectedPurchases))
                value.set("expected_spend", finite(stored.scores.expectedSpend))
                value.set("clv", finite(stored.scores.lifetimeValue))
                value.set("spent", stored.spent)
                value.set("referrals", stored.referrals)
                value.set("influence", stored.influenceValue)
                value.set("as_of", CalendarDays.text(ofDay: stored.endDay))
            }
        }
    }
}

/// One view as a Lua value (nil when there is no customer).
struct CustomerViewValue: LuaPushable {
    var view: CustomerView?
    var metatables: ViewMetatables

    func push(onto stack: LuaStack) -> Int32 {
        guard let view else { return LuaValue.nil.push(onto: stack) }
        return view.push(onto: stack, metatables: metatables)
    }
}

/// Many views as one array, the unit a worker classifies: lazy views over a
/// ``CustomerFactsBlock`` (`LuaStack.pushLazyViews`), whose scalar fields and purchase
/// summary are read from the block and whose other fields
/// (`name`, `tags`, `attributes`, `segments`, `value`) are built the first time a script
/// reads one of them. A segment run reads a few fields of a million customers. Every view of
/// a batch has the same `today` and loads the value figures or not alike.
struct CustomerViewBatch: LuaPushable {
    var block: CustomerFactsBlock
    var today: Int
    /// Each customer's RFM scores for the run (empty: none computed).
    var rfm: [RFMScore?]
    var valueLoaded: Bool
    var metatables: ViewMetatables

    init(block: CustomerFactsBlock, today: Int, rfm: [RFMScore?] = [], valueLoaded: Bool = true, metatables: ViewMetatables) {
        self.block = block
        self.today = today
        self.rfm = rfm
        self.valueLoaded = valueLoaded
        self.metatables = metatables
    }

    init(facts: [CustomerFacts], today: Int, rfm: [RFMScore?] = [], valueLoaded: Bool = true, metatables: ViewMetatables) {
        self.init(block: CustomerFactsBlock(facts), today: today, rfm: rfm, valueLoaded: valueLoaded, metatables: metatables)
    }

    var count: Int { block.count }

    func view(at row: Int) throws -> CustomerView {
        CustomerView(facts: try block.facts(at: row), today: today, rfm: rfm.isEmpty ? nil : rfm[row], valueLoaded: valueLoaded)
    }

    /// Bytes of Swift memory the views of a batch keep alive beyond the block (which is the
    /// state's own copy, counted as it is): the RFM scores and the value figures. Counted
    /// against the state's cap while a view of the batch is alive.
    var charge: Int {
        (rfm.isEmpty ? 0 : rfm.count * MemoryLayout<RFMScore?>.stride + 64 * rfm.count)
            + (block.values.isEmpty ? 0 : block.values.count * (MemoryLayout<CustomerValue?>.stride + 64))
    }

    func push(onto stack: LuaStack) -> Int32 {
        guard let purchasesMetatable = metatables.view else {
            let batch = self
            return stack.pushTable(arrayCount: count) { array in
                for row in 0..<batch.count {
                    array.set(row + 1, CustomerViewValue(view: try? batch.view(at: row), metatables: batch.metatables))
                }
            }
        }
        // The function keeps what the block does not hold, never the block itself: it reads
        // the state's copy, so a view kept by a script costs what the cap counts.
        let today = today, rfm = rfm, values = block.values, valueLoaded = valueLoaded, metatables = metatables
        return stack.pushLazyViews(block: block.bytes, today: today, purchasesMetatable: purchasesMetatable, charge: charge) { row, block, stack in
            let facts = try CustomerFactsBlock.facts(at: row, in: block, values: values)
            let view = CustomerView(facts: facts, today: today, rfm: rfm.isEmpty ? nil : rfm[row], valueLoaded: valueLoaded)
            return view.push(onto: stack, metatables: metatables, sealed: false)
        }
    }
}

/// The metatables a state's customer views share: the strict one of the view and its
/// `purchases`, and the one of `c.value` when the run did not load the value figures.
struct ViewMetatables {
    var view: LuaReference?
    var unloadedValue: LuaReference?
    /// `c.segments`: a known segment without a label for the customer reads nil, an unknown
    /// name is an error at the plugin's line.
    var segments: LuaReference?
}
