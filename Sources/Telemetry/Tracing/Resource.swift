/// The entity producing telemetry: `service.name` and other attributes sent once per export.
public struct Resource: Sendable, Hashable {
    /// The resource attributes.
    public var attributes: SpanAttributes

    /// Creates a resource from attributes, adding the `telemetry.sdk.*` attributes and, when
    /// absent, `service.name` = `unknown_service:<process name>` as the specification says.
    public init(attributes: SpanAttributes = [:]) {
        var merged: SpanAttributes = [
            "telemetry.sdk.name": "telemetry-swift",
            "telemetry.sdk.language": "swift",
            "telemetry.sdk.version": .string(TelemetryVersion.current),
        ]
        for (key, value) in attributes { merged[key] = value }
        if merged["service.name"] == nil {
            merged["service.name"] = .string("unknown_service:" + Resource.processName)
        }
        self.attributes = merged
    }

    /// The `service.name` attribute.
    public var serviceName: String { attributes["service.name"]?.text ?? "" }

    /// A resource from `OTEL_RESOURCE_ATTRIBUTES` (`key=value` pairs separated by commas, values
    /// percent-decoded) and `OTEL_SERVICE_NAME`, which wins over a `service.name` given in the
    /// attributes. `defaults` fill in what the environment does not set. A malformed pair is
    /// skipped with a warning.
    public static func fromEnvironment(
        _ environment: [String: String] = Environment.variables, defaults: SpanAttributes = [:]
    ) -> Resource {
        let reader = EnvironmentReader(environment)
        var attributes = defaults
        for (key, value) in reader.keyValueList("OTEL_RESOURCE_ATTRIBUTES") { attributes[key] = .string(value) }
        if let name = reader.string("OTEL_SERVICE_NAME") {
            attributes["service.name"] = .string(name)
        }
        return Resource(attributes: attributes)
    }

    private static var processName: String {
        let path = CommandLine.arguments.first ?? "swift"
        return path.split(separator: "/").last.map(String.init) ?? path
    }
}
