import ArgumentParser
import Cordial
import CordialCore
import CordialStore
import Foundation

/// `cordial value fit|show|report`
struct ValueCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "value", abstract: "Customer value: fit the BG/NBD and Gamma-Gamma models, score customers, report.",
        subcommands: [FitValue.self, ShowValue.self, ReportValue.self])
}

struct FitValue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fit", abstract: "Fit the value models on purchases up to a date and store every customer's scores.",
        discussion: """
            Purchases up to and including --until are the calibration data; several purchases on one day
            count as one transaction. The new scores replace the previous fit's in one transaction; a fit
            that does not converge stores nothing. See docs/customer-value.md.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "Last day of the calibration period (YYYY-MM-DD, default today).")
    var until: String?

    @Option(help: "Time unit of the models: day or week.")
    var unit: String = "week"

    @Option(help: "Months ahead for expected purchases and lifetime value.")
    var horizon: Int = 12

    @Option(help: "Share of revenue that is margin, above 0 and at most 1.")
    var margin: Double = 1

    @Option(help: "Yearly discount rate (0.1 = 10 %).")
    var discount: Double = 0.1

    @Flag(help: "Replace the stored fit even when --until lies far past the last purchase.")
    var replace = false

    func validate() throws {
        if let until, CalendarDays.day(of: until) == nil { throw ValidationError("--until '\(until)' is not a date (YYYY-MM-DD)") }
        if ValueTimeUnit(rawValue: unit) == nil { throw ValidationError("--unit must be day or week, got '\(unit)'") }
    }

    func run() async throws {
        let opened = try await store.open()
        let terms = LifetimeValueTerms(horizonMonths: horizon, margin: margin, annualDiscountRate: discount)
        let endDay = until.flatMap(CalendarDays.day(of:)) ?? CalendarDays.day(of: Date())
        var fitter = ValueFitter(store: opened, endDay: endDay, unit: ValueTimeUnit(rawValue: unit)!, terms: terms)
        fitter.replacingAFitPastTheData = replace
        let interactive = isatty(STDERR_FILENO) == 1 && !store.json
        let outcome: ValueFitter.Outcome
        do {
            outcome = try await fitter.run { step in
                if interactive { StandardStreams.error("\(step)…\n") }
            }
        } catch let error as ValueModelError {
            throw CommandFailure(error.localizedDescription)
        } catch let error as ValueFitError {
            throw CommandFailure(error.localizedDescription)
        }
        if let last = outcome.pastTheData {
            StandardStreams.error(
                "warning: the last purchase is on \(CalendarDays.text(ofDay: last)), \(endDay - last) days before the end date "
                    + "\(CalendarDays.text(ofDay: endDay)): every customer looks long gone in this fit\n")
        }
        if store.json { return try store.printJSON(outcome.fit) }
        let fit = outcome.fit
        print("fit \(fit.id ?? 0): \(fit.customers) customers, purchases to \(fit.endDate), in \(fit.unit.rawValue)s")
        printFit(fit)
        print(String(
            format: "read %.2f s, fit %.2f s, score %.2f s, save %.2f s", outcome.readSeconds, outcome.fitSeconds,
            outcome.scoreSeconds, outcome.saveSeconds))
    }
}

struct ShowValue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "One customer's value as the latest fit scored it.",
        discussion: "ID is the store id (42) or SOURCE:EXTERNAL_ID (cdnow:00042).")

    @OptionGroup var store: StoreOptions

    @Argument(help: "The customer.")
    var id: String

    func run() async throws {
        let opened = try await store.open()
        let customer = try await lookUpCustomer(id, in: opened)
        guard let fit = try await opened.latestValueFit() else { throw CommandFailure("no value fit yet; run `cordial value fit`") }
        guard let value = try await opened.customerValue(of: customer.id!) else {
            throw CommandFailure("customer \(customer.id!) had no purchase by \(fit.endDate), the end of fit \(fit.id ?? 0)")
        }
        if store.json { return try store.printJSON(ValueRow(value, customer: customer)) }
        let unit = fit.unit.rawValue + "s"
        let s = value.summary, scores = value.scores
        print("""
            customer    \(customer.id!)  (\(customer.source):\(customer.externalID))  \(customer.displayName)
            as of       \(fit.endDate), fit \(fit.id ?? 0)
            RFM         \(value.rfm.map { "\($0.code)  (recency \($0.recency), frequency \($0.frequency), monetary \($0.monetary))" } ?? "-")
            history     \(s.frequency) repeat purchase days; last \(number(s.recency)) \(unit) after the first; first \(number(s.age)) \(unit) ago
            spent       \(money(value.spent))  (repeat purchases \(money(s.repeatMean)) on average)
            P(alive)    \(number(scores.probabilityAlive, 3))
            expected    \(number(scores.expectedPurchases, 2)) purchases in \(fit.terms.horizonMonths) months, \(money(scores.expectedSpend)) each
            CLV         \(money(scores.lifetimeValue))  (\(termsText(fit.terms)))
            referrals   \(value.referrals), influence \(money(value.influenceValue))
            """)
    }
}

struct ReportValue: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report", abstract: "The latest fit: parameters, distributions, top customers and high value at risk.",
        discussion: """
            High value at risk: customers in the top fifth by spend whose probability of being alive
            is below --risk, biggest spenders first.
            """)

    @OptionGroup var store: StoreOptions

    @Option(help: "Customers per list.")
    var top: Int = 10

    @Option(help: "P(alive) below which a customer counts as at risk.")
    var risk: Double = 0.5

    func validate() throws {
        guard (1...1_000).contains(top) else { throw ValidationError("--top must be 1 to 1000") }
        guard risk > 0, risk <= 1 else { throw ValidationError("--risk must be above 0 and at most 1") }
    }

    func run() async throws {
        let opened = try await store.open()
        guard let report = try await ValueReport.latest(in: opened, top: top, risk: risk) else {
            throw CommandFailure("no value fit yet; run `cordial value fit`")
        }
        if store.json { return try store.printJSON(report) }
        let fit = report.fit
        print("fit \(fit.id ?? 0) of \(fit.fittedAt.formatted(.iso8601)): \(fit.customers) customers, purchases to \(fit.endDate), in \(fit.unit.rawValue)s")
        printFit(fit)
        let currency = report.currencies.count == 1 ? report.currencies[0] : nil
        if let currency {
            print("amounts in \(currency)")
        } else if report.currencies.count > 1 {
            print("amounts: purchases in \(report.currencies.joined(separator: ", ")) added as numbers (the models do not convert currencies)")
        }
        print("")
        printTable(
            ["FIGURE", "CUSTOMERS", "MIN", "25%", "MEDIAN", "75%", "90%", "99%", "MAX"],
            report.distributions.map { row in
                let figure = CustomerValueFigure(rawValue: row.figure)
                let isMoney = figure == .lifetimeValue || figure == .spent
                return [figure.map(shownName) ?? row.figure, "\(row.count)"] + row.quantiles.map { isMoney ? money($0) : number($0, 2) }
            })
        print("\nhighest lifetime value")
        printRows(report.top, currency: currency)
        print("\nhigh value at risk: top fifth by spend (at least \(money(report.topSpend))\(currency.map { " " + $0 } ?? "")), P(alive) below \(number(risk, 2))")
        if report.atRisk.isEmpty { print("(none)") } else { printRows(report.atRisk, currency: currency) }
    }

    private func printRows(_ rows: [ValueRow], currency: String?) {
        let unit = currency.map { " (\($0))" } ?? ""
        printTable(
            ["ID", "CUSTOMER", "SPENT" + unit, "P(ALIVE)", "EXPECTED PURCHASES", "CLV" + unit, "RFM"],
            rows.map { row in
                [
                    "\(row.id)", row.name, money(row.spent), number(row.pAlive ?? .nan, 3), number(row.expectedPurchases ?? .nan, 2),
                    money(row.clv ?? .nan), row.rfm?.code ?? "-",
                ]
            })
    }
}

/// A figure as the report's lists head their columns (one name for one figure throughout).
private func shownName(_ figure: CustomerValueFigure) -> String {
    switch figure {
    case .lifetimeValue: "CLV"
    case .probabilityAlive: "P(alive)"
    case .expectedPurchases: "expected purchases"
    case .spent: "spent"
    }
}

/// The fitted parameters and how each optimisation ended.
private func printFit(_ fit: ValueFit) {
    let m = fit.purchases, g = fit.spend
    printTable(["MODEL", "PARAMETERS", "CUSTOMERS", "LOG-LIKELIHOOD", "OPTIMISER"], [
        [
            "BG/NBD", "r \(number(m.r, 4))  α \(number(m.alpha, 4))  a \(number(m.a, 4))  b \(number(m.b, 4))",
            "\(fit.purchasesReport.customers)", number(fit.purchasesReport.logLikelihood, 2), reportText(fit.purchasesReport.minimizer),
        ],
        [
            "Gamma-Gamma", "p \(number(g.p, 4))  q \(number(g.q, 4))  γ \(number(g.gamma, 4))",
            "\(fit.spendReport.customers)", number(fit.spendReport.logLikelihood, 2), reportText(fit.spendReport.minimizer),
        ],
    ])
    print("lifetime value: \(termsText(fit.terms))")
}

private func reportText(_ report: MinimizerReport) -> String {
    (report.converged ? "converged" : "NOT converged") + " in \(report.iterations) iterations (\(report.message))"
}

private func termsText(_ terms: LifetimeValueTerms) -> String {
    "\(terms.horizonMonths) months, margin \(number(terms.margin * 100, 0)) %, discount \(number(terms.annualDiscountRate * 100, 1)) % a year"
}

private func number(_ value: Double, _ decimals: Int = 2) -> String {
    value.isFinite ? String(format: "%.\(decimals)f", value) : "-"
}

/// Amounts with digit grouping; cents only for small amounts (a store in VND has none).
private func money(_ value: Double) -> String {
    guard value.isFinite else { return "-" }
    return value.formatted(.number.precision(.fractionLength(abs(value) >= 1_000 ? 0 : 2)).locale(Locale(identifier: "en_US")))
}
