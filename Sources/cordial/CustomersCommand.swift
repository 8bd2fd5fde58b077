import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial customers list|show`
struct CustomersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "customers", abstract: "Look at the customer file.",
        subcommands: [ListCustomers.self, ShowCustomer.self, ExportCustomers.self, ForgetCustomer.self])
}

struct ListCustomers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "List customers in id order.")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Option(help: "At most this many.")
    var limit: Int = 20

    @Option(help: "Only customers with this tag.")
    var tag: String?

    @Option(help: "Only members of this segment now (SEGMENT or SEGMENT:LABEL).")
    var segment: SegmentSelector?

    func validate() throws {
        guard limit > 0 else { throw ValidationError("--limit must be at least 1") }
    }

    func run() async throws {
        let opened = try await store.open()
        let selector = try await checked(segment, in: opened, plugins: pluginOptions)
        let customers = try await opened.customers(
            CustomerQuery(limit: limit, tag: tag, segment: selector?.segment, label: selector?.label))
        if store.json { return try store.printJSON(customers) }
        for customer in customers {
            let name = customer.displayName.isEmpty ? "(no name)" : customer.displayName
            let fields = ["\(customer.source):\(customer.externalID)", name, customer.locale, customer.tier ?? "-"].map(\.forTerminal)
            print("\(customer.id!)\t" + fields.joined(separator: "\t"))
        }
        // The footer counts what the filters select, not the whole store.
        let query = CustomerQuery(limit: limit, tag: tag, segment: selector?.segment, label: selector?.label)
        let total = try await opened.countCustomers(matching: query)
        var scope: [String] = []
        if let selector { scope.append("in \(selector)") }
        if let tag { scope.append("tagged \(tag)") }
        print("\(customers.count) of \(total) customers" + (scope.isEmpty ? "" : " " + scope.joined(separator: ", ")))
    }
}

struct ShowCustomer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One customer, with a purchase summary.",
        discussion: "ID is the store id (42) or SOURCE:EXTERNAL_ID (cdnow:00042).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The customer.")
    var id: String

    struct Shown: Encodable {
        var customer: Customer
        var purchases: PurchaseSummary
        var consent: [ConsentRecord]
    }

    func run() async throws {
        let opened = try await store.open()
        let customer = try await lookUpCustomer(id, in: opened)
        let purchases = try await opened.purchases(of: customer.id!)
        let answers = try await opened.consent(of: customer.id!)
        if store.json { return try store.printJSON(Shown(customer: customer, purchases: PurchaseSummary(of: purchases), consent: answers)) }
        let labels = try await opened.customerFacts(in: customer.id!.rawValue...customer.id!.rawValue, values: false).first?.labels ?? [:]
        print(Self.profile(customer, purchases: purchases, labels: labels, consent: answers))
    }

    /// Every part of the customer's file, a line each, with labels in one column; a line
    /// whose part is empty says so rather than showing nothing.
    static func profile(_ customer: Customer, purchases: [Purchase], labels: [String: String], consent answers: [ConsentRecord]) -> String {
        let day = Date.ISO8601FormatStyle().year().month().day()
        let summary = PurchaseSummary(of: purchases)
        var name = customer.displayName.isEmpty ? "(no name)" : customer.displayName
        if customer.honorific != nil, customer.formalName != name { name += "  (\(customer.formalName))" }
        // Totals per currency, exact (purchases in two currencies are not added together).
        let totals = Dictionary(grouping: purchases, by: \.amount.currency).sorted { $0.key < $1.key }.map { currency, bought in
            bought.reduce(Decimal(0)) { $0 + $1.amount.amount }.formatted(.number.locale(Locale(identifier: "en_US"))) + " " + currency
        }
        let address = customer.address.map { address in
            (address.lines + [address.city, address.region, address.postalCode, address.country].compactMap { $0 }).joined(separator: ", ")
        }
        let attributes = customer.attributes.sorted { $0.key < $1.key }.map { key, value in
            if case .string(let text) = value { return "\(key) \(text)" }
            return "\(key) \(JSONText.value(value))"
        }
        let consent = answers.map { "\($0.channel.rawValue) \($0.granted ? "granted" : "refused")" }
        func none(_ parts: [String], _ empty: String = "(none)") -> String { parts.isEmpty ? empty : parts.joined(separator: ", ") }
        let lines: [(String, String)] = [
            ("id", "\(customer.id.map { "\($0)" } ?? "-")  (\(customer.source):\(customer.externalID))"),
            ("name", name),
            ("locale", "\(customer.locale)   tier \(customer.tier ?? "-")"),
            ("tags", none(customer.tags)),
            ("email", none(customer.emails)),
            ("phone", none(customer.phones)),
            ("address", address.flatMap { $0.isEmpty ? nil : $0 } ?? "(none)"),
            ("birthday", customer.birthday.map(\.description) ?? "-"),
            ("attributes", none(attributes)),
            ("segments", none(labels.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" })),
            ("purchases", "\(summary.count), total \(none(totals, "0")), first \(summary.first.map { $0.formatted(day) } ?? "-"), last \(summary.last.map { $0.formatted(day) } ?? "-")"),
            ("consent", none(consent, "no answers (every channel allowed)")),
        ]
        return lines.map { label, text in label.padding(toLength: 11, withPad: " ", startingAt: 0) + text.forTerminal }.joined(separator: "\n")
    }
}

struct ExportCustomers: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write every customer (or a segment's members) as CSV or JSON Lines (re-importable).")

    @OptionGroup var store: StoreOptions
    @OptionGroup var pluginOptions: PluginOptions

    @Option(help: "Only members of this segment now (SEGMENT or SEGMENT:LABEL), with their contact details.")
    var segment: SegmentSelector?

    @Option(help: "csv or jsonl (--json: jsonl).")
    var format: CustomerImporter.Format?

    @Option(name: .shortAndLong, help: "Write to this file instead of standard output.")
    var output: String?

    func validate() throws {
        if store.json, format == .csv { throw ValidationError("--json writes JSON Lines: leave out --format csv") }
    }

    func run() async throws {
        let opened = try await store.open()
        let format = format ?? (store.json ? .jsonl : .csv)
        let exporter = CustomerExporter(format: format, segment: try await checked(segment, in: opened, plugins: pluginOptions))
        if let output, let type = try? FileManager.default.attributesOfItem(atPath: output)[.type] as? FileAttributeType, type != .typeRegular {
            // A device or a pipe (/dev/null, a FIFO) is written as it is: moving a file into its
            // place would replace it.
            let descriptor = open(output, O_WRONLY | O_TRUNC | O_CLOEXEC)
            guard descriptor >= 0 else { throw CommandFailure("cannot write \(output): \(String(cString: strerror(errno)))") }
            let handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
            let count = try await exporter.export(from: opened) { try handle.write(contentsOf: Data($0.utf8)) }
            StandardStreams.error("exported \(count) customers to \(output)\n")
        } else if let output {
            // Written to a temporary file and moved into place: never a half-written export.
            let target = URL(fileURLWithPath: output)
            let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).partial")
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw CommandFailure("cannot write \(output)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            do {
                let count = try await exporter.export(from: opened) { try handle.write(contentsOf: Data($0.utf8)) }
                try handle.close()
                _ = try? FileManager.default.removeItem(at: target)
                try FileManager.default.moveItem(at: temporary, to: target)
                StandardStreams.error("exported \(count) customers to \(output)\n")
            } catch {
                try? handle.close()
                try? FileManager.default.removeItem(at: temporary)
                throw error
            }
        } else {
            try await exporter.export(from: opened) { StandardStreams.out($0) }
        }
    }
}

struct ForgetCustomer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase a customer's personal data on request; purchases stay as anonymous aggregates.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The customer's store id.")
    var id: Int64

    @Option(help: "Why (recorded in the audit log; no personal data).")
    var reason: String = "erasure requested by the customer"

    func run() async throws {
        let opened = try await store.open()
        do {
            try await opened.forget(CustomerID(id), reason: reason)
        } catch let error as StoreError {
            throw CommandFailure(error.errorDescription ?? "\(error)")
        }
        if store.json { return try store.printJSON(["customer": id]) }
        print("customer \(id): personal data erased; purchases kept")
    }
}

/// The customer a command-line argument names: a store id (42) or SOURCE:EXTERNAL_ID (cdnow:00042).
func lookUpCustomer(_ text: String, in store: any Store) async throws -> Customer {
    guard let reference = CustomerReference(text) else {
        // A number or SOURCE:… that can name no customer (0, "crm:") is simply not found.
        if Int64(text) != nil || text.contains(":") { throw CommandFailure("no customer '\(text)'") }
        throw ValidationError(CustomerReference.invalid(text))
    }
    guard let customer = try await store.customer(reference) else { throw CommandFailure("no customer '\(text)'") }
    return customer
}
