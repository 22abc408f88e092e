import OTLP

/// Attribute, resource and scope conversion shared by the trace and metric encodings.
enum OTLPValues {
    static func keyValues(_ attributes: SpanAttributes) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        attributes.map { key, value in
            var pair = Opentelemetry_Proto_Common_V1_KeyValue()
            pair.key = key
            pair.value = anyValue(value)
            return pair
        }
    }

    static func anyValue(_ value: AttributeValue) -> Opentelemetry_Proto_Common_V1_AnyValue {
        var converted = Opentelemetry_Proto_Common_V1_AnyValue()
        switch value {
        case .string(let value): converted.stringValue = value
        case .bool(let value): converted.boolValue = value
        case .int(let value): converted.intValue = value
        case .double(let value): converted.doubleValue = value
        case .stringArray(let values): converted.arrayValue = array(values.map { .string($0) })
        case .boolArray(let values): converted.arrayValue = array(values.map { .bool($0) })
        case .intArray(let values): converted.arrayValue = array(values.map { .int($0) })
        case .doubleArray(let values): converted.arrayValue = array(values.map { .double($0) })
        }
        return converted
    }

    static func resource(_ resource: Resource) -> Opentelemetry_Proto_Resource_V1_Resource {
        var converted = Opentelemetry_Proto_Resource_V1_Resource()
        converted.attributes = keyValues(resource.attributes)
        return converted
    }

    static func scope(_ scope: InstrumentationScope) -> Opentelemetry_Proto_Common_V1_InstrumentationScope {
        var converted = Opentelemetry_Proto_Common_V1_InstrumentationScope()
        converted.name = scope.name
        converted.version = scope.version
        return converted
    }

    private static func array(_ values: [AttributeValue]) -> Opentelemetry_Proto_Common_V1_ArrayValue {
        var array = Opentelemetry_Proto_Common_V1_ArrayValue()
        array.values = values.map(anyValue)
        return array
    }
}
