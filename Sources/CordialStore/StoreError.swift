import CordialCore
import Foundation

/// A store operation was refused.
public enum StoreError: Error, LocalizedError, Equatable {
    case unknownCustomer(source: String, externalID: String, origin: String? = nil)
    case noSuchCustomer(CustomerID)
    case staleVersion(CustomerID, expected: Int, found: Int)
    /// A location of no backend this build knows (`mysql://…`, an empty text).
    case unsupportedLocation(String)
    /// No store at a location that must exist (`cordial init` creates one).
    case noStore(StoreLocation)
    case noSuchStaff(Int64)
    case segmentRunBackdated(String, lastRun: Date, requested: Date)
    /// A segment's membership belongs to the plugin that first wrote it.
    case segmentOwnedByAnotherPlugin(String, owner: String, writer: String)
    /// A shared run's part was claimed by another worker after this one's lease ran out.
    case segmentPartLost(job: Int64, part: Int)
    /// An unfinished shared run of other segment names shares a segment with the one asked for.
    case segmentJobOverlaps(job: Int64, segments: String)
    /// A shared run is merged only when every part is done.
    case segmentJobUnfinished(job: Int64, done: Int, parts: Int)
    /// A campaign run's part was applied by another worker first.
    case campaignPartDone(run: Int64, part: Int)
    case noSuchPlan(Int64)
    case noSuchRun(Int64)
    /// The store was migrated by a newer Cordial than this one.
    case newerSchema
    /// `cordial store copy` writes only into an empty store.
    case copyTargetNotEmpty(table: String, rows: Int)
    /// A table's rows read out of a snapshot are not as many as it counts.
    case copyRowsMissed(table: String, counted: Int, read: Int)
    /// A copied table read back differs from what was read out of the source.
    case copyMismatch(table: String, read: TableTally, written: TableTally)
    /// A value a copy cannot carry over as its column's kind (a time that is not a time).
    case copyUnreadableValue(table: String, column: String, row: Int64?)
    case noSuchLetter(Int64)
    /// Only an uncertain letter is resolved by a person.
    case letterNotUncertain(Int64, status: String)
    case noSuchFeedback(Int64)
    /// A status the case's workflow does not allow from where it stands; `allowed` are the ones it does.
    case illegalFeedbackTransition(Int64, from: FeedbackStatus, to: FeedbackStatus, allowed: [FeedbackStatus])
    /// The case changed since it was read (another member of staff, a hook).
    case staleFeedback(Int64, expected: Int, found: Int)
    /// Feedback that cannot be stored as it is (a bad value, named).
    case invalidFeedback(String)
    /// A member of staff who cannot be stored as they are (a bad value, named).
    case invalidStaff(String)
    /// A visit change that cannot be made (no such visit, not scheduled any more, a clash).
    case invalidVisit(String)

    public var errorDescription: String? {
        switch self {
        case .unknownCustomer(let source, let externalID, let origin):
            (origin.map { "\($0): " } ?? "") + "no customer '\(externalID)' from source '\(source)'"
        case .noSuchCustomer(let id):
            "no customer \(id)"
        case .staleVersion(let id, let expected, let found):
            "customer \(id) was changed meanwhile (version \(found), expected \(expected))"
        case .noSuchStaff(let id):
            "no member of staff \(id)"
        case .segmentRunBackdated(let segment, let lastRun, let requested):
            "segment '\(segment)' was last run as of \(lastRun.formatted(.iso8601)); a run as of "
                + "\(requested.formatted(.iso8601)) would rewrite its history"
        case .segmentOwnedByAnotherPlugin(let segment, let owner, let writer):
            "segment '\(segment)' belongs to plugin '\(owner)'; plugin '\(writer)' cannot write its membership"
        case .unsupportedLocation(let location):
            "cannot open a store at '\(StoreLocation.withoutCredentials(location))': give a SQLite file path, a sqlite: or file: URL, "
                + "or postgres://USER@HOST:PORT/DB"
        case .segmentPartLost(let job, let part):
            "part \(part + 1) of shared run \(job) was taken over by another process after this one's lease ran out; its work was dropped"
        case .segmentJobOverlaps(let job, let segments):
            "the unfinished shared run \(job) of \(segments.split(separator: " ").joined(separator: ", ")) shares a segment with this run; run it to the end with the same segments"
        case .segmentJobUnfinished(let job, let done, let parts):
            "shared run \(job) has \(done) of \(parts) parts done; it is merged when all are"
        case .campaignPartDone(let run, let part):
            "part \(part + 1) of campaign run \(run) was applied by another process first; nothing was written twice"
        case .noSuchPlan(let id):
            "no campaign plan \(id)"
        case .noSuchRun(let id):
            "no campaign run \(id)"
        case .newerSchema:
            "the store was written by a newer Cordial (its schema has migrations this version does not know); upgrade Cordial"
        case .copyRowsMissed(let table, let counted, let read):
            "table \(table) counts \(counted) rows but \(read) were read; nothing was written"
        case .copyTargetNotEmpty(let table, let rows):
            "the target store is not empty (table \(table) has \(rows) rows); copy into a new, empty store"
        case .copyMismatch(let table, let read, let written):
            "table \(table) read back differs from the source (source \(read), target \(written)); nothing was written"
        case .copyUnreadableValue(let table, let column, let row):
            "table \(table), column \(column)\(row.map { " of the row with key \($0)" } ?? "") holds a value of another type; nothing was copied"
        case .noStore(let location):
            "no store at \(location); create one with `cordial init`"
        case .noSuchLetter(let id):
            "no letter \(id) in the outbox"
        case .letterNotUncertain(let id, let status):
            "letter \(id) is \(status), not uncertain: only a letter whose delivery is uncertain is resolved by hand"
        case .noSuchFeedback(let id):
            "no feedback FB-\(id)"
        case .illegalFeedbackTransition(let id, let from, let to, let allowed):
            "FB-\(id) is \(from.rawValue) and cannot become \(to.rawValue); from \(from.rawValue) it may become "
                + allowed.map(\.rawValue).joined(separator: ", ")
        case .staleFeedback(let id, let expected, let found):
            "FB-\(id) changed meanwhile (version \(found), not \(expected)); read it again and retry"
        case .invalidFeedback(let problem):
            "feedback: \(problem)"
        case .invalidStaff(let problem):
            "staff: \(problem)"
        case .invalidVisit(let problem):
            problem
        }
    }
}
