import HTTPServer
import PromQL

/// The parts of Prometheus's HTTP API (`/api/v1/…`) that need no metric history:
/// `format_query` (the parser's canonical form) and `status/buildinfo`, which Grafana's
/// Prometheus data source reads when a data source is saved.
///
/// Queries over the history (`query`, `query_range`, `series`, `labels`, …) join these once
/// the history store exists.
struct PrometheusAPI: Sendable {
    /// The Prometheus version whose API and PromQL semantics telemetryd follows. Grafana reads
    /// it to choose features; `features` stays absent so Grafana does not take telemetryd for
    /// Mimir.
    static let compatibleVersion = "2.42.0"

    func add(to router: inout Router) {
        for method in ["GET", "POST"] {
            router.add(Route(method, "/api/v1/format_query", errorFormatter: APIEnvelope.errorFormatter, handler: .immediate {
                Self.formatQuery($0)
            }))
        }
        router.add(Route("GET", "/api/v1/status/buildinfo", errorFormatter: APIEnvelope.errorFormatter, handler: .immediate { _ in
            Self.buildInfo()
        }))
    }

    static func formatQuery(_ request: HTTPRequest) -> HTTPResponse {
        // A missing query reads as an empty one, as in Prometheus.
        let query = request.formParameters.first(where: { $0.name == "query" })?.value ?? ""
        do {
            return APIEnvelope.success(APIFormat.string(try Parser.parse(query).description))
        } catch {
            return APIEnvelope.error("bad_data", "invalid parameter \"query\": \(error.formatted(in: query))")
        }
    }

    static func buildInfo() -> HTTPResponse {
        let fields = [
            ("version", compatibleVersion), ("revision", "telemetryd \(BuildInfo.version)"), ("branch", ""),
            ("buildUser", ""), ("buildDate", ""), ("goVersion", ""),
        ]
        return APIEnvelope.success("{" + fields.map { "\"\($0.0)\":\(APIFormat.string($0.1))" }.joined(separator: ",") + "}")
    }
}
