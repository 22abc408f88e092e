import Foundation
import OTLP
import PromQL
import Synchronization

/// What was stored since the last health tick, summed up for the `traces` and `logs` topics:
/// counts, and the most recent traces and records (bounded, so a flood costs nothing extra).
final class SignalSummaries: Sendable {
    private struct Pending {
        var spans = 0
        var traces: [String: (service: String, root: String?, errors: Int)] = [:]
        var traceOrder: [String] = []
        var records = 0
        var latestLogs: [String] = []
    }

    static let maxTraces = 50
    /// Enough for a live tail of 1,000 records a second (the summary goes out every second).
    static let maxLogs = 1000
    private let pending = Mutex(Pending())
    /// Whether anyone listens (a browser on the event stream): nothing is summed up otherwise,
    /// so ingest pays for summaries only while the dashboard is open.
    private let listening = CallbackSlot<Void, Bool> { false }

    /// Sets what tells whether anyone listens.
    func listen(while isListening: @escaping @Sendable () -> Bool) {
        listening.set(isListening)
    }

    private var isListening: Bool { listening() }

    /// Spans just stored.
    func record(spans: [SpanRow]) {
        guard isListening else { return }
        pending.withLock { pending in
            pending.spans += spans.count
            // Read in place (a bound row would be a copy of all its strings).
            for index in spans.indices {
                let id = Hex.encode(spans[index].traceID)
                if pending.traces[id] == nil {
                    guard pending.traces.count < Self.maxTraces else { continue }
                    pending.traceOrder.append(id)
                    pending.traces[id] = (spans[index].serviceName, nil, 0)
                }
                if spans[index].parentSpanID?.isEmpty ?? true {
                    pending.traces[id]?.root = spans[index].name
                    pending.traces[id]?.service = spans[index].serviceName
                }
                if spans[index].statusCode == 2 { pending.traces[id]?.errors += 1 }
            }
        }
    }

    /// Log records just stored.
    func record(logs: [LogRow]) {
        guard isListening else { return }
        pending.withLock { pending in
            pending.records += logs.count
            for log in logs.suffix(Self.maxLogs) {
                let body = log.body.count > 512 ? String(log.body.prefix(512)) + "…" : log.body
                pending.latestLogs.append(Self.summary(log, body: body))
            }
            if pending.latestLogs.count > Self.maxLogs { pending.latestLogs.removeFirst(pending.latestLogs.count - Self.maxLogs) }
        }
    }

    private static func summary(_ log: LogRow, body: String) -> String {
        let traceID: String = log.traceID.map { Hex.encode($0) } ?? ""
        let spanID: String = log.spanID.map { Hex.encode($0) } ?? ""
        var text = "{\"time\":" + APIFormat.plain(Double(log.timeUnixNano) / 1e9)
        text += ",\"service\":" + APIFormat.string(log.serviceName)
        text += ",\"severityNumber\":" + String(log.severityNumber)
        text += ",\"severityText\":" + APIFormat.string(log.severityText)
        text += ",\"body\":" + APIFormat.string(body)
        text += ",\"traceId\":\"" + traceID + "\",\"spanId\":\"" + spanID + "\"}"
        return text
    }

    /// The traces summary since the last call, or nil when nothing arrived.
    func takeTraces() -> String? {
        pending.withLock { pending -> String? in
            guard pending.spans > 0 else { return nil }
            defer {
                pending.spans = 0
                pending.traces = [:]
                pending.traceOrder = []
            }
            let traces = pending.traceOrder.compactMap { id -> String? in
                guard let trace = pending.traces[id] else { return nil }
                return "{\"traceId\":\"\(id)\",\"service\":\(APIFormat.string(trace.service)),"
                    + "\"root\":\(trace.root.map(APIFormat.string) ?? "null"),\"errors\":\(trace.errors)}"
            }
            return "{\"spans\":\(pending.spans),\"traces\":[\(traces.joined(separator: ","))]}"
        }
    }

    /// The logs summary since the last call, or nil when nothing arrived.
    func takeLogs() -> String? {
        pending.withLock { pending -> String? in
            guard pending.records > 0 else { return nil }
            defer {
                pending.records = 0
                pending.latestLogs = []
            }
            return "{\"records\":\(pending.records),\"latest\":[\(pending.latestLogs.joined(separator: ","))]}"
        }
    }
}
