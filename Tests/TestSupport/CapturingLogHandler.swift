import Logging
import Synchronization

/// A swift-log handler that keeps every message, so a test can assert on what was logged.
public struct CapturingLogHandler: LogHandler {
    /// The lines logged through any handler made from one `Store`.
    public final class Store: Sendable {
        private let lines = Mutex<[(level: Logger.Level, text: String)]>([])

        public init() {}

        /// The messages at `level` or above, each with its metadata appended.
        public func messages(atLeast level: Logger.Level) -> [String] {
            lines.withLock { $0.filter { $0.level >= level }.map(\.text) }
        }

        func append(_ level: Logger.Level, _ text: String) {
            lines.withLock { $0.append((level, text)) }
        }
    }

    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .trace
    private let store: Store

    public init(store: Store) {
        self.store = store
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        let suffix = merged.sorted { $0.key < $1.key }.map { " \($0.key)=\($0.value)" }.joined()
        store.append(event.level, "\(event.message)\(suffix)")
    }
}
