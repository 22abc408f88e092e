import Foundation
import HTTPServer
import Logging
import PromQL
import Telemetry

/// The dashboard inside an application: the same web app, `/metrics` and the query API for
/// that process, on its own port.
///
/// ```swift
/// let dashboard = try await DashboardServer.start(port: 9464, registry: .shared)
/// try await dashboard.registerView(metric: "queue_depth", chart: .line)
/// dashboard.updateDisplay()   // push every view's value to the browsers now
/// ```
///
/// The registry is sampled into a metric history every second (kept under `storagePath`, a
/// temporary folder by default), and views refresh from the live registry in between, so a
/// value changed by the application shows in the browser within a fraction of a second.
public final class DashboardServer: Sendable {
    private let service: TelemetryService

    private init(service: TelemetryService) {
        self.service = service
    }

    /// Starts serving on `host:port` (port 0 picks a free one; see `port`).
    ///
    /// The server registers its own metrics (`process_*`, `telemetryd_*`) in `registry`; a
    /// name the application already uses is reported as an error.
    public static func start(
        port: UInt16 = 9464, host: String = "127.0.0.1", registry: MetricRegistry = .shared, storagePath: String? = nil,
        logger: Logger = Logger(label: "dashboard")
    ) async throws -> DashboardServer {
        var configuration = ServerConfiguration()
        configuration.listenAddress = ListenAddress(host: host, port: port)
        configuration.grpcListenAddress = nil
        configuration.storagePath = storagePath
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("telemetry-dashboard-\(getpid())-\(UUID().uuidString)").path
        configuration.historyInterval = PrometheusDuration(milliseconds: 1000)
        configuration.retentionTime = PrometheusDuration(milliseconds: 86_400_000)
        let service = try TelemetryService(configuration: configuration, registry: registry, logger: logger)
        try await service.start()
        return DashboardServer(service: service)
    }

    /// The port listened on.
    public var port: UInt16 { service.boundAddress.port }

    /// Adds (or replaces) a view of `metric` (a metric name or any PromQL expression). Its id
    /// is the metric with characters other than letters, digits and `_` turned into `-`, and
    /// `-<chart>` added for charts other than `line`.
    @discardableResult
    public func registerView(
        metric: String, chart: DashboardView.Chart = .line, title: String? = nil, unit: String = "",
        range: PromDuration = PromDuration(milliseconds: 900_000), refresh: PromDuration = PromDuration(milliseconds: 1000)
    ) async throws -> DashboardView {
        let id = Self.identifier(for: metric) + (chart == .line ? "" : "-\(chart.rawValue)")
        let view = try DashboardView(id: id, title: title, expr: metric, chart: chart, unit: unit, range: range, refresh: refresh)
        try await registerView(view)
        return view
    }

    /// Adds a view, or replaces the one with the same id.
    ///
    /// - Throws: when 500 views are kept already (the error says so), or the view cannot be stored.
    public func registerView(_ view: DashboardView) async throws {
        let views = service.dashboard.views
        if try await !views.add(view) { _ = try await views.replace(view) }
        service.dashboard.viewPublisher.listChanged()
    }

    /// Pushes every view's current value to the connected browsers now, instead of at each
    /// view's next refresh.
    public func updateDisplay() {
        service.dashboard.viewPublisher.publishAll()
    }

    /// Stops serving and closes the history.
    public func stop() async {
        await service.stop()
    }

    /// A view id from a metric name or expression: letters, digits, `_` and `-`.
    static func identifier(for metric: String) -> String {
        let allowed = metric.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_") ? Character(scalar) : "-"
        }
        let text = String(allowed.prefix(48))
        return text.isEmpty ? "view" : text
    }
}
