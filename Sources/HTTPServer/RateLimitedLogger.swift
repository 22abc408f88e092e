import Logging
import Synchronization

/// Logs server failures at warning level, at most once per `interval` for each kind (route and
/// status), saying how many similar failures were not logged in between. A flood of 503s
/// during an outage then costs a line every few seconds, yet none goes unseen.
final class RateLimitedLogger: Sendable {
    private struct Window {
        var lastLogged: UInt64
        var suppressed: Int
    }

    private let logger: Logger
    private let intervalNanoseconds: UInt64
    private let windows = Mutex<[String: Window]>([:])

    init(logger: Logger, intervalSeconds: Double = 10) {
        self.logger = logger
        intervalNanoseconds = UInt64(intervalSeconds * 1e9)
    }

    /// Logs `message` for `kind` unless one was logged within the interval.
    func warning(_ message: @autoclosure () -> String, kind: String, metadata: Logger.Metadata = [:]) {
        let now = MonotonicClock.nanoseconds()
        let suppressed: Int? = windows.withLock { table in
            if var window = table[kind], now &- window.lastLogged < intervalNanoseconds {
                window.suppressed += 1
                table[kind] = window
                return nil
            }
            let suppressed = table[kind]?.suppressed ?? 0
            table[kind] = Window(lastLogged: now, suppressed: 0)
            return suppressed
        }
        guard let suppressed else { return }
        var metadata = metadata
        if suppressed > 0 { metadata["similar_not_logged"] = "\(suppressed)" }
        logger.warning("\(message())", metadata: metadata)
    }
}
