import OTLP

/// The `service.name` resource attribute, or `unknown_service` as the OpenTelemetry
/// specification names services that did not set one.
enum ServiceName {
    static func of(_ resource: [Opentelemetry_Proto_Common_V1_KeyValue]) -> String {
        for attribute in resource where attribute.key == "service.name" {
            if case .stringValue(let name) = attribute.value.value, !name.isEmpty { return name }
        }
        return "unknown_service"
    }
}
