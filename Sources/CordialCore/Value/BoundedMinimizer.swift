/// How a model fit's optimisation ended, stored with the fit and shown to the user.
public struct MinimizerReport: Sendable, Hashable, Codable {
    public var iterations: Int
    public var evaluations: Int
    public var converged: Bool
    /// Largest component of the projected gradient at the end (per customer, in log parameters).
    public var gradientNorm: Double
    public var message: String

    public init(iterations: Int, evaluations: Int, converged: Bool, gradientNorm: Double, message: String) {
        self.iterations = iterations
        self.evaluations = evaluations
        self.converged = converged
        self.gradientNorm = gradientNorm
        self.message = message
    }
}

/// Minimises a smooth function inside a box: BFGS with an Armijo line search, projected onto
/// the bounds. The value models call it on log-parameters, so the box keeps every parameter
/// between 1e-8 and 1e8 and a model that runs off to a boundary says so instead of
/// overflowing. Small problems (three or four parameters), so dense matrices are fine.
public struct BoundedMinimizer: Sendable {
    public var lower: [Double]
    public var upper: [Double]
    /// Converged when the largest component of the projected gradient (of the objective per
    /// customer, in log-parameters) is below this.
    public var gradientTolerance = 1e-8
    /// Also converged when no step lowers the objective any more and the gradient is below
    /// this: a gradient summed over a million customers has rounding noise about here, and
    /// the optimum cannot be located more closely than the noise allows.
    public var stallTolerance = 1e-5
    public var maxIterations = 1_000

    public init(lower: [Double], upper: [Double]) {
        precondition(lower.count == upper.count && zip(lower, upper).allSatisfy(<), "bounds must be an interval per dimension")
        self.lower = lower
        self.upper = upper
    }

    /// The same bounds on each of `dimensions` coordinates.
    public init(dimensions: Int, lower: Double, upper: Double) {
        self.init(lower: Array(repeating: lower, count: dimensions), upper: Array(repeating: upper, count: dimensions))
    }

    public struct Result: Sendable {
        public var point: [Double]
        public var value: Double
        public var report: MinimizerReport
    }

    /// `objective` returns the value and gradient at a point; a non-finite value counts as
    /// outside the domain and makes the line search step back.
    public func minimize(from start: [Double], _ objective: ([Double]) -> (value: Double, gradient: [Double])) -> Result {
        let n = start.count
        var x = clamp(start)
        var (f, g) = objective(x)
        var evaluations = 1
        guard f.isFinite else {
            return Result(point: x, value: f, report: MinimizerReport(
                iterations: 0, evaluations: 1, converged: false, gradientNorm: .infinity, message: "the start point is outside the model's domain"))
        }
        var inverseHessian = identity(n)
        var flatSteps = 0
        for iteration in 1...maxIterations {
            let projected = projectedGradient(x, g)
            let norm = projected.map(abs).max() ?? 0
            if norm <= gradientTolerance {
                return finish(x, f, iteration - 1, evaluations, true, norm, "gradient below \(gradientTolerance)")
            }
            var direction = multiply(inverseHessian, g).map { -$0 }
            for i in 0..<n where isHeld(i, x, direction[i]) { direction[i] = 0 }
            if dot(direction, g) >= 0 {  // not a descent direction: restart from steepest descent
                inverseHessian = identity(n)
                direction = projected.map { -$0 }
            }
            // At the optimum the predicted decrease falls below rounding: stop there rather than
            // halve the step until the line search gives up (each halving is a full evaluation).
            if -dot(direction, g) <= 1e-15 * max(1, abs(f)) {
                return finish(x, f, iteration - 1, evaluations, true, norm, "no further decrease of the objective")
            }
            var step = iteration == 1 ? min(1, 1 / norm) : 1
            var accepted: (x: [Double], f: Double, g: [Double])?
            for _ in 0..<40 where step >= 1e-10 {
                let candidate = clamp(zip(x, direction).map { $0 + step * $1 })
                let (value, gradient) = objective(candidate)
                evaluations += 1
                let decrease = dot(g, zip(candidate, x).map { $0 - $1 })
                if value.isFinite, value <= f + 1e-4 * decrease {
                    accepted = (candidate, value, gradient)
                    break
                }
                step /= 2
            }
            guard let next = accepted else {
                return finish(x, f, iteration, evaluations, norm <= stallTolerance, norm, "the line search found no lower value")
            }
            let s = zip(next.x, x).map { $0 - $1 }
            let y = zip(next.g, g).map { $0 - $1 }
            let sy = dot(s, y)
            if sy > 1e-16 { inverseHessian = bfgsUpdate(inverseHessian, s: s, y: y, sy: sy) }
            flatSteps = abs(f - next.f) <= 1e-15 * max(1, abs(f)) ? flatSteps + 1 : 0
            (x, f, g) = (next.x, next.f, next.g)
            if flatSteps >= 3 {
                let norm = projectedGradient(x, g).map(abs).max() ?? 0
                return finish(x, f, iteration, evaluations, true, norm, "no further decrease of the objective")
            }
        }
        let norm = projectedGradient(x, g).map(abs).max() ?? 0
        return finish(x, f, maxIterations, evaluations, false, norm, "stopped after \(maxIterations) iterations")
    }

    private func finish(
        _ x: [Double], _ f: Double, _ iterations: Int, _ evaluations: Int, _ converged: Bool, _ norm: Double, _ message: String
    ) -> Result {
        let atBound = x.indices.filter { x[$0] <= lower[$0] || x[$0] >= upper[$0] }
        let boundNote = atBound.isEmpty ? "" : "; parameter \(atBound.map { String($0 + 1) }.joined(separator: ", ")) at its bound"
        return Result(point: x, value: f, report: MinimizerReport(
            iterations: iterations, evaluations: evaluations, converged: converged, gradientNorm: norm, message: message + boundNote))
    }

    private func clamp(_ x: [Double]) -> [Double] {
        x.indices.map { min(max(x[$0], lower[$0]), upper[$0]) }
    }

    /// True when coordinate `i` sits on a bound and `change` would push it further out.
    private func isHeld(_ i: Int, _ x: [Double], _ change: Double) -> Bool {
        (x[i] <= lower[i] && change < 0) || (x[i] >= upper[i] && change > 0)
    }

    /// The gradient without the components that point out of the box at an active bound.
    private func projectedGradient(_ x: [Double], _ g: [Double]) -> [Double] {
        x.indices.map { isHeld($0, x, -g[$0]) ? 0 : g[$0] }
    }

    private func identity(_ n: Int) -> [[Double]] {
        (0..<n).map { i in (0..<n).map { i == $0 ? 1 : 0 } }
    }

    private func multiply(_ m: [[Double]], _ v: [Double]) -> [Double] {
        m.map { dot($0, v) }
    }

    private func dot(_ a: [Double], _ b: [Double]) -> Double {
        zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
    }

    /// H ← (I − ρ s yᵀ) H (I − ρ y sᵀ) + ρ s sᵀ with ρ = 1 / (sᵀy).
    private func bfgsUpdate(_ h: [[Double]], s: [Double], y: [Double], sy: Double) -> [[Double]] {
        let n = s.count
        let rho = 1 / sy
        let hy = multiply(h, y)
        let yhy = dot(y, hy)
        var updated = h
        for i in 0..<n {
            for j in 0..<n {
                updated[i][j] += (1 + rho * yhy) * rho * s[i] * s[j] - rho * (hy[i] * s[j] + s[i] * hy[j])
            }
        }
        return updated
    }
}
