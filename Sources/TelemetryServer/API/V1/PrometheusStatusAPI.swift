import Foundation
import HTTPServer
import PromQL
import Telemetry

/// Prometheus's status and metadata endpoints, which Grafana and other tools read when they
/// connect: `metadata` (from the registry), `status/runtimeinfo` and `status/flags`
/// (`rules` and `alerts` are `PrometheusRulesAPI`).
struct PrometheusStatusAPI: Sendable {
    let registry: MetricRegistry
    let configuration: ServerConfiguration
    let startTime: Date

    func add(to router: inout Router) {
        let api = self
        router.add(Route("GET", "/api/v1/metadata", errorFormatter: APIEnvelope.errorFormatter, handler: .immediate {
            api.metadata($0)
        }))
        router.add(Route("GET", "/api/v1/status/runtimeinfo", handler: .immediate { _ in api.runtimeInfo() }))
        router.add(Route("GET", "/api/v1/status/flags", handler: .immediate { _ in api.flags() }))
    }

    /// `{"name":[{"type":…,"help":…,"unit":…}]}`, filtered by `metric`, at most `limit` names.
    func metadata(_ request: HTTPRequest) -> HTTPResponse {
        let limitText = request.queryValue("limit") ?? ""
        let limit = limitText.isEmpty ? Int.max : Int(limitText) ?? -1
        guard limit >= 0 || limitText.isEmpty else {
            return APIEnvelope.error("bad_data", "limit must be a number")
        }
        let metric = request.queryValue("metric")
        var entries: [String] = []
        for item in registry.metadata() where metric == nil || metric == "" || metric == item.name {
            guard entries.count < limit else { break }
            let type = item.type == .info ? "info" : item.type.rawValue
            entries.append(
                "\(APIFormat.string(item.name)):[{\"type\":\(APIFormat.string(type)),\"help\":\(APIFormat.string(item.help)),"
                    + "\"unit\":\(APIFormat.string(item.unit))}]")
        }
        return APIEnvelope.success("{" + entries.joined(separator: ",") + "}")
    }

    func runtimeInfo() -> HTTPResponse {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let started = APIFormat.string(formatter.string(from: startTime))
        let fields = [
            "\"startTime\":\(started)", "\"CWD\":\(APIFormat.string(FileManager.default.currentDirectoryPath))",
            "\"reloadConfigSuccess\":true", "\"lastConfigTime\":\(started)", "\"corruptionCount\":0",
            "\"goroutineCount\":0", "\"GOMAXPROCS\":\(ProcessInfo.processInfo.activeProcessorCount)", "\"GOGC\":\"\"",
            "\"GODEBUG\":\"\"", "\"storageRetention\":\(APIFormat.string(configuration.retentionTime.description))",
        ]
        return APIEnvelope.success("{" + fields.joined(separator: ",") + "}")
    }

    /// The settings in force, under their flag names.
    func flags() -> HTTPResponse {
        let flags: [(String, String)] = [
            ("web.listen-address", "\(configuration.listenAddress)"), ("storage.path", configuration.storagePath),
            ("storage.retention.time", configuration.retentionTime.description),
            ("storage.retention.size", configuration.retentionSize.description),
            ("forward.endpoint", configuration.forwardEndpoint ?? ""), ("log.level", configuration.logLevel.rawValue),
            ("history.interval", configuration.historyInterval.description), ("query.lookback-delta", "5m"),
            ("query.timeout", configuration.queryEngineTimeout.description),
            ("query.max-samples", String(configuration.queryMaxSamples)),
        ]
        return APIEnvelope.success(
            "{" + flags.sorted { $0.0 < $1.0 }.map { "\(APIFormat.string($0.0)):\(APIFormat.string($0.1))" }
                .joined(separator: ",") + "}")
    }
}
