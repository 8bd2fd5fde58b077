import Foundation
import Testing

/// `cordial consent` as staff use it: a file imported all or nothing with located errors,
/// answers shown, changed with an audit entry, and exported in the form the import reads.
@Suite final class ConsentCommandTests {
    let stores = TemporaryStores()
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("cordial-consent-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(at: folder) }

    func cordial(_ arguments: String...) throws -> RunCommandTests.Outcome { try RunCommandTests.cordial(arguments) }

    func file(_ name: String, _ text: String) throws -> String {
        let path = folder.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func aConsentFileIsImportedWholeOrNotAtAllAndGoesBackAndForth() throws {
        let db = stores.path()
        #expect(try cordial("init", "--db", db).status == 0)
        let customers = try file("customers.csv", "external_id,first_name,family_name\nC-1,An,Nguyễn\nC-2,Wei,Wang\n")
        #expect(try cordial("import", "customers", customers, "--source", "crm", "--db", db).status == 0)

        let bad = try file("bad.csv", "customer_id,channel,consent\nC-1,email,no\nC-9,sms,yes\nC-2,fax,yes\nC-2,post,maybe\n")
        let refused = try cordial("consent", "import", bad, "--source", "crm", "--db", db)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("bad.csv:4: column 'channel': 'fax' is not a channel"), "\(refused.standardError)")
        #expect(refused.standardError.contains("bad.csv:5: column 'consent': 'maybe' is not an answer"), "\(refused.standardError)")
        #expect(try cordial("consent", "show", "crm:C-1", "--db", db).standardOutput.contains("not asked (allowed)"))
        let unknown = try cordial("consent", "import", try file("unknown.csv", "customer_id,channel,consent\nC-1,email,no\nC-9,sms,yes\n"),
                                  "--source", "crm", "--db", db)
        #expect(unknown.status == 1 && unknown.standardError.contains("unknown.csv:3: column 'customer_id': no customer 'C-9' from source 'crm'"), "\(unknown.standardError)")
        #expect(!(try cordial("consent", "show", "crm:C-1", "--db", db).standardOutput.contains("refused")), "nothing was written")

        let good = try file("good.csv", "customer_id,channel,consent\nC-1,email,opt-out\nC-1,SMS,yes\nC-2,post,refused\n")
        let imported = try cordial("consent", "import", good, "--source", "crm", "--db", db)
        #expect(imported.status == 0 && imported.standardOutput.contains("3 answers changed, 0 unchanged"), "\(imported.standardError)")
        let shown = try cordial("consent", "show", "crm:C-1", "--db", db).standardOutput
        #expect(shown.contains("email    refused") && shown.contains("sms      granted") && shown.contains("import good.csv"), "\(shown)")
        #expect(try cordial("customers", "show", "crm:C-2", "--db", db).standardOutput.contains("consent    post refused"))

        let set = try cordial("consent", "set", "crm:C-1", "--channel", "email", "--grant", "--db", db)
        #expect(set.status == 0 && set.standardOutput.contains("email granted"))

        // The export reads back: into a second store, the same answers.
        let exported = try cordial("consent", "export", "--db", db).standardOutput
        let lines = exported.split(separator: "\n")
        #expect(lines.first == "customer_source,customer_id,channel,consent,changed_at,via")
        #expect(lines.count == 4 && lines.contains { $0.hasPrefix("crm,C-1,email,yes,") && $0.hasSuffix(",cli") }, "\(exported)")
        let other = stores.path()
        #expect(try cordial("init", "--db", other).status == 0)
        #expect(try cordial("import", "customers", customers, "--source", "crm", "--db", other).status == 0)
        let back = try cordial("consent", "import", try file("back.csv", exported), "--db", other)
        #expect(back.status == 0 && back.standardOutput.contains("3 answers changed"), "\(back.standardError)")
        #expect(try cordial("consent", "show", "crm:C-2", "--json", "--db", other).standardOutput.contains("\"granted\" : false"))
    }

    @Test func aBadCatalogFileIsRefusedWholeWithItsLines() throws {
        let db = stores.path()
        #expect(try cordial("init", "--db", db).status == 0)
        let bad = try file("catalog.csv", "catalog,code,name,cost,stock\nbirthday,tea,Trà,100000,5\nbirthday,tea,Trà,100000,5\nbirthday,a/b,X,-3,many\n")
        let refused = try cordial("catalog", "import", bad, "--db", db)
        #expect(refused.status == 1)
        #expect(refused.standardError.contains("catalog.csv:3: column 'code': 'tea' already appears on line 2")
            || refused.standardError.contains("catalog.csv:3: column 'code': 'birthday/tea' already appears on line 2"), "\(refused.standardError)")
        #expect(refused.standardError.contains("catalog.csv:4: column 'code'") && refused.standardError.contains("catalog.csv:4: column 'cost'")
            && refused.standardError.contains("catalog.csv:4: column 'stock'"), "\(refused.standardError)")
        let misspelt = try cordial("catalog", "import", try file("stok.csv", "catalog,code,name,cost,stok\nb,t,T,1,1\n"), "--db", db)
        #expect(misspelt.status == 1 && misspelt.standardError.contains("unknown column 'stok'"), "\(misspelt.standardError)")
        #expect(try cordial("catalog", "list", "--db", db).standardOutput.contains("0 items"), "nothing was written")
    }
}
