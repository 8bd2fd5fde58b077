import Foundation

/// The special functions the value models need, in double precision. Foundation has
/// `lgamma` but neither digamma nor the Gauss hypergeometric function.
public enum SpecialFunctions {
    /// ln Γ(x) for x > 0 (the re-entrant form: fits evaluate on several threads).
    @inlinable
    public static func logGamma(_ x: Double) -> Double {
        var sign: Int32 = 0
        return lgamma_r(x, &sign)
    }

    /// ψ(x) = d/dx ln Γ(x) for x > 0: the recurrence ψ(x) = ψ(x + 1) − 1/x up to x ≥ 10,
    /// then the asymptotic series, good to about 1e-14.
    public static func digamma(_ x: Double) -> Double {
        precondition(x > 0, "digamma is used for positive arguments only")
        var x = x
        var result = 0.0
        while x < 10 {
            result -= 1 / x
            x += 1
        }
        let f = 1 / (x * x)
        // Bernoulli terms B₂ₖ / (2k x²ᵏ) for k = 1…5.
        let series = f * (1.0 / 12 - f * (1.0 / 120 - f * (1.0 / 252 - f * (1.0 / 240 - f / 132))))
        return result + log(x) - 0.5 / x - series
    }

    /// ln ₂F₁(a, b; c; z), summed as `log1p` of the power series after its first term (exact
    /// where the sum is close to 1), for 0 ≤ z < 1 and parameters for which the series terms stay moderate (the BG/NBD
    /// model calls it on Euler's transform, whose terms shrink as the customer's
    /// frequency grows). Returns nil when the series has not converged in `maxTerms`.
    public static func logHypergeometric2F1(a: Double, b: Double, c: Double, z: Double, maxTerms: Int = 100_000) -> Double? {
        precondition(z >= 0 && z < 1, "the series is used for 0 ≤ z < 1")
        var term = 1.0
        var sum = 0.0
        for n in 0..<maxTerms {
            let k = Double(n)
            term *= (a + k) * (b + k) / ((c + k) * (k + 1)) * z
            sum += term
            if abs(term) <= 1e-16 * abs(1 + sum) { return log1p(sum) }
            if !term.isFinite { return nil }
        }
        return nil
    }
}
