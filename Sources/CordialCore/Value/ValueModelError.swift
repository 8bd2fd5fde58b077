import Foundation

/// A value model could not be fitted or applied.
public enum ValueModelError: Error, LocalizedError, Equatable {
    /// Too few customers, or none with repeat purchases, to estimate the named model.
    case notEnoughData(model: String, reason: String)
    case invalidTerms(String)
    /// The optimiser stopped without converging; nothing is stored.
    case notConverged(model: String, report: MinimizerReport)

    public var errorDescription: String? {
        switch self {
        case .notEnoughData(let model, let reason): "cannot fit the \(model) model: \(reason)"
        case .invalidTerms(let message): message
        case .notConverged(let model, let report):
            "the \(model) fit did not converge (\(report.message) after \(report.iterations) iterations); nothing was stored"
        }
    }
}

/// What a model fit found, stored beside its parameters.
public struct ModelFitReport: Sendable, Hashable, Codable {
    /// Customers the likelihood was computed over.
    public var customers: Int
    /// The maximised log-likelihood (in the fit's time unit and the data's money).
    public var logLikelihood: Double
    public var minimizer: MinimizerReport

    public init(customers: Int, logLikelihood: Double, minimizer: MinimizerReport) {
        self.customers = customers
        self.logLikelihood = logLikelihood
        self.minimizer = minimizer
    }
}
