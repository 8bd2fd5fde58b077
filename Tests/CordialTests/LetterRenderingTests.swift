import Cordial
import CordialCore
import Foundation
import Testing

/// Letters rendered for customers: the template per locale along the fallback chain, names
/// in each language's formal form, dates and money per locale, lambdas from Lua, and a
/// missing value refused at its line — never a blank in a letter.
@Suite struct LetterRenderingTests {
    let folder: PluginFolder
    let loader: PluginLoader

    init() throws {
        folder = try PluginFolder()
        loader = PluginLoader(chunkNameRoot: folder.root)
    }

    static let plugin = """
        local cordial = require "cordial"
        local plugin = cordial.plugin { name = "care", version = "1.0.0", api = 1 }
        plugin:letters { default_locale = "en", sender = "Sen Vàng <cskh@senvang.example>", organisation = "Sen Vàng" }
        plugin:lambda("shout", function(text) return string.upper(text) end)
        plugin:lambda("quoted", function(text) return "«" .. text .. "»" end)
        plugin:lambda("broken", function(text) error("no such style") end)
        plugin:lambda("spin", function(text) while true do end end)
        plugin:lambda("again", function(text) return "{{again}}" end)
        plugin:lambda("nothing", function(text) return nil end)
        plugin:lambda("nick", function(text) return "{{customer.nickname}}" end)
        plugin:lambda("whole", function(text) return "{{customer}}" end)
        plugin:lambda("named", function(text) return "<{{name}}>" end)
        return plugin
        """

    func load(_ letters: [String: String]) throws -> Plugin {
        var files = ["plugin.lua": Self.plugin]
        for (name, text) in letters { files["letters/\(name)"] = text }
        try? FileManager.default.removeItem(at: folder.root.appendingPathComponent("care"))
        return try loader.load(directory: try folder.plugin("care", files))
    }

    static let thanks = [
        "thanks.vi.mustache": "---\nsubject: Cảm ơn {{customer.short_name}}\n---\nKính gửi {{customer.formal_name}},\n{{#gift}}Quà: {{name}} ({{cost}}).\n{{/gift}}Ngày {{campaign.date}}.\n{{> signature}}",
        "thanks.zh.mustache": "---\nsubject: 谢谢{{customer.short_name}}\n---\n尊敬的{{customer.formal_name}}：\n{{#gift}}礼物：{{name}}（{{cost}}）。\n{{/gift}}{{campaign.date}}\n{{> signature}}",
        "thanks.en.mustache": "---\nsubject: Thank you, {{customer.short_name}}\n---\nDear {{customer.formal_name}},\n{{#gift}}Gift: {{name}} ({{cost}}).\n{{/gift}}On {{campaign.date}}.\n{{> signature}}",
        "partials/signature.mustache": "{{organisation.name}}",
        "partials/signature.zh.mustache": "{{organisation.name}}客户关怀部",
    ]

    static func customer(_ given: String, _ family: String, _ honorific: String?, _ locale: String) -> Customer {
        Customer(id: CustomerID(7), source: "crm", externalID: "C-7", name: PersonName(given: given, family: family), honorific: honorific,
                 emails: ["c7@example.com"], locale: locale)
    }

    static let day = CalendarDays.day(of: "2025-02-15")!

    @Test func eachLanguageGetsItsFormalNameDatesAndMoney() throws {
        let desk = LetterDesk(plugins: [try load(Self.thanks)], loader: loader)
        let vi = try desk.render(
            "thanks", customer: Self.customer("Văn An", "Nguyễn", "Ông", "vi-VN"),
            occasion: LetterOccasion(campaign: "tet", actionDay: Self.day, gift: GiftItem(catalog: "tet", code: "tea", name: "Trà sen", cost: Money(1_500_000, "VND"), stock: 1)),
            letterDay: Self.day)
        #expect(vi.subject == "Cảm ơn Ông An")
        #expect(vi.text == "Kính gửi Ông Nguyễn Văn An,\nQuà: Trà sen (1.500.000 ₫).\nNgày 15 tháng 2 năm 2025.\nSen Vàng")
        #expect(vi.locale == "vi" && vi.file.hasSuffix("care/letters/thanks.vi.mustache"))
        #expect(vi.sender?.address == "cskh@senvang.example" && vi.sender?.name == "Sen Vàng")

        let zh = try desk.render(
            "thanks", customer: Self.customer("伟", "王", "先生", "zh"),
            occasion: LetterOccasion(actionDay: Self.day, gift: GiftItem(catalog: "x", code: "y", name: "茶叶", cost: Money(1500, "CNY"), stock: 1)),
            letterDay: Self.day)
        #expect(zh.text == "尊敬的王先生：\n礼物：茶叶（¥1,500）。\n2025年2月15日\nSen Vàng客户关怀部", "the zh partial wins over the one without a locale")

        let en = try desk.render("thanks", customer: Self.customer("John", "Smith", "Mr", "en-GB"), occasion: LetterOccasion(actionDay: Self.day), letterDay: Self.day)
        #expect(en.text == "Dear Mr Smith,\nOn 15 February 2025.\nSen Vàng", "no gift: the section is skipped, with its line")
        // Korean has no template: the organisation's default locale (en) is used.
        let ko = try desk.render("thanks", customer: Self.customer("민준", "김", nil, "ko"), occasion: LetterOccasion(actionDay: Self.day), letterDay: Self.day)
        #expect(ko.locale == "en" && ko.text.hasPrefix("Dear 김민준,"))
    }

    @Test func eachLetterReadsItsOwnOccasionWhenOccasionsAlternate() throws {
        let desk = LetterDesk(plugins: [try load(Self.thanks)], loader: loader)
        let customer = Self.customer("John", "Smith", "Mr", "en")
        let tea = GiftItem(catalog: "tet", code: "tea", name: "Tea", cost: Money(1_500, "USD"), stock: 1)
        var cake = tea
        cake.name = "Cake"
        let texts = try [tea, tea, cake, tea].map { gift in
            try desk.render("thanks", customer: customer, occasion: LetterOccasion(actionDay: Self.day, actionKey: "\(gift.name)", gift: gift), letterDay: Self.day).text
        }
        #expect(texts.map { $0.contains("Gift: Tea ($1,500).") } == [true, true, false, true])
        #expect(texts[2].contains("Gift: Cake ($1,500)."))
        let later = try desk.render("thanks", customer: customer, occasion: LetterOccasion(actionDay: Self.day + 1, gift: tea), letterDay: Self.day)
        #expect(later.text.contains("On 16 February 2025."))
    }

    @Test func aMissingValueIsAnErrorAtItsLineNeverABlank() throws {
        let desk = LetterDesk(plugins: [try load([
            "note.en.mustache": "---\nsubject: Hello {{customer.short_name}}\n---\nDear {{customer.formal_name}},\n\nYour city: {{customer.city}}.\n",
            "tier.en.mustache": "---\nsubject: {{customer.nickname}}\n---\nHi",
            "safe.en.mustache": "---\nsubject: Hi\n---\n{{#customer.city}}Your city: {{customer.city}}.{{/customer.city}}{{^customer.city}}No city.{{/customer.city}}",
            "footer.en.mustache": "---\nsubject: Hi\n---\nHi\n\n{{> footer}}",
            "signed.en.mustache": "---\nsubject: Hi\n---\nHi\n{{#customer}}{{> signature}}{{/customer}}",
            "partials/signature.en.mustache": "Regards,\n{{sender.name}}\n{{customer.city}}\n",
            "loop.en.mustache": "---\nsubject: Hi\n---\n{{> again}}",
            "partials/again.mustache": "{{#customer}}{{> again}}{{/customer}}",
        ])], loader: loader)
        let customer = Self.customer("John", "Smith", "Mr", "en")
        let missing = try #require(throws: PluginError.self) { try desk.render("note", customer: customer, letterDay: Self.day) }
        #expect(missing.description == "care/letters/note.en.mustache:6: no value for 'customer.city' in this letter's context")
        let subject = try #require(throws: PluginError.self) { try desk.render("tier", customer: customer, letterDay: Self.day) }
        #expect(subject.description == "care/letters/tier.en.mustache:2: no value for 'customer.nickname' in this letter's context")
        #expect(try desk.render("safe", customer: customer, letterDay: Self.day).text == "No city.", "a section guards an optional value")
        let footer = try #require(throws: PluginError.self) { try desk.render("footer", customer: customer, letterDay: Self.day) }
        #expect(footer.description == "care/letters/footer.en.mustache:6: no partial 'footer' (letters/partials/footer.mustache, or with a locale)")
        // Inside a partial, the partial's own file and line; a partial including itself ends at a depth.
        let signed = try #require(throws: PluginError.self) { try desk.render("signed", customer: customer, letterDay: Self.day) }
        #expect(signed.description == "care/letters/partials/signature.en.mustache:3: no value for 'customer.city' in this letter's context")
        let loop = try #require(throws: PluginError.self) { try desk.render("loop", customer: customer, letterDay: Self.day) }
        #expect(loop.description == "care/letters/partials/again.mustache:1: partials nest more than 16 deep")
        var inHue = customer
        inHue.address = Address(city: "Huế")
        #expect(try desk.render("signed", customer: inHue, letterDay: Self.day).text == "Hi\nRegards,\nSen Vàng\nHuế\n")
        let unknown = try #require(throws: PluginError.self) { try desk.render("nosuch", customer: customer, letterDay: Self.day) }
        #expect(unknown.message == "no plugin has a letter template 'nosuch' (letters/nosuch.LOCALE.mustache)")
    }

    @Test func luaLambdasShapeTextAndAFailingOneFailsItsLetter() throws {
        let desk = LetterDesk(plugins: [try load([
            "loud.en.mustache": "---\nsubject: x\n---\n{{#shout}}hello{{/shout}} {{#quoted}}{{customer.family_name}}{{/quoted}}",
            "broken.en.mustache": "---\nsubject: x\n---\n{{#broken}}hello{{/broken}}",
            "spin.en.mustache": "---\nsubject: x\n---\n{{#spin}}hello{{/spin}}",
        ])], loader: loader)
        let customer = Self.customer("John", "Smith", "Mr", "en")
        // A lambda gets the section's raw text; what it returns is rendered in the letter.
        #expect(try desk.render("loud", customer: customer, letterDay: Self.day).text == "HELLO «Smith»")
        let broken = try #require(throws: PluginError.self) { try desk.render("broken", customer: customer, letterDay: Self.day) }
        #expect(broken.location == "care/letters/broken.en.mustache")
        #expect(broken.message.hasPrefix("lambda 'broken' failed: care/plugin.lua:6: no such style"), "\(broken.message)")
        let started = Date()
        let spin = try #require(throws: PluginError.self) { try desk.render("spin", customer: customer, letterDay: Self.day) }
        #expect(spin.message.contains("time limit"), "\(spin.message)")
        #expect(Date().timeIntervalSince(started) < 30)
        #expect(try desk.render("loud", customer: customer, letterDay: Self.day).text == "HELLO «Smith»", "the next letter renders")
    }

    @Test func hostileTemplatesAndLambdasEndWithAReason() throws {
        let deep = String(repeating: "{{#a}}", count: 20_000) + String(repeating: "{{/a}}", count: 20_000)
        let problem = try #require(throws: PluginError.self) { try load(["deep.en.mustache": "---\nsubject: x\n---\n" + deep]) }
        #expect(problem.description == "care/letters/deep.en.mustache:4: sections nest more than 32 deep")
        for (file, message) in [
            ("---\nsubject: x\n---\n{{lowercase(customer.name)}}", "care/letters/t.en.mustache:4: 'lowercase(customer.name)': functions in tags are not used in letters"),
            ("---\nsubject: x\n---\n{{<base}}{{/base}}", "care/letters/t.en.mustache:4: template inheritance ({{<parent}}, {{$block}}) is not used in letters"),
            ("---\nsubject: x\n---\n\n{{% CONTENT_TYPE: HTML }}", "care/letters/t.en.mustache:5: pragmas ({{% … }}) are not used in letters"),
            ("\u{FEFF}---\nsubject:\n---\nx", "care/letters/t.en.mustache:2: the subject is empty"),
        ] {
            let refused = try #require(throws: PluginError.self) { try load(["t.en.mustache": file]) }
            #expect(refused.description.hasPrefix(message), "\(refused.description)")
        }
        // Partials including each other many times over: refused before the engine renders them.
        var partials: [String: String] = ["fan.en.mustache": "---\nsubject: x\n---\n{{> p0}}"]
        for level in 0..<14 { partials["partials/p\(level).mustache"] = "{{> p\(level + 1)}}{{> p\(level + 1)}}{{> p\(level + 1)}}" }
        partials["partials/p14.mustache"] = "x"
        partials["record.en.mustache"] = "---\nsubject: x\n---\n{{customer}}"
        partials["again.en.mustache"] = "---\nsubject: x\n---\n{{again}}"
        partials["nothing.en.mustache"] = "---\nsubject: x\n---\nDear {{#nothing}}friend{{/nothing}}"
        partials["nick.en.mustache"] = "---\nsubject: x\n---\nDear {{nick}}"
        partials["whole.en.mustache"] = "---\nsubject: x\n---\nDear\n{{#whole}}x{{/whole}}"
        partials["outer.en.mustache"] = "---\nsubject: x\n---\n{{#gift}}{{.organisation.name}}{{/gift}}"
        partials["inner.en.mustache"] = "---\nsubject: x\n---\n{{#gift}}{{#named}}x{{/named}} {{.name}}{{/gift}}"
        let desk = LetterDesk(plugins: [try load(partials)], loader: loader)
        let customer = Self.customer("John", "Smith", "Mr", "en")
        for (template, message) in [
            ("fan", "care/letters/fan.en.mustache: the letter visits more than 200000 tags"),
            ("record", "care/letters/record.en.mustache:4: 'customer' is a record, not a value"),
            ("again", "care/letters/again.en.mustache: the letter nests more than 64 levels deep (a lambda returning its own tag?)"),
            ("nothing", "care/letters/nothing.en.mustache: lambda 'nothing' failed: returned nil: a letter has no blanks"),
            ("nick", "care/letters/nick.en.mustache:4: the text lambda 'nick' returned: no value for 'customer.nickname' in this letter's context"),
            ("whole", "care/letters/whole.en.mustache:5: the text lambda 'whole' returned: 'customer' is a record, not a value"),
            ("outer", "care/letters/outer.en.mustache:4: no value for '.organisation.name' in this letter's context"),
        ] {
            let refused = try #require(throws: PluginError.self) {
                try desk.render(template, customer: customer, occasion: LetterOccasion(gift: Self.tea), letterDay: Self.day)
            }
            #expect(refused.description.hasPrefix(message), "\(refused.description)")
        }
        // A lambda's text reads the values in scope at its tag; `.name` is the innermost object's only.
        let inner = try desk.render("inner", customer: customer, occasion: LetterOccasion(gift: Self.tea), letterDay: Self.day)
        #expect(inner.text == "<Tea> Tea")
    }

    static let tea = GiftItem(catalog: "tet", code: "tea", name: "Tea", cost: Money(1_500, "USD"), stock: 1)

    @Test func chineseRegionsReadTheirScriptAndAFallbackLetterIsInItsOwnLanguage() throws {
        let desk = LetterDesk(plugins: [try load([
            "hi.zh-Hant.mustache": "---\nsubject: 您好\n---\n親愛的{{customer.formal_name}}：{{campaign.date}}",
            "hi.zh.mustache": "---\nsubject: 您好\n---\n亲爱的{{customer.formal_name}}：{{campaign.date}}",
            "hi.en.mustache": "---\nsubject: Hello\n---\nDear {{customer.formal_name}}, {{campaign.date}}",
        ])], loader: loader)
        let occasion = LetterOccasion(actionDay: Self.day)
        #expect(try desk.render("hi", customer: Self.customer("大文", "陳", "先生", "zh-TW"), occasion: occasion, letterDay: Self.day).text == "親愛的陳先生：2025年2月15日")
        #expect(try desk.render("hi", customer: Self.customer("伟", "王", "先生", "zh-CN"), occasion: occasion, letterDay: Self.day).text == "亲爱的王先生：2025年2月15日")
        // A Vietnamese customer when only English is written: the English letter, in English throughout.
        #expect(try desk.render("hi", customer: Self.customer("Văn An", "Nguyễn", "Mr", "vi"), occasion: occasion, letterDay: Self.day).text
            == "Dear Mr Nguyễn, 15 February 2025")
        // No half names: an honorific with no family name gives no formal Chinese short form.
        let nameless = LetterContext.make(
            customer: Self.customer("伟", "", "先生", "zh"), locale: "zh", occasion: occasion, sender: nil, organisation: nil, letterDay: Self.day)
        #expect((nameless["customer"] as? [String: Any])?["short_name"] == nil)
    }

    @Test func hostileValuesStayValuesInTextHtmlAndSubject() throws {
        let desk = LetterDesk(plugins: [try load([
            "hi.en.mustache": "---\nsubject: Hello {{customer.name}}\n---\nDear {{customer.name}} & co,\n\n<b>Thanks</b>",
        ])], loader: loader)
        let script = Self.customer("<script>alert(1)</script>", "O'Brien\r\nBcc: all@example.com", nil, "en")
        let letter = try desk.render("hi", customer: script, letterDay: Self.day)
        #expect(letter.text.contains("<script>alert(1)</script>"), "plain text does not escape")
        #expect(!letter.html.contains("<script>") && letter.html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(letter.html.contains("&lt;b&gt;Thanks&lt;/b&gt;") && letter.html.contains("O&#39;Brien"), "the HTML carries no markup of the text")
        #expect(letter.subject == "Hello <script>alert(1)</script> O'Brien Bcc: all@example.com", "one line: no header can be added")
        #expect(!(letter.subject ?? "").contains { $0.isNewline })

        let long = String(repeating: "Nguyễn ", count: 2_000)
        let rtl = "\u{202E}محمد\u{202C} e\u{0301}"
        let other = try desk.render("hi", customer: Self.customer(rtl, long, nil, "en"), letterDay: Self.day)
        #expect(other.text.contains(rtl), "right-to-left and combining characters pass through unchanged")
        #expect(other.text.utf8.count > 14_000)
    }

    @Test func badTemplateFilesFailThePluginAtTheirLine() throws {
        func problem(_ files: [String: String]) throws -> PluginError {
            try #require(throws: PluginError.self) { try load(files) }
        }
        #expect(try problem(["a.en.mustache": "---\nsubject: x\nchanel: email\n---\nHi"]).description
            == "care/letters/a.en.mustache:3: unknown front matter key 'chanel'; the keys are subject, channel, sender")
        #expect(try problem(["a.en.mustache": "---\nsubject: x\n---\nHi\n{{#gift}}\nthanks\n"]).description
            == "care/letters/a.en.mustache:5: {{#gift}} opened here is never closed")
        #expect(try problem(["a.en.mustache": "Hi {{customer.name}}"]).description
            == "care/letters/a.en.mustache:1: an email letter needs a subject: front matter 'subject: …' between two '---' lines")
        #expect(try problem(["a.en.mustache": "---\nsubject: x\nsender: Me <not an address>\n---\nHi"]).description
            == "care/letters/a.en.mustache:3: sender must be 'Name <address@example.com>' or an address")
        #expect(try problem(["Birthday.EN.mustache": "---\nsubject: x\n---\nHi"]).description
            == "care/letters/Birthday.EN.mustache: letter files are named NAME.LOCALE.mustache (birthday.vi.mustache) or NAME.mustache")
    }
}
