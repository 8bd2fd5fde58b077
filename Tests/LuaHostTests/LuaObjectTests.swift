import LuaHost
import Testing

final class Account {
    let owner: String
    var balance: Int64
    nonisolated(unsafe) static var released = 0  // the suite is serialized

    init(owner: String, balance: Int64) {
        self.owner = owner
        self.balance = balance
    }

    deinit { Account.released += 1 }
}

@Suite(.serialized) struct LuaObjectTests {
    func makeState() throws -> LuaState {
        let state = try LuaState()
        var type = LuaObjectType<Account>("Account")
        type.field("owner") { $0.owner }
        type.field("balance") { $0.balance }
        type.method("deposit") { account, arguments in
            let amount = try arguments.get(2, "amount", as: Int64.self)
            guard amount > 0 else { throw arguments.invalid("amount", "must be positive, got \(amount)") }
            account.balance += amount
            return account.balance
        }
        type.description { "Account(\($0.owner))" }
        try state.register(type)
        return state
    }

    @Test func fieldsMethodsToStringAndEquality() throws {
        let state = try makeState()
        let account = Account(owner: "Phạm Thu Hà", balance: 10)
        try state.setGlobal("account", .object(LuaObjectBox(account)))
        try state.setGlobal("same", .object(LuaObjectBox(account)))
        let results = try state.evaluate("return account.owner, account:deposit(5), tostring(account), account == same")
        #expect(results == ["Phạm Thu Hà", 15, "Account(Phạm Thu Hà)", true])
        #expect(account.balance == 15)
        let back = try state.global("account")
        let object = back.objectValue
        #expect(object === account)
    }

    @Test func misuseGivesArgumentErrors() throws {
        let state = try makeState()
        try state.setGlobal("account", .object(LuaObjectBox(Account(owner: "A", balance: 0))))
        let negative = try #require(throws: LuaRunError.self) { try state.evaluate("return account:deposit(-1)") }
        #expect(negative.message.contains("Account:deposit: invalid 'amount': must be positive, got -1"))
        let dot = try #require(throws: LuaRunError.self) { try state.evaluate("return account.deposit(5)") }
        #expect(dot.message.contains("invalid 'self': expected Account, got integer (call it with ':')"))
        let write = try #require(throws: LuaRunError.self) { try state.evaluate("account.balance = 1e9") }
        #expect(write.message.contains("Account is read-only"))
        let unknown = try #require(throws: LuaRunError.self) { try state.evaluate("return account.balanse") }
        #expect(unknown.message.contains("Account has no field or method 'balanse'"))
        let metatable = try #require(throws: LuaRunError.self) { try state.evaluate("setmetatable(account, {})") }
        #expect(metatable.message.contains("bad argument #1 to 'setmetatable' (table expected, got userdata)"))
    }

    @Test func garbageCollectionReleasesTheSwiftObject() throws {
        let state = try makeState()
        let before = Account.released
        do {
            try state.setGlobal("temporary", .object(LuaObjectBox(Account(owner: "B", balance: 0))))
        }
        try state.evaluate("temporary = nil")
        state.collectGarbage()
        #expect(Account.released == before + 1)
    }
}
