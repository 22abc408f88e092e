import Foundation
import HTTPServer
import PromQL
import Telemetry

/// `/api/v1/query_exemplars`: the exemplars (trace and span ids) of the series a query
/// selects, so Grafana can link a latency point to its trace. telemetryd keeps the latest
/// exemplar of each counter and histogram bucket (span metrics have them for every series).
struct PrometheusExemplarAPI: Sendable {
    let registry: MetricRegistry

    func add(to router: inout Router) {
        let api = self
        for method in ["GET", "POST"] {
            router.add(Route(method, "/api/v1/query_exemplars", errorFormatter: APIEnvelope.errorFormatter, handler: .immediate {
                api.exemplars($0)
            }))
        }
    }

    func exemplars(_ request: HTTPRequest) -> HTTPResponse {
        let parameters = APIParameters(request)
        let expr: Expr
        let start: Int64, end: Int64
        do {
            expr = try parameters.expression()
            start = try parameters.time("start", default: Int64.min / 2)
            end = try parameters.time("end", default: Int64.max / 2)
        } catch {
            return APIEnvelope.error("bad_data", error.message)
        }
        guard end >= start else {
            return APIEnvelope.error("bad_data", "invalid parameter \"end\": end timestamp must not be before start time")
        }
        let selectors = Self.selectors(in: expr).compactMap { try? $0.map(CompiledMatcher.init) }
        var entries: [String] = []
        for sample in registry.gather() {
            guard let exemplar = sample.exemplar else { continue }
            let time = Int64((exemplar.timestamp * 1000).rounded())
            guard time >= start, time <= end else { continue }
            let labels = Labels([(Labels.metricName, sample.name)] + sample.labels.map { ($0.name, $0.value) })
            guard selectors.contains(where: { matchers in matchers.allSatisfy { $0.matches(labels[$0.name]) } }) else { continue }
            let exemplarLabels = Labels([("trace_id", exemplar.traceID), ("span_id", exemplar.spanID)])
            entries.append(
                "{\"seriesLabels\":\(APIFormat.labels(labels)),\"exemplars\":[{\"labels\":\(APIFormat.labels(exemplarLabels)),"
                    + "\"value\":\(APIFormat.value(exemplar.value)),\"timestamp\":\(APIFormat.timestamp(time))}]}")
        }
        return APIEnvelope.success("[" + entries.joined(separator: ",") + "]")
    }

    /// The matchers of every selector in `expr`.
    static func selectors(in expr: Expr) -> [[LabelMatcher]] {
        switch expr {
        case .vector(let selector), .matrix(let selector, _): return [selector.matchers]
        case .subquery(let subquery): return selectors(in: subquery.expr)
        case .call(_, let arguments): return arguments.flatMap(selectors)
        case .aggregation(let aggregation): return selectors(in: aggregation.expr)
        case .binary(let binary): return selectors(in: binary.lhs) + selectors(in: binary.rhs)
        case .unary(_, let inner), .paren(let inner): return selectors(in: inner)
        case .number, .string: return []
        }
    }
}
