import CordialCore
import Crypto
import Foundation

/// What a plan intends, as one SHA-256: every action's key and what it would do (day, cost,
/// item, template, role, event, held back or not), in seq order, and the limits it is to be
/// applied under. An approval holds for this fingerprint only: a plan made again that
/// changed anything needs approving again.
public enum CampaignFingerprint {
    public static func of(_ actions: [PlannedAction], limits: CampaignLimits) -> String {
        var hasher = SHA256()
        func add(_ field: String?) {
            // Length-prefixed: fields can hold any text, so no separator is safe.
            let bytes = Array((field ?? "\u{0}nil").utf8)
            hasher.update(data: withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { Array($0) })
            hasher.update(data: bytes)
        }
        add((try? CampaignJSON.text(limits)) ?? "")
        for action in actions {
            for field in [
                action.key, "\(action.seq)", "\(action.actionDay)", "\(action.occasionDay)", "\(action.cost)", action.currency,
                action.channel.rawValue, action.segment,
            ] { add(field) }
            for field in [action.giftCatalog, action.giftItem, action.template, action.role, action.script, action.event, action.heldBack] {
                add(field)
            }
            // Only visits have one: other plans' fingerprints stay as they were.
            if let visit = action.visit { add((try? CampaignJSON.text(visit)) ?? "") }
        }
        return "sha256:" + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
