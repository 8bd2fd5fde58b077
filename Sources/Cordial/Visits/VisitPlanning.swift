import CordialCore
import CordialStore
import Foundation

/// Schedules a plan's visits as the plan is made (``VisitScheduler``): each gets a member of
/// staff, a day in its window and a time, around the visits staff already hold (other
/// campaigns', applied); a visit that cannot be served is held back with the reason. Visits
/// are asked in rank order (the plan's best customers first), so when not every visit can
/// be served, the ones given up are the lowest ranked a maximal schedule allows.
enum VisitPlanning {
    /// Schedules the visits of `actions` not yet scheduled or held back. `rank` orders them
    /// (higher first; then as they stand in `actions`).
    static func schedule(_ actions: inout [PlannedAction], rank: [CustomerID: Double] = [:], store: any Store) async throws {
        var open = actions.indices.filter { actions[$0].form == .visit && actions[$0].heldBack == nil && actions[$0].visit?.staffID == nil }
        guard !open.isEmpty else { return }
        // A visit the ledger holds already (the campaign planned again) keeps its booking:
        // scheduling it again would take a second slot from someone else; apply finds it done.
        let done = Set(try await store.careActions(of: Array(Set(open.map { actions[$0].customerID }))).map(\.key))
        open.removeAll { done.contains(actions[$0].key) }
        guard !open.isEmpty else { return }
        let staff = try await store.staff()
        let customers = Dictionary(
            try await store.customers(withIDs: Array(Set(open.map { actions[$0].customerID }))).compactMap { customer in customer.id.map { ($0, customer) } },
            uniquingKeysWith: { first, _ in first })
        let windows = open.compactMap { actions[$0].visit }
        let span = StaffBookings.span(of: (windows.map(\.firstDay).min() ?? 0)...(windows.map(\.lastDay).max() ?? 0))
        var bookings = try await store.visitBookings(days: span)
        // One scheduler per visit length and buffer (a policy may have a long and a short one).
        var groups: [(minutes: Int, buffer: Int, members: [Int])] = []
        let ranked = open.enumerated().sorted { a, b in
            let left = rank[actions[a.element].customerID].map { $0.isNaN ? -.infinity : $0 } ?? 0
            let right = rank[actions[b.element].customerID].map { $0.isNaN ? -.infinity : $0 } ?? 0
            return left != right ? left > right : a.offset < b.offset
        }.map(\.element)
        for index in ranked {
            guard let visit = actions[index].visit else { continue }
            if let group = groups.firstIndex(where: { $0.minutes == visit.minutes && $0.buffer == visit.buffer }) {
                groups[group].members.append(index)
            } else {
                groups.append((visit.minutes, visit.buffer, [index]))
            }
        }
        for group in groups {
            var requests: [VisitRequest] = []
            for index in group.members {
                let action = actions[index]
                let customer = customers[action.customerID]
                var visit = action.visit!
                visit.preferredStaffID = manager(of: customer, attribute: visit.managerAttribute, in: staff)
                actions[index].visit = visit
                requests.append(VisitRequest(
                    customerID: action.customerID, city: customer?.address?.city, region: customer?.address?.region,
                    window: visit.firstDay...visit.lastDay, role: action.role ?? "", preferredStaffID: visit.preferredStaffID))
            }
            let scheduler = VisitScheduler(staff: staff, bookings: bookings, duration: group.minutes, buffer: group.buffer)
            let schedule = scheduler.schedule(requests)
            for placed in schedule.visits {
                let index = group.members[placed.request]
                actions[index].visit?.staffID = placed.staffID
                actions[index].visit?.start = placed.minutes.lowerBound
                actions[index].actionDay = placed.day
                bookings.append(VisitBooking(staffID: placed.staffID, day: placed.day, minutes: placed.minutes, buffer: group.buffer))
            }
            for (request, reason) in schedule.unserved {
                actions[group.members[request]].heldBack = "visit not scheduled: \(reason.rawValue)"
            }
        }
    }

    /// The member of staff a customer's attribute names: their staff id (or the store's id).
    static func manager(of customer: Customer?, attribute: String?, in staff: [Staff]) -> Int64? {
        guard let attribute, let value = customer?.attributes[attribute] else { return nil }
        let reference: String
        switch value {
        case .string(let text): reference = text
        case .integer(let number): reference = String(number)
        default: return nil
        }
        return staff.first { $0.externalID == reference }?.id ?? staff.first { $0.id.map(String.init) == reference }?.id
    }
}
