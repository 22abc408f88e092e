/// The version of this SDK, reported as `telemetry.sdk.version`.
package enum TelemetryVersion {
    package static let current = "0.3.0"
}
