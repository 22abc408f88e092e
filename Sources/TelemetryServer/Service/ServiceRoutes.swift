import HTTPServer
import Telemetry

/// The HTTP routes of `telemetryd`.
struct ServiceRoutes: Sendable {
    let registry: MetricRegistry
    let processMetrics: ProcessMetrics
    let readiness: Readiness

    func router() -> Router {
        var router = Router()
        let registry = registry
        let processMetrics = processMetrics
        router.add(Route("GET", "/metrics", handler: .immediate { request in
            processMetrics.update()
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
