import Logging

/// How every OTLP exporter, whatever its transport, reports the outcome of one export: a
/// partial success (some `noun`s rejected) is logged as a warning and counts as delivered; a
/// failure is logged as an error.
package enum ExportReport {
    /// The receiver accepted the export; `rejected` is its partial success, if any.
    package static func delivered(
        rejected: (count: Int64, message: String)?, noun: String, logger: Logger
    ) -> ExportResult {
        if let (count, message) = rejected, count > 0 || !message.isEmpty {
            logger.warning(
                "OTLP receiver rejected part of an export",
                metadata: ["rejected_\(noun)s": "\(count)", "message": "\(message)"])
        }
        return .success
    }

    /// The export of `count` items was not delivered.
    package static func failed(_ reason: String, count: Int, noun: String, logger: Logger) -> ExportResult {
        logger.error("OTLP \(noun) export failed", metadata: ["\(noun)s": "\(count)", "reason": "\(reason)"])
        return .failure(reason)
    }
}
