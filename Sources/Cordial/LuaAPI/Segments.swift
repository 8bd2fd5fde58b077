import CordialCore
import CordialStore
import Foundation
import Logging
import LuaHost

/// `cordial.segments`: materialized membership.
extension LuaAPI {
    static let segments: [LuaAPIFunction] = [
        LuaAPIFunction(
            "segments.members", "Store ids of a segment's current members, optionally of one label, in id order.",
            parameters: [
                .init("segment", "string", "the segment's name"),
                .init("label", "string", "only members with this label", optional: true),
                .init("limit", "integer", "at most this many (default: all)", optional: true),
            ],
            results: [.init("integer[]", "customer ids")], permission: .segmentsRead
        ) { context, arguments in
            let store = try context.openStore()
            let segment = try arguments.get(1, "segment", as: String.self)
            let label = try arguments.get(2, "label", as: String?.self)
            let limit = try arguments.get(3, "limit", as: Int?.self)
            let members = try context.wait { try await store.segmentMembers(segment, label: label, at: nil, limit: limit) }
            return LuaValue.table(LuaTable(array: members.map { .integer($0.customer.rawValue) }))
        },
        LuaAPIFunction(
            "segments.counts", "How many customers hold each label of a segment now.",
            parameters: [.init("segment", "string", "the segment's name")],
            results: [.init("table<string, integer>", "label → count")], permission: .segmentsRead
        ) { context, arguments in
            let store = try context.openStore()
            let segment = try arguments.get(1, "segment", as: String.self)
            let counts = try context.wait { try await store.segmentCounts(segment, at: nil) }
            return LuaValue.table(LuaTable(hash: Dictionary(uniqueKeysWithValues: counts.map { (.string(LuaString($0.key)), .integer(Int64($0.value))) })))
        },
        LuaAPIFunction(
            "segments.labels", "A customer's current label in every segment.",
            parameters: [.init("id", "integer", "the customer's store id")],
            results: [.init("table<string, string>", "segment → label")], permission: .segmentsRead
        ) { context, arguments in
            let store = try context.openStore()
            let id = CustomerID(try arguments.get(1, "id", as: Int64.self))
            let labels = try context.wait { try await store.segmentLabels(of: id) }
            return LuaValue.table(LuaTable(hash: Dictionary(uniqueKeysWithValues: labels.map { (.string(LuaString($0.key)), .string(LuaString($0.value))) })))
        },
    ]
}
