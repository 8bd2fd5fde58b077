import CordialCore
import Foundation
import LuaHost

/// `cordial.campaign` and the `Campaign` object: ad-hoc campaigns a script plans.
extension LuaAPI {
    static let campaigns: [LuaAPIFunction] = [
        LuaAPIFunction(
            "campaign", "Declares an ad-hoc campaign; its actions (`campaign:gift`, `:letter`, `:call`, `:invite`, `:visit`) are saved as a plan when the script succeeds — nothing happens until staff apply it (`cordial campaigns apply PLAN`).",
            parameters: [.init("spec", "cordial.CampaignSpec", "name, currency, budget")],
            results: [.init("cordial.Campaign", "the campaign, to which actions are added")], permission: .campaignsPlan, phase: .changing,
            example: """
                local cordial = require "cordial"
                local run = cordial.campaign { name = "vip-thanks", currency = "VND", budget = { total = 20000000 } }
                for _, c in ipairs(cordial.segments.members("rfm", "champions")) do
                  run:gift { customer = c.id, occasion = "thanks:2025", date = "2025-02-10", catalog = "birthday", item = "tea-set" }
                  run:letter { customer = c.id, occasion = "thanks:2025", date = "2025-02-10", template = "thanks" }
                end
                """
        ) { context, arguments in
            LuaValue.object(LuaObjectBox(CampaignScriptHandle(try CampaignScript.declare(arguments, in: context))))
        },
        method("Campaign:gift", .gift, "Adds a gift from the catalog (its cost is the item's; applying takes one from stock).", "cordial.ScriptGift"),
        method("Campaign:letter", .letter, "Adds a letter from a template (it enters the outbox when applied).", "cordial.ScriptLetter"),
        method("Campaign:call", .call, "Adds a call by an agent of a role (it enters that role's call list when applied).", "cordial.ScriptCall"),
        method("Campaign:invite", .invitation, "Adds an invitation to an event (it takes a seat when applied).", "cordial.ScriptInvite"),
        method("Campaign:visit", .visit, "Adds a visit by a member of staff of a role (scheduled when the script ends; applying puts it on their schedule).", "cordial.ScriptVisit"),
    ]

    private static func method(_ name: String, _ form: CareForm, _ summary: String, _ type: String) -> LuaAPIFunction {
        LuaAPIFunction(
            name, summary + " Checked now: an unknown customer or item, a missing field or the same action twice is an error at this line.",
            parameters: [.init("action", type, "customer (a store id), occasion, date, and what the form needs")], permission: .campaignsPlan,
            phase: .changing
        ) { context, arguments in
            let handle = try arguments.object(1, "campaign", as: CampaignScriptHandle.self)
            try handle.campaign.add(form, arguments, in: context)
            return LuaNoValue()
        }
    }
}
