// A small application embedding Cordial: a shop's loyalty desk that keeps its customers in
// an embedded SQLite file, imports the day's files, runs the organisation's segment plugins
// and previews a thank-you letter in each customer's language. docs/embedding.md walks
// through it; the tests build and run it, so it cannot rot.
//
//     swift run cordial-embedding-example STORE PLUGINS DATA
//     swift run cordial-embedding-example /tmp/shop.sqlite plugins examples/embedding/data
import Cordial
import Foundation

@main
struct LoyaltyDesk {
    static func main() async {
        let arguments = CommandLine.arguments.dropFirst()
        guard arguments.count == 3 else {
            FileHandle.standardError.write(Data("usage: cordial-embedding-example STORE PLUGINS DATA\n".utf8))
            exit(2)
        }
        let (store, plugins, data) = (arguments[arguments.startIndex], arguments[arguments.startIndex + 1], arguments[arguments.startIndex + 2])
        do {
            try await run(store: store, plugins: URL(fileURLWithPath: plugins), data: URL(fileURLWithPath: data))
        } catch {
            // Cordial's errors are one line that names the file, line or field, with no personal data.
            FileHandle.standardError.write(Data("loyalty desk: \(error)\n".utf8))
            exit(1)
        }
    }

    static func run(store location: String, plugins: URL, data: URL) async throws {
        // 1. The store (created when missing, its schema brought up to date) and the plugins.
        let engine = try await CordialEngine.open(location, plugins: [plugins], creating: true)
        for problem in engine.pluginProblems { print("plugin problem: \(problem)") }
        print("plugins: \(engine.plugins.plugins.map(\.name).sorted().joined(separator: ", "))")

        // 2. The day's files, each in one transaction: a bad row writes nothing.
        let customers = try await engine.importCustomers(
            from: data.appendingPathComponent("customers.csv").path, importer: CustomerImporter(source: "shop"))
        let purchases = try await engine.importPurchases(
            from: data.appendingPathComponent("purchases.csv").path, importer: PurchaseImporter(customerSource: "shop", currency: "VND"))
        print("imported \(customers.customersCreated) new customers and \(purchases.purchasesAdded) purchases")

        // 3. The lifecycle segment as of a given day; each label with its members.
        let asOf = CalendarDays.date(ofDay: CalendarDays.day(of: "2025-01-15")!)
        for result in try await engine.runSegments(["lifecycle"], asOf: asOf) {
            switch result {
            case .materialized(let summary, let plugin):
                let counts = summary.counts.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }
                print("segment \(summary.segment) (\(plugin.name) \(plugin.manifest.version)): \(counts.joined(separator: ", "))")
            case .failed(let segment, _, let error):
                print("segment \(segment) failed: \(error)")
            }
        }

        // 4. A thank-you letter previewed for each customer, in their own language.
        let letters = engine.letters()
        for externalID in ["C-001", "C-003", "C-004"] {
            guard let customer = try await engine.store.customer(source: "shop", externalID: externalID) else { continue }
            let letter = try letters.render("thanks", customer: customer, letterDay: CalendarDays.day(of: "2025-01-15")!)
            print("[\(letter.locale)] \(letter.subject ?? "") | \(letter.text.split(separator: "\n").first ?? "")")
        }
    }
}
