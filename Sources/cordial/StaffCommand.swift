import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial staff add|list`
struct StaffCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "staff", abstract: "The organisation's staff: who approves plans, who calls and visits.",
        subcommands: [AddStaff.self, ListStaff.self])
}

struct AddStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a member of staff with a role.")

    @OptionGroup var store: StoreOptions

    @Argument(help: "Their name.")
    var name: String

    @Option(help: "Their role, as approval levels and call lists name it (lower-case letters, digits and dashes: marketing-lead).")
    var role: String

    @Option(help: "The region they cover.")
    var region: String?

    func validate() throws {
        guard !name.trimmingCharacters(in: .whitespaces).isEmpty, name.utf8.count <= 200 else { throw ValidationError("the name must be 1 to 200 bytes") }
        guard PluginManifest.isValidName(role) else {
            throw ValidationError("--role '\(role)' is not a role name: use lower-case letters, digits and dashes (marketing-lead)")
        }
    }

    func run() async throws {
        let added = try await store.open().addStaff(Staff(name: name, role: role, region: region))
        if store.json { return try store.printJSON(added) }
        print("staff \(added.id ?? 0): \(added.name) (\(added.role))")
    }
}

struct ListStaff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every member of staff with their role.")

    @OptionGroup var store: StoreOptions

    func run() async throws {
        let staff = try await store.open().staff()
        if store.json { return try store.printJSON(staff) }
        printTable(["ID", "NAME", "ROLE", "REGION"], staff.map { ["\($0.id ?? 0)", $0.name, $0.role, $0.region ?? ""] })
        print("\(staff.count) member\(staff.count == 1 ? "" : "s") of staff")
    }
}
