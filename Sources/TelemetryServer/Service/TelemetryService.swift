import Foundation
import HTTPServer
import Logging
import ServiceLifecycle
import Telemetry

/// The `telemetryd` server: one HTTP listener serving `/metrics` and the health endpoints.
///
/// Runs as a swift-service-lifecycle `Service`: `run()` listens until graceful shutdown is
/// signalled (SIGTERM/SIGINT in `telemetryd`), then stops accepting and lets running requests
/// finish.
public final class TelemetryService: Service, Sendable {
    /// Why the service could not start.
    public struct StartupError: Error, CustomStringConvertible {
        /// What went wrong.
        public let description: String
    }

    /// The settings in force.
    public let configuration: ServerConfiguration
    /// The registry behind `/metrics`: the server's own metrics and everything added later.
    public let registry: MetricRegistry
    let logger: Logger
    private let server: HTTPServer
    private let processMetrics: ProcessMetrics
    private let readiness = Readiness()

    /// Builds the service; nothing listens until `start()` or `run()`.
    public init(configuration: ServerConfiguration, logger: Logger = Logger(label: "telemetryd")) throws(StartupError) {
        self.configuration = configuration
        self.logger = logger
        let registry = MetricRegistry()
        self.registry = registry
        let httpMetrics: HTTPMetrics
        do {
            processMetrics = try ProcessMetrics(registry: registry)
            httpMetrics = try HTTPMetrics(registry: registry)
            try BuildInfo.register(in: registry)
        } catch {
            throw StartupError(description: "cannot register own metrics: \(error)")
        }
        let routes = ServiceRoutes(registry: registry, processMetrics: processMetrics, readiness: readiness)
        server = HTTPServer(
            configuration: configuration.httpConfiguration, router: routes.router(),
            logger: logger, observer: { httpMetrics.record($0) })
    }

    /// The address actually listened on (useful with port 0).
    public var boundAddress: ListenAddress { server.boundAddress }

    /// Creates the storage directory and starts listening.
    public func start() throws(StartupError) {
        do {
            try FileManager.default.createDirectory(
                atPath: configuration.storagePath, withIntermediateDirectories: true)
        } catch {
            throw StartupError(
                description: "cannot create storage directory \(configuration.storagePath): \(error.localizedDescription)")
        }
        do {
            try server.start()
        } catch {
            throw StartupError(description: error.description)
        }
        readiness.set(true)
    }

    /// Stops listening after letting running requests finish.
    public func stop() async {
        readiness.set(false)
        await server.stop()
    }

    /// Listens until graceful shutdown, then stops.
    public func run() async throws {
        try start()
        logger.info("telemetryd started", metadata: ["address": "\(boundAddress)", "version": "\(BuildInfo.version)"])
        try? await gracefulShutdown()
        logger.info("telemetryd shutting down")
        await stop()
    }
}
