import Logging

/// Reads OpenTelemetry SDK variables from an environment dictionary.
///
/// As the specification asks, an empty variable counts as unset, and a value that does not
/// parse is reported as a warning and ignored, so the default applies.
struct EnvironmentReader {
    let environment: [String: String]
    private let logger = Logger(label: "Telemetry")

    init(_ environment: [String: String]) {
        self.environment = environment
    }

    /// The trimmed value, or nil when unset or empty.
    func string(_ name: String) -> String? {
        guard let raw = environment[name] else { return nil }
        let value = raw.trimmingOWS()
        return value.isEmpty ? nil : String(value)
    }

    /// A non-negative integer.
    func integer(_ name: String) -> Int? {
        guard let text = string(name) else { return nil }
        guard let value = Int(text), value >= 0 else {
            warn(name, text, expected: "a non-negative integer")
            return nil
        }
        return value
    }

    /// A number.
    func double(_ name: String) -> Double? {
        guard let text = string(name) else { return nil }
        guard let value = Double(text), value.isFinite else {
            warn(name, text, expected: "a number")
            return nil
        }
        return value
    }

    /// A duration given in milliseconds, as the `OTEL_BSP_*` and exporter timeouts are.
    func milliseconds(_ name: String) -> Duration? {
        integer(name).map { .milliseconds($0) }
    }

    /// A `key=value,key2=value2` list with percent-decoded keys and values, as
    /// `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_EXPORTER_OTLP_HEADERS` are written. A malformed pair
    /// is skipped with a warning.
    func keyValueList(_ name: String) -> [(key: String, value: String)] {
        guard let list = string(name) else { return [] }
        var pairs: [(key: String, value: String)] = []
        for pair in list.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let key = PercentEncoding.decode(parts[0].trimmingOWS()), !key.isEmpty,
                let value = PercentEncoding.decode(parts[1].trimmingOWS())
            else {
                warn(name, String(pair), expected: "key=value")
                continue
            }
            pairs.append((key, value))
        }
        return pairs
    }

    /// Logs a value that was ignored.
    func warn(_ name: String, _ value: String, expected: String) {
        logger.warning("ignoring \(name)=\(value): expected \(expected)")
    }
}
