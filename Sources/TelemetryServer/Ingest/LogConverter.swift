import Foundation
import OTLP

/// Turns an OTLP logs export into rows, rejecting records whose ids have the wrong length.
enum LogConverter {
    typealias Request = Opentelemetry_Proto_Collector_Logs_V1_ExportLogsServiceRequest

    struct Result {
        var rows: [LogRow] = []
        var rejections = Rejections()
        /// String values (bodies, attributes) cut to the per-value limit.
        var truncatedValues = 0
    }

    static func convert(
        _ request: Request, receivedAt: UInt64, maxValueBytes: Int = AttributeJSON.defaultMaxValueBytes
    ) -> Result {
        var result = Result()
        var json = AttributeJSON(maxValueBytes: maxValueBytes)
        for resourceLogs in request.resourceLogs {
            let resource = resourceLogs.resource.attributes
            let serviceName = json.limited(ServiceName.of(resource))
            let resourceJSON = json.object(resource)
            for scopeLogs in resourceLogs.scopeLogs {
                for record in scopeLogs.logRecords {
                    if let problem = problem(with: record) {
                        result.rejections.add(problem)
                        continue
                    }
                    // Records without a time use the observed time, then the arrival time.
                    let observed = record.observedTimeUnixNano != 0 ? record.observedTimeUnixNano : receivedAt
                    result.rows.append(
                        LogRow(
                            timeUnixNano: record.timeUnixNano != 0 ? record.timeUnixNano : observed,
                            observedUnixNano: observed, serviceName: serviceName,
                            severityNumber: record.severityNumber.rawValue, severityText: json.limited(record.severityText),
                            body: json.value(record.body), attributes: json.object(record.attributes),
                            droppedAttributesCount: record.droppedAttributesCount, flags: record.flags,
                            traceID: record.traceID.isEmpty ? nil : record.traceID,
                            spanID: record.spanID.isEmpty ? nil : record.spanID, eventName: json.limited(record.eventName),
                            resourceAttributes: resourceJSON, scopeName: json.limited(scopeLogs.scope.name),
                            scopeVersion: json.limited(scopeLogs.scope.version), receivedUnixNano: receivedAt))
                }
            }
        }
        result.truncatedValues = json.truncatedValues
        return result
    }

    private static func problem(with record: Opentelemetry_Proto_Logs_V1_LogRecord) -> String? {
        if !record.traceID.isEmpty, record.traceID.count != 16 {
            return "log record: trace_id must be empty or 16 bytes (got \(record.traceID.count))"
        }
        if !record.spanID.isEmpty, record.spanID.count != 8 {
            return "log record: span_id must be empty or 8 bytes (got \(record.spanID.count))"
        }
        return nil
    }
}
