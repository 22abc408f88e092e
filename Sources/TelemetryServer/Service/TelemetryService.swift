import Foundation
import HTTPServer
import PromQL
import Logging
import ServiceLifecycle
import Synchronization
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
    private let grpcServer: OTLPGRPCServer?
    private let grpcAddress = Mutex<ListenAddress?>(nil)
    private let processMetrics: ProcessMetrics
    private let readiness = Readiness()
    private let database: TelemetryDatabase
    private let writer: StorageWriter
    private let retention: RetentionEnforcer
    private let forwarder: OTLPForwarder?
    private let historySampler: HistorySampler
    private let history: MetricHistory
    private let historyStorage: HistoryStorage
    private let storageLock: StorageLock
    private let remoteWriteSenders: [RemoteWriteSender]
    private let rules: RulesManager
    private let notifier: AlertNotifier
    private let reloadMetrics: ReloadMetrics
    private let reloadRunner: ReloadRunner
    let dashboard: Dashboard
    /// Reads the configuration again for a reload (the file and flags); nil reuses the one
    /// the server started with.
    private let configurationLoader: (@Sendable () throws -> ServerConfiguration)?
    private let backgroundTasks = Mutex<[Task<Void, Never>]>([])

    /// Opens storage (creating `--storage.path` and migrating the schema) and builds the routes;
    /// nothing listens until `start()` or `run()`.
    ///
    /// `registry` is where the server's own metrics are registered and what `/metrics` and the
    /// history read: a fresh one for `telemetryd`, the application's for an embedded server.
    public init(
        configuration: ServerConfiguration, registry: MetricRegistry = MetricRegistry(),
        logger: Logger = Logger(label: "telemetryd"),
        configurationLoader: (@Sendable () throws -> ServerConfiguration)? = nil
    ) throws(StartupError) {
        self.configuration = configuration
        self.configurationLoader = configurationLoader
        self.logger = logger
        self.registry = registry
        do {
            try StorageDirectory.prepare(configuration.storagePath)
            storageLock = try StorageLock(directory: configuration.storagePath)
        } catch let error as StorageDirectory.Problem {
            throw StartupError(description: error.description)
        } catch {
            throw StartupError(description: "\(error)")
        }
        do {
            database = try TelemetryDatabase(directory: configuration.storagePath)
        } catch {
            throw StartupError(description: error.description)
        }
        let httpMetrics: HTTPMetrics
        let ingestMetrics: IngestMetrics
        let spanMetrics: SpanMetrics?
        let retention: RetentionEnforcer
        let forwarder: OTLPForwarder?
        let limiter: QueryLimiter
        do {
            processMetrics = try ProcessMetrics(registry: registry)
            httpMetrics = try HTTPMetrics(registry: registry)
            ingestMetrics = try IngestMetrics(registry: registry)
            try BuildInfo.register(in: registry)
            retention = try RetentionEnforcer(
                database: database, maxAgeNanos: configuration.retentionTime.milliseconds * 1_000_000,
                maxBytes: configuration.retentionSize.bytes, registry: registry, logger: logger)
            forwarder = try configuration.forwardEndpoint.map { endpoint throws(MetricError) in
                try OTLPForwarder(
                    endpoint: endpoint, maxQueueBytes: Int(configuration.forwardMaxQueueSize.bytes), registry: registry,
                    logger: logger)
            }
            spanMetrics = configuration.spanMetricsEnabled
                ? try SpanMetrics(registry: registry, maxSeries: configuration.spanMetricsMaxSeries) : nil
            limiter = QueryLimiter(
                maxConcurrent: configuration.maxConcurrentQueries,
                timeout: .milliseconds(configuration.queryTimeout.milliseconds))
        } catch {
            throw StartupError(description: "cannot register own metrics: \(error)")
        }
        self.retention = retention
        self.forwarder = forwarder
        writer = StorageWriter(database: database, maxPendingRows: configuration.maxWriteQueueRows) { _, seconds in
            ingestMetrics.writeDuration.observe(seconds)
        }
        let metricStore = OTLPMetricStore(
            staleAfterNanos: UInt64(configuration.metricStaleness.milliseconds) * 1_000_000,
            maxSeries: configuration.maxMetricSeries, limits: configuration.seriesLabelLimits)
        let database = database
        let writer = writer
        let processMetrics = processMetrics
        let history: MetricHistory
        do {
            historyStorage = try HistoryStorage.open(
                configuration.storagePath, lock: storageLock, maxSeries: configuration.historyMaxSeries,
                retention: configuration.retentionTime.milliseconds, maxPendingRows: configuration.maxWriteQueueRows)
        } catch {
            throw StartupError(description: error.description)
        }
        history = historyStorage.history
        self.history = history
        let historyMetrics: HistoryMetrics
        do {
            historyMetrics = try HistoryMetrics(registry: registry)
            remoteWriteSenders = try configuration.remoteWrite.map { target throws(MetricError) in
                try RemoteWriteSender(target: target, registry: registry, logger: logger)
            }
        } catch {
            throw StartupError(description: "cannot register own metrics: \(error)")
        }
        // The server is built after its routes; the scrape reads it through this box.
        let serverBox = Mutex<HTTPServer?>(nil)
        let beforeScrape: @Sendable () -> Void = {
            processMetrics.update()
            ingestMetrics.writeQueueDepth.set(Double(writer.queueDepth))
            ingestMetrics.storageSize.set(Double(database.sizeBytes))
            ingestMetrics.metricSeries.set(Double(metricStore.seriesCount))
            if let server = serverBox.withLock({ $0 }) { httpMetrics.update(from: server) }
            historyMetrics.update(from: history)
        }
        var router = ServiceRoutes(registry: registry, readiness: readiness, beforeScrape: beforeScrape).router()
        historySampler = HistorySampler(
            registry: registry, history: history, interval: .milliseconds(configuration.historyInterval.milliseconds),
            beforeSample: beforeScrape)
        registry.register(collector: metricStore)
        let summaries = SignalSummaries()
        let receiver = OTLPReceiver(
            writer: writer, metricStore: metricStore, metrics: ingestMetrics,
            onSpans: { spans in
                spanMetrics?.record(spans)
                summaries.record(spans: spans)
            },
            onLogs: { logs in summaries.record(logs: logs) }, forwarder: forwarder,
            maxValueBytes: Int(clamping: configuration.maxValueSize.bytes))
        receiver.add(to: &router)
        // One allowance for request bodies in flight over both listeners.
        let bodyBudget = BodyBudget(limit: configuration.httpConfiguration.maxInFlightBodyBytes)
        if let address = configuration.grpcListenAddress {
            do {
                let metrics = try GRPCMetrics(registry: registry)
                let service = OTLPGRPCService(
                    receiver: receiver, metrics: metrics, maxMessageBytes: configuration.maxRequestBodyBytes,
                    bodyBudget: bodyBudget)
                let limits = OTLPGRPCServer.Limits(
                    connections: GRPCConnectionLimiter(
                        limit: configuration.connectionLimit, perAddressLimit: configuration.perIPConnectionLimit,
                        metrics: metrics),
                    idleTimeout: OTLPGRPCServer.idleTimeout(httpIdleTimeout: configuration.connectionTimeout))
                grpcServer = OTLPGRPCServer(address: address, service: service, limits: limits, logger: logger)
            } catch {
                throw StartupError(description: "cannot register own metrics: \(error)")
            }
        } else {
            grpcServer = nil
        }
        QueryAPI(database: database, limiter: limiter).add(to: &router)
        PrometheusAPI().add(to: &router)
        PrometheusStatusAPI(registry: registry, configuration: configuration, startTime: Date()).add(to: &router)
        PrometheusExemplarAPI(registry: registry).add(to: &router)
        let engine = Engine(
            defaultSubqueryStep: 60_000, maxSamples: configuration.queryMaxSamples,
            timeout: .milliseconds(configuration.queryEngineTimeout.milliseconds))
        do {
            notifier = try AlertNotifier(
                configuration: configuration.alerting, externalURL: configuration.resolvedExternalURL, database: database,
                writer: writer, registry: registry, logger: logger)
        } catch {
            throw StartupError(description: "cannot start the notifier: \(error)")
        }
        SilencesAPI(silences: notifier.silences).add(to: &router)
        do {
            let groups = try RulesManager.loadGroups(
                patterns: configuration.ruleFiles, defaultInterval: configuration.evaluationInterval.milliseconds,
                externalLabels: configuration.externalLabels, externalURL: configuration.resolvedExternalURL)
            rules = RulesManager(
                groups: groups, engine: engine, history: history, metrics: try RuleMetrics(registry: registry),
                store: AlertStateStore(database: database, writer: writer, notifications: notifier.queue), notifier: notifier,
                logger: logger)
        } catch let error as RuleFile.Invalid {
            throw StartupError(description: "cannot load rule files:\n\(error.description)")
        } catch {
            throw StartupError(description: "cannot register own metrics: \(error)")
        }
        PrometheusRulesAPI(rules: rules).add(to: &router)
        do {
            reloadMetrics = try ReloadMetrics(registry: registry)
        } catch {
            throw StartupError(description: "cannot register own metrics: \(error)")
        }
        // The runner calls back into the service, which exists only once init finishes.
        let reloadTarget = Mutex<TelemetryService?>(nil)
        let runner = ReloadRunner {
            reloadTarget.withLock { $0 }?.reloadNow() ?? .failure(ReloadError(description: "the server is starting"))
        }
        reloadRunner = runner
        router.add(Route("POST", "/-/reload", handler: .suspending { _ in
            switch await runner.run() {
            case .success: return .text("")
            case .failure(let error): return .text("failed to reload config: \(error)\n", status: 500)
            }
        }))
        RemoteWriteReceiver(
            history: history, maxDecodedBytes: configuration.httpConfiguration.maxInflatedBodyBytes,
            limits: configuration.seriesLabelLimits
        ).add(to: &router)
        PrometheusQueryAPI(
            history: history,
            engine: engine,
            metrics: historyMetrics
        ).add(to: &router)
        do {
            let assets: AssetSource = configuration.dashboardsPath.map { .directory($0) } ?? .embedded(EmbeddedDashboard.files)
            dashboard = try Dashboard(
                assets: assets, database: database, writer: writer, history: history, registry: registry, engine: engine,
                maxClients: configuration.maxEventClients, summaries: summaries, beforeSample: beforeScrape, logger: logger)
        } catch {
            throw StartupError(description: "cannot load the dashboard's views: \(error)")
        }
        let alertChanges = dashboard.alerts
        rules.onEvaluated { alertChanges.groupEvaluated($0) }
        dashboard.add(to: &router)
        server = HTTPServer(
            configuration: configuration.httpConfiguration, router: router,
            logger: logger, bodyBudget: bodyBudget, observer: { httpMetrics.record($0) })
        serverBox.withLock { [server] in $0 = server }
        reloadTarget.withLock { $0 = self }
    }

    /// Why a reload was refused: the rules in force keep running.
    public struct ReloadError: Error, CustomStringConvertible {
        public let description: String
    }

    /// Reads the configuration and rule files again (`POST /-/reload`, SIGHUP). Rule files,
    /// `global.evaluation_interval` and `global.external_labels` take effect; other settings
    /// need a restart. A problem leaves the rules in force running, sets
    /// `telemetryd_config_last_reload_successful` to 0 and is thrown naming file and line.
    ///
    /// Reloads run one at a time on a thread of their own (`ReloadRunner`), never on the
    /// caller's: a request made while one runs waits for the next, which requests made
    /// meanwhile share.
    public func reload() async throws(ReloadError) {
        try await reloadRunner.run().get()
    }

    private func reloadNow() -> Result<Void, ReloadError> {
        do {
            let fresh = try configurationLoader?() ?? configuration
            let groups = try RulesManager.loadGroups(
                patterns: fresh.ruleFiles, defaultInterval: fresh.evaluationInterval.milliseconds,
                externalLabels: fresh.externalLabels, externalURL: fresh.resolvedExternalURL)
            rules.replace(with: groups)
            reloadMetrics.succeeded()
            logger.info("configuration reloaded", metadata: ["rule_groups": "\(groups.count)"])
            return .success(())
        } catch {
            reloadMetrics.failed()
            let message = "\(error)"
            logger.error("reload failed; the rules in force keep running", metadata: ["error": "\(message)"])
            return .failure(ReloadError(description: message))
        }
    }

    /// The address actually listened on (useful with port 0).
    public var boundAddress: ListenAddress { server.boundAddress }

    /// The address the OTLP/gRPC receiver listens on once started; nil when it is off.
    public var grpcBoundAddress: ListenAddress? { grpcAddress.withLock { $0 } }

    /// Starts listening: HTTP, then OTLP/gRPC when configured.
    ///
    /// - Throws: `StartupError` naming the address that cannot be bound; nothing keeps
    ///   listening then.
    public func start() async throws(StartupError) {
        do {
            try server.start()
        } catch {
            // The gRPC listener's event loops are already running: stop them with it.
            await grpcServer?.stop()
            throw StartupError(description: error.description)
        }
        if let grpcServer {
            do {
                let bound = try await grpcServer.start()
                grpcAddress.withLock { $0 = bound }
            } catch {
                await server.stop()
                throw error
            }
        }
        readiness.set(true)
        rules.start()
        let retention = retention
        let interval = configuration.retentionCheckInterval
        backgroundTasks.withLock { tasks in
            tasks.append(Task.detached { await retention.run(every: interval) })
            if let forwarder { tasks.append(Task.detached { await forwarder.run() }) }
            tasks.append(Task.detached { [historySampler] in await historySampler.run() })
            tasks.append(Task.detached { [notifier] in await notifier.run() })
            tasks.append(Task.detached { [dashboard] in await dashboard.run() })
            for sender in remoteWriteSenders {
                history.addListener { sender.enqueue($0) }
                tasks.append(Task.detached { await sender.run() })
            }
            tasks.append(
                Task.detached { [history, logger] in
                    await history.runCheckpoints(every: .seconds(60)) { error in
                        logger.error("metric history checkpoint failed", metadata: ["error": "\(error.message)"])
                    }
                })
        }
    }

    /// Drains and stops: `/-/ready` answers 503 at once, requests in flight finish while new
    /// ones are answered at once (503 for ingest and queries), then the listener closes so
    /// later connections are refused; finally the write queue is flushed.
    public func stop() async {
        readiness.set(false)
        for task in backgroundTasks.withLock({ tasks in defer { tasks.removeAll() }; return tasks }) { task.cancel() }
        rules.stop()
        dashboard.stop()
        await grpcServer?.stop()
        await server.stop()
        writer.stop()
        database.truncateWAL()
        do {
            try await history.checkpoint(now: Int64(Date().timeIntervalSince1970 * 1000))
        } catch {
            logger.error("final metric history checkpoint failed", metadata: ["error": "\(error.message)"])
        }
        historyStorage.close()
        storageLock.release()
        for sender in remoteWriteSenders { await sender.shutdown() }
        await forwarder?.shutdown()
    }

    /// Listens until graceful shutdown, then stops.
    public func run() async throws {
        try await start()
        var metadata: Logger.Metadata = ["address": "\(boundAddress)", "version": "\(BuildInfo.version)"]
        if let grpc = grpcBoundAddress { metadata["grpc_address"] = "\(grpc)" }
        logger.info("telemetryd started", metadata: metadata)
        try? await gracefulShutdown()
        logger.info("telemetryd shutting down")
        await stop()
    }
}
