import CordialCore
import CordialStore
import Foundation

/// Reads CDNOW purchase files (`../shared/data/cdnow/`): whitespace-separated
/// `customer_id date(YYYYMMDD) number_of_cds dollar_value` (the master file, with a header
/// line) or `customer_id master_id date number_of_cds dollar_value` (the sample, no header).
///
/// Customers are named by their CDNOW id (source `cdnow`, leading zeros kept); each line
/// becomes a purchase identified by file name and line, so importing a file again adds
/// nothing.
public struct CDNOWImporter {
    public static let source = "cdnow"
    public var currency = "USD"

    public init() {}

    /// Parses the whole file; throws an ``ImportError`` listing every bad line, or returns
    /// the batch to write.
    public func batch(from data: Data, fileName: String) throws(ImportError) -> ImportBatch {
        var issues = ImportIssueList()
        var customers: [String: Customer] = [:]
        var order: [String] = []
        var purchases: [ImportedPurchase] = []
        var lineNumber = 0
        var dates: [String: Date] = [:]  // a file has few distinct days; Calendar is slow
        for rawLine in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            lineNumber += 1
            guard let line = String(validating: rawLine, as: UTF8.self) else {
                issues.add(ImportIssue(file: fileName, line: lineNumber, problem: "not valid UTF-8"))
                continue
            }
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "\r" }).map(String.init)
            if fields.isEmpty { continue }
            if lineNumber == 1, fields.first == "customer_id" { continue }  // the master file's header
            guard fields.count == 4 || fields.count == 5 else {
                issues.add(ImportIssue(
                    file: fileName, line: lineNumber,
                    problem: "expected 4 columns (customer_id date number_of_cds dollar_value) or 5, found \(fields.count)"))
                continue
            }
            let offset = fields.count - 4
            let customerID = fields[0]
            var lineIssues = 0
            func problem(_ column: String, _ text: String) {
                issues.add(ImportIssue(file: fileName, line: lineNumber, column: column, problem: text))
                lineIssues += 1
            }
            if !customerID.allSatisfy({ $0.isASCII && $0.isNumber }) {
                problem("customer_id", "'\(customerID)' is not a number")
            }
            let dateText = fields[offset + 1]
            let date = dates[dateText] ?? Self.date(dateText)
            if let date { dates[dateText] = date }
            if date == nil { problem("date", "'\(fields[offset + 1])' is not a date (YYYYMMDD)") }
            let quantity = Int(fields[offset + 2])
            if quantity == nil || quantity! < 0 { problem("number_of_cds", "'\(fields[offset + 2])' is not a count") }
            let amount = Money(parsing: fields[offset + 3], currency: currency)
            if amount == nil { problem("dollar_value", "'\(fields[offset + 3])' is not an amount") }
            guard lineIssues == 0, let date, let quantity, let amount else { continue }

            if customers[customerID] == nil {
                customers[customerID] = Customer(
                    source: Self.source, externalID: customerID, name: PersonName(given: "", family: ""), locale: "en")
                order.append(customerID)
            }
            purchases.append(ImportedPurchase(
                customerSource: Self.source, customerExternalID: customerID,
                purchase: Purchase(
                    customerID: CustomerID(0), source: Self.source, externalID: "\(fileName):\(lineNumber)",
                    time: date, amount: amount, quantity: quantity, channel: "online")))
        }
        try issues.check()
        var batch = ImportBatch(customers: order.map { customers[$0]! }, purchases: purchases)
        batch.customerMode = .createMissing
        return batch
    }

    /// `19970101` as midnight UTC; nil for anything that is not a real date.
    static func date(_ text: String) -> Date? {
        guard text.count == 8, text.allSatisfy({ $0.isASCII && $0.isNumber }),
              let year = Int(text.prefix(4)), let month = Int(text.dropFirst(4).prefix(2)), let day = Int(text.suffix(2)),
              Birthday(year: year, month: month, day: day) != nil
        else { return nil }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: components)
    }
}
