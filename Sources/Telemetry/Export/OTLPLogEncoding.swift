import Foundation
import OTLP

/// Builds OTLP log messages from log records, grouped by resource and then by scope.
package enum OTLPLogEncoding {
    private struct Group: Hashable {
        var resource: Resource
        var scope: InstrumentationScope
    }

    package static func request(_ records: [LogRecordData]) -> Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest {
        var order: [Group] = []
        var grouped: [Group: [Opentelemetry_Proto_Logs_V1_LogRecord]] = [:]
        for record in records {
            let group = Group(resource: record.resource, scope: record.scope)
            if grouped[group] == nil { order.append(group) }
            grouped[group, default: []].append(message(record))
        }
        var request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest()
        var resourcePosition: [Resource: Int] = [:]
        for group in order {
            var scopeLogs = Opentelemetry_Proto_Logs_V1_ScopeLogs()
            scopeLogs.scope = OTLPValues.scope(group.scope)
            scopeLogs.logRecords = grouped[group] ?? []
            if let position = resourcePosition[group.resource] {
                request.resourceLogs[position].scopeLogs.append(scopeLogs)
            } else {
                var resourceLogs = Opentelemetry_Proto_Logs_V1_ResourceLogs()
                resourceLogs.resource = OTLPValues.resource(group.resource)
                resourceLogs.scopeLogs = [scopeLogs]
                resourcePosition[group.resource] = request.resourceLogs.count
                request.resourceLogs.append(resourceLogs)
            }
        }
        return request
    }

    static func message(_ record: LogRecordData) -> Opentelemetry_Proto_Logs_V1_LogRecord {
        var message = Opentelemetry_Proto_Logs_V1_LogRecord()
        message.timeUnixNano = record.timestamp
        message.observedTimeUnixNano = record.observedTimestamp
        message.severityNumber = Opentelemetry_Proto_Logs_V1_SeverityNumber(rawValue: Int(record.severity.rawValue)) ?? .unspecified
        message.severityText = record.severityText
        message.body = anyValue(record.body)
        message.attributes = keyValues(record.attributes)
        message.eventName = record.eventName
        if let context = record.spanContext {
            message.traceID = Data(context.traceID.bytes)
            message.spanID = Data(context.spanID.bytes)
            message.flags = UInt32(context.traceFlags.rawValue)
        }
        return message
    }

    /// Attributes sorted by key, so the same record always encodes the same bytes.
    static func keyValues(_ attributes: [String: LogValue]) -> [Opentelemetry_Proto_Common_V1_KeyValue] {
        attributes.sorted { $0.key < $1.key }.map { key, value in
            var pair = Opentelemetry_Proto_Common_V1_KeyValue()
            pair.key = key
            pair.value = anyValue(value)
            return pair
        }
    }

    static func anyValue(_ value: LogValue) -> Opentelemetry_Proto_Common_V1_AnyValue {
        var converted = Opentelemetry_Proto_Common_V1_AnyValue()
        switch value {
        case .string(let text): converted.stringValue = text
        case .bool(let flag): converted.boolValue = flag
        case .int(let number): converted.intValue = number
        case .double(let number): converted.doubleValue = number
        case .bytes(let bytes): converted.bytesValue = Data(bytes)
        case .array(let values):
            var array = Opentelemetry_Proto_Common_V1_ArrayValue()
            array.values = values.map(anyValue)
            converted.arrayValue = array
        case .map(let entries):
            var list = Opentelemetry_Proto_Common_V1_KeyValueList()
            list.values = keyValues(entries)
            converted.kvlistValue = list
        }
        return converted
    }
}
