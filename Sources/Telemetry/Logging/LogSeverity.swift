import Logging

/// OTLP's severity numbers (1–24), in the specification's ranges.
public enum LogSeverity: Int32, Sendable, Hashable, CaseIterable {
    case trace = 1
    case debug = 5
    case info = 9
    case info2 = 10
    case warn = 13
    case error = 17
    case fatal = 21

    /// The severity of a swift-log level: trace→TRACE, debug→DEBUG, info→INFO, notice→INFO2,
    /// warning→WARN, error→ERROR, critical→FATAL.
    public init(_ level: Logger.Level) {
        switch level {
        case .trace: self = .trace
        case .debug: self = .debug
        case .info: self = .info
        case .notice: self = .info2
        case .warning: self = .warn
        case .error: self = .error
        case .critical: self = .fatal
        }
    }
}
