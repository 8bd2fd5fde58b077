import Cordial
import CordialStore
import Foundation
import Testing

/// Every command opens its store through the engine's one entry point; the product binary
/// carries no benchmark.
@Suite final class StoreOpeningTests {
    private let stores = TemporaryStores()

    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome {
        try RunCommandTests.cordial(arguments)
    }

    @Test func aSQLiteURLOpensTheSameStoreAsItsPath() async throws {
        let path = stores.path()
        #expect(try cordial("init", "--db", path).status == 0)
        let byURL = try cordial("customers", "list", "--db", "sqlite:\(path)")
        #expect(byURL.status == 0, "\(byURL.standardError)")
        let byFileURL = try cordial("customers", "list", "--db", "file://\(path)")
        #expect(byFileURL.status == 0, "\(byFileURL.standardError)")
        let store = try await StoreLocation.open("sqlite:\(path)")
        #expect(try await store.countCustomers() == 0)
    }

    @Test func locationsThatCannotBeOpenedSayWhyOnOneLine() throws {
        let missing = try cordial("customers", "list", "--db", "sqlite:/nonexistent/crm.sqlite")
        #expect(missing.status == 1)
        #expect(missing.standardError.contains("no store at /nonexistent/crm.sqlite; create one with `cordial init`"))
        let postgres = try cordial("customers", "list", "--db", "postgres://cordial:secret@127.0.0.1:1/crm")
        #expect(postgres.status == 1)
        #expect(postgres.standardError == "Error: PostgreSQL at 127.0.0.1:1/crm: cannot connect: connection refused\n")
        let other = try cordial("customers", "list", "--db", "mysql://root:hunter2@db/crm")
        #expect(other.status == 1)
        #expect(other.standardError.contains("cannot open a store at 'mysql://…@db/crm'"))
        for outcome in [missing, postgres, other] {
            #expect(!outcome.standardError.contains("secret") && !outcome.standardError.contains("hunter2"))
            #expect(outcome.standardError.split(separator: "\n").count == 1, "\(outcome.standardError)")
        }
        let script = try cordial("run", "--db", "mysql://db/crm", "examples/hello.lua")
        #expect(script.status == 1 && script.standardError.contains("cannot open a store at 'mysql://db/crm'"))
    }

    @Test func theProductHasNoBenchmarkCommand() throws {
        let help = try cordial("--help")
        #expect(help.status == 0)
        #expect(help.standardOutput.contains("segments") && !help.standardOutput.contains("bench"))
        #expect(try cordial("bench", "lua").status != 0)
    }

    @Test func customerReferencesAndSegmentSelectorsAreParsedOnce() throws {
        let path = stores.path()
        #expect(try cordial("init", "--db", path).status == 0)
        let notAReference = try cordial("customers", "show", "someone", "--db", path)
        #expect(notAReference.status != 0 && notAReference.standardError.contains("'someone' is neither a store id nor SOURCE:EXTERNAL_ID"))
        let unknown = try cordial("customers", "show", "crm:C-404", "--db", path)
        #expect(unknown.status == 1 && unknown.standardError.contains("no customer 'crm:C-404'"))
        let badSelector = try cordial("customers", "list", "--segment", ":gold", "--db", path)
        #expect(badSelector.status != 0)
    }
}
