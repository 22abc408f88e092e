import Foundation

/// The process environment, the default source of every `OTEL_*` setting.
public enum Environment {
    /// Every variable of the process environment.
    public static var variables: [String: String] { ProcessInfo.processInfo.environment }
}
