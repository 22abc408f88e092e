import Foundation
import HTTPServer
import PromQL
import Synchronization
import Telemetry

/// Evaluates each view at its `refresh` and publishes the result on the `views` topic, over
/// the history plus the registry's values of the instant (`LiveSeriesSource`), so a view
/// refreshed every 250 ms moves between history samples.
final class ViewPublisher: Sendable {
    let views: ViewStore
    let history: any SeriesSource
    let registry: MetricRegistry
    let engine: Engine
    let events: EventBroadcaster
    /// Refreshes gauges read from outside the registry, as a scrape does first.
    let beforeSample: @Sendable () -> Void
    /// When each view was last published (milliseconds).
    private let published = Mutex<[String: Int64]>([:])

    /// Where views are evaluated: a thread of their own, so that a slow view (up to 500, each
    /// as often as every 250 ms, each allowed the engine's timeout) does not hold a thread of
    /// the Swift pool that rules and the history sampler share, and live views keep their
    /// refresh while PromQL queries fill the query threads.
    static let thread = HandlerExecutor(threads: 1, name: "views")

    init(
        views: ViewStore, history: any SeriesSource, registry: MetricRegistry, engine: Engine, events: EventBroadcaster,
        beforeSample: @escaping @Sendable () -> Void
    ) {
        self.views = views
        self.history = history
        self.registry = registry
        self.engine = engine
        self.events = events
        self.beforeSample = beforeSample
    }

    /// Publishes due views every 250 ms until the task is cancelled; nothing is evaluated
    /// while no browser is connected.
    func run() async {
        while !Task.isCancelled {
            if events.clientCount > 0 { publishDue(at: Self.now) }
            try? await Task.sleep(for: .milliseconds(Int(DashboardView.minimumRefresh.milliseconds)))
        }
    }

    /// Publishes every view whose refresh has elapsed at `now`.
    func publishDue(at now: Int64) {
        let due = published.withLock { last in
            views.all.filter { view in
                // A tick early by up to 50 ms still counts, so 250 ms views do not skip ticks.
                now - (last[view.id] ?? .min / 2) >= view.refresh.milliseconds - 50
            }
        }
        publish(due, at: now)
    }

    /// Publishes every view now (`DashboardServer.updateDisplay()`).
    func publishAll(at now: Int64 = ViewPublisher.now) {
        publish(views.all, at: now)
    }

    /// Tells browsers the list of views changed.
    func listChanged() {
        events.publish(topic: DashboardTopic.views, data: "{\"type\":\"list\"}")
    }

    private func publish(_ due: [DashboardView], at now: Int64) {
        guard !due.isEmpty else { return }
        beforeSample()
        let snapshot = registry.gather().map { sample in
            (labels: Labels([(Labels.metricName, sample.name)] + sample.labels.map { ($0.name, $0.value) }), value: sample.value)
        }
        let source = LiveSeriesSource(history: history, snapshot: snapshot, time: now)
        for view in due {
            events.publish(topic: DashboardTopic.views, data: Self.point(view, at: now, source: source, engine: engine))
        }
        published.withLock { last in
            for view in due { last[view.id] = now }
        }
    }

    /// The event for one view: its value now, or the evaluation error.
    static func point(_ view: DashboardView, at now: Int64, source: some SeriesSource, engine: Engine) -> String {
        let head = "{\"type\":\"point\",\"id\":\(APIFormat.string(view.id)),\"time\":\(APIFormat.timestamp(now)),"
        do {
            let expr = try Parser.parse(view.expr)
            let value = try engine.instant(expr, at: now, source: source)
            return head + "\"result\":\(PrometheusQueryAPI.json(value))}"
        } catch let error as ParseError {
            return head + "\"error\":\(APIFormat.string(error.formatted(in: view.expr)))}"
        } catch let error as EvaluationError {
            return head + "\"error\":\(APIFormat.string(error.message))}"
        } catch {
            return head + "\"error\":\(APIFormat.string("\(error)"))}"
        }
    }

    static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }
}
