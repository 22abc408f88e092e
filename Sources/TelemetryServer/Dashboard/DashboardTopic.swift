/// The topics of the dashboard's one event stream (`/api/v1/events?topics=…`).
enum DashboardTopic {
    /// Alert state changes after a rule group's evaluation.
    static let alerts = "alerts"
    /// New points of registered views, and changes to the list of views.
    static let views = "views"
    /// telemetryd's own ingest rates, queue depths and drops, every second.
    static let health = "health"
    /// Summaries of spans just stored.
    static let traces = "traces"
    /// Summaries of log records just stored.
    static let logs = "logs"

    static let all: Set<String> = [alerts, views, health, traces, logs]
}
