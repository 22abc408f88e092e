import PromQL

/// Bounds on the silences the server keeps (`alerting:` in the configuration file), after
/// Alertmanager's `--silences.max-silences`, `--silences.max-silence-size-bytes` and
/// `--data.retention`, which Alertmanager leaves unlimited by default but for the retention:
/// here every bound has a default, since anyone who can reach the API can create silences.
///
/// Within the defaults the silences take at most about 32 MB: 1,000 pending or active and as
/// many expired, of 16 KiB each.
public struct SilenceLimits: Sendable, Equatable {
    /// Most silences pending or active at once; also the most expired ones kept (`max_silences`).
    public var maxSilences = 1000
    /// Largest silence, in bytes of its matchers' names and values, author and comment
    /// (`max_silence_size_bytes`).
    public var maxSilenceBytes = 16 << 10
    /// How long an expired silence is kept, listed as expired, before it is deleted
    /// (`silence_retention`; Alertmanager's `--data.retention`, 120h).
    public var retention = PrometheusDuration(milliseconds: 120 * 3_600_000)

    /// The defaults: 1,000 silences of 16 KiB, kept 120h after they end.
    public init() {}

    /// The given bounds.
    public init(maxSilences: Int, maxSilenceBytes: Int, retention: PrometheusDuration) {
        self.maxSilences = maxSilences
        self.maxSilenceBytes = maxSilenceBytes
        self.retention = retention
    }

    var retentionMilliseconds: Int64 { retention.milliseconds }

    /// Why a silence of `bytes` is refused, or nil.
    func sizeProblem(_ bytes: Int) -> String? {
        bytes > maxSilenceBytes
            ? "silence of \(bytes) bytes is larger than the limit of \(maxSilenceBytes) (alerting.max_silence_size_bytes)"
            : nil
    }

    /// Why one more silence beside `live` pending or active ones is refused, or nil.
    func countProblem(_ live: Int) -> String? {
        live >= maxSilences
            ? "\(live) silences are pending or active, the limit (alerting.max_silences); expire one first" : nil
    }

    /// Reads the limits' fields from an `alerting:` mapping; absent fields keep their defaults.
    static func read(_ mapping: inout YAMLMappingReader) throws(ConfigError) -> SilenceLimits {
        var limits = SilenceLimits()
        if let limit = try mapping.integer("max_silences", minimum: 1) { limits.maxSilences = limit }
        if let limit = try mapping.integer("max_silence_size_bytes", minimum: 1) { limits.maxSilenceBytes = limit }
        if let retention = try mapping.duration("silence_retention", positive: true) { limits.retention = retention }
        return limits
    }
}
