import Foundation

/// The BG/NBD model of repeat purchasing (Fader, Hardie & Lee, "Counting Your Customers the
/// Easy Way", Marketing Science 2005): while alive a customer buys at a Poisson rate λ
/// (gamma-distributed across customers, shape r and rate α); after each purchase they drop
/// out with probability p (beta-distributed, a and b). Time is in the fit's unit.
public struct BGNBDModel: Sendable, Hashable, Codable {
    public var r: Double
    public var alpha: Double
    public var a: Double
    public var b: Double

    public init(r: Double, alpha: Double, a: Double, b: Double) {
        self.r = r
        self.alpha = alpha
        self.a = a
        self.b = b
    }

    /// The maximum-likelihood parameters for `customers`. Times are rescaled so the oldest
    /// customer is 10 units old while fitting (α scales with time, the others do not), the
    /// search starts from 1 for every scaled parameter and runs on log-parameters.
    public static func fit(_ customers: [RepeatPurchaseSummary]) throws -> (model: BGNBDModel, report: ModelFitReport) {
        guard customers.contains(where: { $0.frequency > 0 }) else {
            throw ValueModelError.notEnoughData(model: "BG/NBD", reason: "no customer bought more than once")
        }
        let maxAge = customers.map(\.age).max() ?? 0
        guard maxAge > 0 else { throw ValueModelError.notEnoughData(model: "BG/NBD", reason: "every customer's first purchase is on the last day") }
        let scale = 10 / maxAge
        let scaled = BGNBDLikelihood(customers, timeScale: scale)
        let minimizer = BoundedMinimizer(dimensions: 4, lower: log(1e-8), upper: log(1e8))
        let result = minimizer.minimize(from: [0, 0, 0, 0]) { theta in scaled.negativeMeanLogLikelihood(theta) }
        let p = result.point.map(exp)
        let model = BGNBDModel(r: p[0], alpha: p[1] / scale, a: p[2], b: p[3])
        // Rescaling time multiplies each customer's likelihood by scale^−x; undo it for the report.
        let repeats = Double(customers.reduce(0) { $0 + $1.frequency })
        let logLikelihood = -result.value * Double(customers.count) + repeats * log(scale)
        return (model, ModelFitReport(customers: customers.count, logLikelihood: logLikelihood, minimizer: result.report))
    }

    /// The probability that a customer with this history is still alive at the end of it.
    /// A customer who never bought again has not had a chance to drop out: 1.
    public func probabilityAlive(_ c: RepeatPurchaseSummary) -> Double {
        guard c.frequency > 0 else { return 1 }
        return 1 / (1 + deathOdds(c))
    }

    /// Expected purchases in the next `t` units (equation 10 of the paper). The Gauss
    /// hypergeometric term is evaluated through Euler's transformation, which turns
    /// ₂F₁(r+x, b+x; a+b+x−1; z) · (1−z)^(r+x) into (1−z)^(a−1) · ₂F₁(a+b−1−r, a−1; a+b+x−1; z):
    /// the series whose terms no longer grow with the customer's frequency. NaN when that
    /// series does not converge (a + b + x − 1 at a pole).
    public func expectedPurchases(within t: Double, _ c: RepeatPurchaseSummary) -> Double {
        guard t > 0 else { return 0 }
        let x = Double(c.frequency)
        let top = a + b + x - 1
        let logOneMinusZ = log((alpha + c.age) / (alpha + c.age + t))
        guard let logSeries = SpecialFunctions.logHypergeometric2F1(
            a: a + b - 1 - r, b: a - 1, c: top, z: t / (alpha + c.age + t))
        else { return .nan }
        let bracket = -expm1((a - 1) * logOneMinusZ + logSeries)
        let odds = c.frequency > 0 ? deathOdds(c) : 0
        return top / (a - 1) * bracket / (1 + odds)
    }

    /// P(dead) / P(alive) given the history, for a customer with repeat purchases.
    private func deathOdds(_ c: RepeatPurchaseSummary) -> Double {
        let x = Double(c.frequency)
        return exp(log(a / (b + x - 1)) + (r + x) * log((alpha + c.age) / (alpha + c.recency)))
    }
}

/// The BG/NBD log-likelihood and its gradient over customers grouped by identical histories
/// (a million customers measured in days share far fewer (x, tₓ, T) triples). Terms of x
/// alone are computed once per distinct x, and ln(α + t) once per distinct time: purchase
/// times are whole days, so a million histories hold a few thousand distinct times, and a
/// history's own work is one `exp` and one `log1p`.
struct BGNBDLikelihood: Sendable {
    private struct History: Hashable {
        var frequency: Int
        var recency: Double
        var age: Double
    }

    private var frequency: [Int] = []
    /// Indexes into `times`.
    private var recency: [Int] = []
    private var age: [Int] = []
    private var weight: [Double] = []
    /// Distinct scaled times (recencies and ages).
    private var times: [Double] = []
    /// Customers per frequency 0…max.
    private var perFrequency: [Double]
    private var total: Double

    init(_ customers: [RepeatPurchaseSummary], timeScale: Double) {
        // Groups and times in order of first appearance (not a dictionary's, which is hashed
        // per process): the sums, and so the fit to the last digit, are the same every run.
        var group: [History: Int] = [:]
        var timeIndex: [Double: Int] = [:]
        func index(of time: Double) -> Int {
            if let known = timeIndex[time] { return known }
            timeIndex[time] = times.count
            times.append(time)
            return times.count - 1
        }
        perFrequency = Array(repeating: 0, count: (customers.map(\.frequency).max() ?? 0) + 1)
        total = Double(customers.count)
        for c in customers {
            perFrequency[c.frequency] += 1
            let history = History(frequency: c.frequency, recency: c.recency * timeScale, age: c.age * timeScale)
            if let known = group[history] {
                weight[known] += 1
                continue
            }
            group[history] = weight.count
            frequency.append(history.frequency)
            recency.append(index(of: history.recency))
            age.append(index(of: history.age))
            weight.append(1)
        }
    }

    /// −LL / N and its gradient with respect to θ = ln(r, α, a, b).
    func negativeMeanLogLikelihood(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        let (r, alpha, a, b) = (exp(theta[0]), exp(theta[1]), exp(theta[2]), exp(theta[3]))
        let ψ = SpecialFunctions.digamma, lnΓ = SpecialFunctions.logGamma
        // Terms of x alone: ln Γ(r+x) − ln Γ(r) + r ln α and the beta-function ratio
        // B(a, b+x) / B(a, b).
        var value = total * r * log(alpha), dr = total * log(alpha), dalpha = total * r / alpha, da = 0.0, db = 0.0
        let (ψr, ψb, ψab, lnΓr, lnΓb, lnΓab) = (ψ(r), ψ(b), ψ(a + b), lnΓ(r), lnΓ(b), lnΓ(a + b))
        for (x, n) in perFrequency.enumerated() where n > 0 {
            let xd = Double(x)
            value += n * (lnΓ(r + xd) - lnΓr + lnΓab + lnΓ(b + xd) - lnΓb - lnΓ(a + b + xd))
            dr += n * (ψ(r + xd) - ψr)
            da += n * (ψab - ψ(a + b + xd))
            db += n * (ψab + ψ(b + xd) - ψb - ψ(a + b + xd))
        }
        // Terms of each history: ln(e^A₃ + [x > 0] e^A₄) with A₃ the "alive at T" and A₄ the
        // "dropped out after tₓ" path; w is the share of the second.
        let logA = log(a)
        let logB1 = perFrequency.indices.map { $0 > 0 ? log(b + Double($0) - 1) : 0 }  // ln(b + x − 1)
        let logTime = times.map { log(alpha + $0) }, inverseTime = times.map { 1 / (alpha + $0) }
        let parts = ParallelSum.sum(count: weight.count) { range in
            var value = 0.0, dr = 0.0, dalpha = 0.0, da = 0.0, db = 0.0
            for i in range {
                let x = frequency[i], rx = r + Double(x), n = weight[i]
                let logT = logTime[age[i]], inverseT = inverseTime[age[i]]
                let a3 = -rx * logT
                guard x > 0 else {
                    value += n * a3
                    dr -= n * logT
                    dalpha -= n * rx * inverseT
                    continue
                }
                let logTx = logTime[recency[i]], inverseTx = inverseTime[recency[i]]
                let a4 = logA - logB1[x] - rx * logTx
                // log-sum-exp and the share of A₄ from one exp: e = e^(low − high).
                let logSum: Double, w: Double
                if a3 >= a4 {
                    let e = exp(a4 - a3)
                    (logSum, w) = (a3 + log1p(e), e / (1 + e))
                } else {
                    let e = exp(a3 - a4)
                    (logSum, w) = (a4 + log1p(e), 1 / (1 + e))
                }
                value += n * logSum
                dr -= n * ((1 - w) * logT + w * logTx)
                dalpha -= n * rx * ((1 - w) * inverseT + w * inverseTx)
                da += n * w / a
                db -= n * w / (b + Double(x) - 1)
            }
            return [value, dr, dalpha, da, db]
        }
        value += parts[0]
        dr += parts[1]
        dalpha += parts[2]
        da += parts[3]
        db += parts[4]
        // Minimise −LL / N; the chain rule for θ = ln(parameter) multiplies by the parameter.
        return (-value / total, [-dr * r / total, -dalpha * alpha / total, -da * a / total, -db * b / total])
    }
}
