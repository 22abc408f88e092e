/// The version of this SDK, reported as `telemetry.sdk.version`.
enum TelemetryVersion {
    static let current = "0.3.0"
}
