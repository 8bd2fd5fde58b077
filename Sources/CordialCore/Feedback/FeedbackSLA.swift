import Foundation

/// A service standard for feedback, as a plugin declares it: which cases it covers (kinds,
/// severities, a segment label) and how soon each step is due — first contact after the
/// case is received, resolution, and the callback after resolution.
public struct FeedbackSLA: Sendable, Hashable {
    public var name: String
    public var kinds: Set<FeedbackKind>?
    public var severities: Set<FeedbackSeverity>?
    /// Cases of customers with this segment's label (`value-tier:gold`); anonymous cases never match.
    public var segment: String?
    public var label: String?
    /// From received to acknowledged.
    public var firstContact: BusinessHours.Span?
    /// From received to resolved, the clock stopped while the case waits on the customer.
    public var resolution: BusinessHours.Span?
    /// After resolution: the callback is due no sooner than `callbackAfter` (sooner is a breach too)
    /// and no later than `callbackWithin`.
    public var callbackAfter: BusinessHours.Span?
    public var callbackWithin: BusinessHours.Span?
    /// Statuses in which the case waits on the customer: the resolution clock stops.
    public var pauseIn: Set<FeedbackStatus>
    /// `plugins/ground-services/plugin.lua:40`
    public var definedAt: String

    public init(
        name: String, kinds: Set<FeedbackKind>? = nil, severities: Set<FeedbackSeverity>? = nil, segment: String? = nil, label: String? = nil,
        firstContact: BusinessHours.Span? = nil, resolution: BusinessHours.Span? = nil, callbackAfter: BusinessHours.Span? = nil,
        callbackWithin: BusinessHours.Span? = nil, pauseIn: Set<FeedbackStatus> = [.solutionProposed], definedAt: String
    ) {
        self.name = name
        self.kinds = kinds
        self.severities = severities
        self.segment = segment
        self.label = label
        self.firstContact = firstContact
        self.resolution = resolution
        self.callbackAfter = callbackAfter
        self.callbackWithin = callbackWithin
        self.pauseIn = pauseIn
        self.definedAt = definedAt
    }

    /// Whether the standard covers `feedback`, whose customer holds `segmentLabel` in
    /// ``segment`` (nil: none).
    public func covers(_ feedback: Feedback, segmentLabel: String?) -> Bool {
        if let kinds, !kinds.contains(feedback.kind) { return false }
        if let severities, !severities.contains(feedback.severity) { return false }
        if segment != nil {
            guard let segmentLabel else { return false }
            if let label, label != segmentLabel { return false }
        }
        return true
    }
}

/// One clock of a case under its standard: when it started, when it is due, when it stopped.
public struct FeedbackClock: Sendable, Hashable, Codable {
    public enum Name: String, Sendable, Codable {
        case firstContact = "first-contact"
        case resolution
        case callback
    }

    public enum State: String, Sendable, Codable {
        /// Stopped in time.
        case met
        /// Stopped late, or still running past its deadline.
        case breached
        /// Running, not yet due.
        case running
        /// Waiting on the customer (the resolution clock).
        case paused
    }

    public var name: Name
    public var startedAt: Date
    public var due: Date?
    /// When the step was taken (nil while it has not been).
    public var stoppedAt: Date?
    public var state: State

    public init(name: Name, startedAt: Date, due: Date?, stoppedAt: Date?, state: State) {
        self.name = name
        self.startedAt = startedAt
        self.due = due
        self.stoppedAt = stoppedAt
        self.state = state
    }

    /// How late (positive) or how early (negative) against `due`, in seconds, at `now` or when stopped.
    public func lateness(at now: Date) -> TimeInterval? {
        due.map { (stoppedAt ?? now).timeIntervalSince($0) }
    }
}

/// The clocks of a case: its steps (from its events) read against a standard and the
/// team's working hours.
public enum FeedbackClocks {
    public static func clocks(
        of feedback: Feedback, events: [FeedbackEvent], sla: FeedbackSLA, hours: BusinessHours, at now: Date
    ) -> [FeedbackClock] {
        var clocks: [FeedbackClock] = []
        let changes = events.filter { $0.action == .status && $0.to != nil }.sorted { $0.at < $1.at }
        let start = feedback.receivedAt

        if let span = sla.firstContact {
            let contact = changes.first { $0.from == .received }?.at
            let due = hours.deadline(after: span, from: start)
            clocks.append(clock(.firstContact, start: start, due: due, stopped: contact, paused: false, now: now))
        }

        // Periods spent in each status, in order: what the resolution clock counts and skips.
        var periods: [(status: FeedbackStatus, from: Date, to: Date?)] = []
        var status = FeedbackStatus.received, since = start
        for change in changes {
            periods.append((status, since, change.at))
            status = change.to!
            since = change.at
        }
        periods.append((status, since, nil))

        if let span = sla.resolution {
            // The clock stops while the case waits on the customer and while it is finished
            // (a reopened case runs on); a wait under way counts as ending now.
            let finishedAt = firstFinish(periods)
            let stopped = periods.filter { period in
                (sla.pauseIn.contains(period.status) || !period.status.isOpen) && !(finishedAt.map { period.from >= $0 } ?? false)
            }.map { period in DateInterval(start: period.from, end: max(period.from, period.to ?? now)) }
            let due = hours.deadline(after: span, from: start, paused: stopped)
            clocks.append(clock(.resolution, start: start, due: due, stopped: finishedAt, paused: sla.pauseIn.contains(feedback.status), now: now))
        }

        if let within = sla.callbackWithin, !feedback.status.isOpen, let resolved = periods.last(where: { $0.status == .resolved })?.from {
            let called = changes.last { $0.to == .followedUp && $0.at >= resolved }?.at
            var callback = clock(.callback, start: resolved, due: hours.deadline(after: within, from: resolved), stopped: called, paused: false, now: now)
            // A callback before `after` has passed is too soon ("call back one to two days after").
            if let called, let after = sla.callbackAfter, let earliest = hours.deadline(after: after, from: resolved), called < earliest {
                callback.state = .breached
            }
            clocks.append(callback)
        }
        return clocks
    }

    /// When the case was last finished (resolved, followed up or closed) and stayed so; nil when it is open.
    static func firstFinish(_ periods: [(status: FeedbackStatus, from: Date, to: Date?)]) -> Date? {
        guard let last = periods.last, !last.status.isOpen else { return nil }
        var at = last.from
        for period in periods.reversed() {
            guard !period.status.isOpen else { break }
            at = period.from
        }
        return at
    }

    static func clock(_ name: FeedbackClock.Name, start: Date, due: Date?, stopped: Date?, paused: Bool, now: Date) -> FeedbackClock {
        let state: FeedbackClock.State
        if let due, (stopped ?? now) > due {
            state = .breached
        } else if stopped != nil {
            state = .met
        } else {
            state = paused ? .paused : .running
        }
        return FeedbackClock(name: name, startedAt: start, due: due, stoppedAt: stopped, state: state)
    }
}
