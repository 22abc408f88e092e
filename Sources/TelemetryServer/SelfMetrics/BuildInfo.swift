import Telemetry

/// Version facts of this build, exposed as `telemetryd_build_info` = 1.
public enum BuildInfo {
    /// The release version of telemetryd.
    public static let version = "0.1.0"

    /// The Swift compiler major.minor this binary was built with.
    public static var swiftVersion: String {
        #if compiler(>=6.3)
        return "6.3"
        #elseif compiler(>=6.2)
        return "6.2"
        #elseif compiler(>=6.1)
        return "6.1"
        #else
        return "6.0"
        #endif
    }

    static func register(in registry: MetricRegistry) throws(MetricError) {
        let info = try registry.gauge(
            name: "telemetryd_build_info", help: "A metric with a constant '1' value labeled by version and Swift version.",
            labelNames: ["version", "swift_version"])
        try info.labels(version, swiftVersion).set(1)
    }
}
