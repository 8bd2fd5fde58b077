import Foundation

/// The Gamma-Gamma model of spend per transaction (Fader, Hardie & Lee, "RFM and CLV", 2005;
/// Hardie's note on it): a customer's transaction values are gamma(p, ν) with ν itself
/// gamma(q, γ) across customers, independent of how often they buy. Fitted on customers with
/// repeat purchases, from their number x and mean value m̄.
public struct GammaGammaModel: Sendable, Hashable, Codable {
    public var p: Double
    public var q: Double
    public var gamma: Double

    public init(p: Double, q: Double, gamma: Double) {
        self.p = p
        self.q = q
        self.gamma = gamma
    }

    /// The maximum-likelihood parameters over the customers with repeat purchases of a positive
    /// mean value (refund-only histories say nothing about spend). Amounts are divided by
    /// their mean while fitting (γ scales with money, p and q do not); the search starts from
    /// 1 for every scaled parameter and runs on log-parameters.
    public static func fit(_ customers: [RepeatPurchaseSummary]) throws -> (model: GammaGammaModel, report: ModelFitReport) {
        let repeaters = customers.filter { $0.frequency > 0 && $0.repeatMean > 0 }
        guard repeaters.count >= 2 else {
            throw ValueModelError.notEnoughData(model: "Gamma-Gamma", reason: "fewer than two customers with repeat purchases")
        }
        let scale = repeaters.reduce(0) { $0 + $1.repeatMean } / Double(repeaters.count)
        let likelihood = GammaGammaLikelihood(repeaters, moneyScale: scale)
        let minimizer = BoundedMinimizer(dimensions: 3, lower: log(1e-8), upper: log(1e8))
        let result = minimizer.minimize(from: [0, 0, 0]) { likelihood.negativeMeanLogLikelihood($0) }
        let point = result.point.map(exp)
        // Dividing amounts by the scale multiplies each customer's density by scale.
        let logLikelihood = -result.value * Double(repeaters.count) - Double(repeaters.count) * log(scale)
        return (
            GammaGammaModel(p: point[0], q: point[1], gamma: point[2] * scale),
            ModelFitReport(customers: repeaters.count, logLikelihood: logLikelihood, minimizer: result.report)
        )
    }

    /// Expected mean value of the customer's future transactions: the population mean
    /// pγ / (q − 1) moved towards their own mean m̄ the more repeat purchases they made.
    /// Infinite when q ≤ 1 (the population mean does not exist).
    public func expectedAverageSpend(_ c: RepeatPurchaseSummary) -> Double {
        guard q > 1 else { return .infinity }
        let x = Double(c.frequency)
        let populationMean = p * gamma / (q - 1)
        guard c.frequency > 0 else { return populationMean }
        let ownWeight = p * x / (p * x + q - 1)
        return (1 - ownWeight) * populationMean + ownWeight * c.repeatMean
    }
}

/// The Gamma-Gamma log-likelihood and gradient; the sums of ln m̄, x·ln m̄ and x·ln x are
/// constants of the data, and the gamma-function terms depend on x alone.
struct GammaGammaLikelihood: Sendable {
    private var frequency: [Double] = []
    private var mean: [Double] = []
    /// Customers per frequency 0…max (an array, so sums run in a fixed order).
    private var perFrequency: [Double]
    private var sumLogMean = 0.0
    private var sumXLogMean = 0.0
    private var sumXLogX = 0.0
    private var total: Double

    init(_ customers: [RepeatPurchaseSummary], moneyScale: Double) {
        total = Double(customers.count)
        perFrequency = Array(repeating: 0, count: (customers.map(\.frequency).max() ?? 0) + 1)
        for c in customers {
            let x = Double(c.frequency), m = c.repeatMean / moneyScale
            frequency.append(x)
            mean.append(m)
            perFrequency[c.frequency] += 1
            sumLogMean += log(m)
            sumXLogMean += x * log(m)
            sumXLogX += x * log(x)
        }
    }

    /// −LL / N and its gradient with respect to θ = ln(p, q, γ). Per customer:
    /// ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m̄ + px ln x − (px+q) ln(γ + x m̄).
    func negativeMeanLogLikelihood(_ theta: [Double]) -> (value: Double, gradient: [Double]) {
        let (p, q, gamma) = (exp(theta[0]), exp(theta[1]), exp(theta[2]))
        let ψ = SpecialFunctions.digamma, lnΓ = SpecialFunctions.logGamma
        var value = total * (q * log(gamma) - lnΓ(q)) + p * sumXLogMean - sumLogMean + p * sumXLogX
        var dp = sumXLogMean + sumXLogX
        var dq = total * (log(gamma) - ψ(q))
        var dgamma = total * q / gamma
        for (frequency, n) in perFrequency.enumerated() where n > 0 {
            let x = Double(frequency)
            value += n * (lnΓ(p * x + q) - lnΓ(p * x))
            dp += n * x * (ψ(p * x + q) - ψ(p * x))
            dq += n * ψ(p * x + q)
        }
        let parts = ParallelSum.sum(count: frequency.count) { range in
            var sums = [0.0, 0.0, 0.0, 0.0]  // value, dp, dq, dγ
            for i in range {
                let x = frequency[i], spread = gamma + x * mean[i], logSpread = log(spread)
                sums[0] -= (p * x + q) * logSpread
                sums[1] -= x * logSpread
                sums[2] -= logSpread
                sums[3] -= (p * x + q) / spread
            }
            return sums
        }
        value += parts[0]
        dp += parts[1]
        dq += parts[2]
        dgamma += parts[3]
        return (-value / total, [-dp * p / total, -dq * q / total, -dgamma * gamma / total])
    }
}
