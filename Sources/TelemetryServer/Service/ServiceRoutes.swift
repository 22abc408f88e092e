import HTTPServer
import Telemetry

/// The HTTP routes of `telemetryd`.
struct ServiceRoutes: Sendable {
    let registry: MetricRegistry
    let readiness: Readiness
    /// Refreshes values read from outside the registry (process stats, queue depth).
    let beforeScrape: @Sendable () -> Void

    func router() -> Router {
        var router = Router()
        let registry = registry
        let beforeScrape = beforeScrape
        router.add(Route("GET", "/metrics", handler: .immediate { request in
            beforeScrape()
            let format = ExpositionFormat(accept: request.headers["Accept"])
            let body = ExpositionEncoder(format: format).encode(registry)
            return HTTPResponse(contentType: format.contentType, body: body)
        }))
        router.add(Route("GET", "/-/healthy", handler: .immediate { _ in .text("telemetryd is Healthy.") }))
        let readiness = readiness
        router.add(Route("GET", "/-/ready", handler: .immediate { _ in
            readiness.isReady ? .text("telemetryd is Ready.") : .text("telemetryd is not ready.", status: 503)
        }))
        return router
    }
}
