import Foundation
import HTTPServer
import Logging
import PromQL
import Telemetry

/// The live dashboard's server side: the web app's files, the one event stream
/// (`/api/v1/events`), the views API, and the loops that publish views, health, alert changes
/// and summaries of new traces and logs.
final class Dashboard: Sendable {
    let files: StaticFiles
    let events: EventBroadcaster
    let views: ViewStore
    let viewPublisher: ViewPublisher
    let health: HealthPublisher
    let summaries: SignalSummaries
    let alerts: AlertChangePublisher
    let heartbeat: Duration

    /// Builds the dashboard over `assets`; default views come from its `views/*.json` (a file
    /// that does not parse is logged with its problem and skipped).
    init(
        assets: AssetSource, database: TelemetryDatabase?, writer: StorageWriter?, history: any SeriesSource,
        registry: MetricRegistry, engine: Engine, maxClients: Int, heartbeat: Duration = .seconds(15),
        summaries: SignalSummaries = SignalSummaries(), beforeSample: @escaping @Sendable () -> Void, logger: Logger
    ) throws {
        self.summaries = summaries
        files = StaticFiles(source: assets)
        // Event ids start at the start time in microseconds, so that a browser reconnecting
        // after a restart holds an id this run never gave (the server publishes a few events
        // a second, far fewer than one a microsecond) and is told to reload rather than resume.
        let startMicroseconds = UInt64(max(0, Date().timeIntervalSince1970) * 1_000_000)
        events = EventBroadcaster(maxClients: maxClients, firstEventID: startMicroseconds)
        self.heartbeat = heartbeat
        views = try ViewStore(
            database: database, writer: writer, defaults: Self.defaultViews(from: assets, logger: logger))
        viewPublisher = ViewPublisher(
            views: views, history: history, registry: registry, engine: engine, events: events, beforeSample: beforeSample)
        health = HealthPublisher(registry: registry, events: events, summaries: summaries, beforeSample: beforeSample)
        alerts = AlertChangePublisher(events: events)
        summaries.listen { [events] in events.clientCount > 0 }
        registry.register(collector: EventStreamMetrics(events: events))
    }

    /// The views in `views/*.json` of the assets, each file one view whose id defaults to the
    /// file's name.
    static func defaultViews(from assets: AssetSource, logger: Logger) -> [DashboardView] {
        assets.files(under: "views").filter { $0.hasSuffix(".json") }.compactMap { path -> DashboardView? in
            let segments = path.split(separator: "/").map(String.init)
            guard let bytes = assets.load(segments) else { return nil }
            let name = String(segments.last?.dropLast(5) ?? "")
            do {
                return try DashboardView.decode(bytes, defaultID: name)
            } catch {
                logger.error("default view skipped", metadata: ["file": "\(path)", "error": "\(error)"])
                return nil
            }
        }
    }

    /// Adds `/api/v1/events`, `/api/v1/views` and the app's files (as the router's fallback).
    func add(to router: inout Router) {
        let events = events
        router.add(Route("GET", "/api/v1/events", handler: .immediate { request in
            events.response(for: request, knownTopics: DashboardTopic.all)
        }))
        QueryCheckAPI().add(to: &router)
        let publisher = viewPublisher
        ViewsAPI(views: views, changed: { publisher.listChanged() }).add(to: &router)
        files.add(to: &router)
    }

    /// Runs the heartbeat and the publishers until the task is cancelled.
    func run() async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [events, heartbeat] in await events.runHeartbeat(every: heartbeat) }
            group.addTask(executorPreference: ViewPublisher.thread) { [viewPublisher] in await viewPublisher.run() }
            group.addTask { [health] in await health.run() }
        }
    }

    /// Ends every event stream (the server is stopping).
    func stop() {
        events.closeAll()
    }
}
