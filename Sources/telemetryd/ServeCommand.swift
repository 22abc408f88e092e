import ArgumentParser
import HTTPServer
import Logging
import ServiceLifecycle
import TelemetryServer

/// `telemetryd serve`: runs the server until SIGTERM or SIGINT.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the server.")

    @Option(name: .customLong("config.file"), help: "YAML configuration file; flags override it.")
    var configFile: String?

    @Option(name: .customLong("web.listen-address"), help: "Address to listen on (default 127.0.0.1:4318).")
    var listenAddress: String?

    @Option(name: .customLong("storage.path"), help: "Directory for stored data (default ./data).")
    var storagePath: String?

    @Option(name: .customLong("storage.retention.time"), help: "Delete spans and logs older than this (default 7d).")
    var retentionTime: String?

    @Option(name: .customLong("storage.retention.size"), help: "Delete the oldest spans and logs past this size, such as 1GB (default); 0 for no limit.")
    var retentionSize: String?

    @Option(name: .customLong("forward.endpoint"), help: "Send everything received on to this OTLP/HTTP endpoint.")
    var forwardEndpoint: String?

    @Option(name: .customLong("log.level"), help: "trace, debug, info, notice, warning, error or critical.")
    var logLevel: String?

    /// The configuration file (if any) with flags applied on top.
    func resolvedConfiguration() throws(ConfigError) -> ServerConfiguration {
        var configuration = try configFile.map { file throws(ConfigError) in try ServerConfiguration.load(file: file) }
            ?? ServerConfiguration()
        if let listenAddress {
            guard let address = ListenAddress(listenAddress) else {
                throw ConfigError(
                    file: "command line", field: "--web.listen-address",
                    message: ServerConfiguration.addressHelp(listenAddress))
            }
            configuration.listenAddress = address
        }
        if let storagePath {
            guard !storagePath.isEmpty else {
                throw ConfigError(file: "command line", field: "--storage.path", message: "must not be empty")
            }
            configuration.storagePath = storagePath
        }
        if let retentionTime {
            guard let duration = PrometheusDuration(retentionTime) else {
                throw ConfigError(
                    file: "command line", field: "--storage.retention.time",
                    message: "invalid duration \"\(retentionTime)\" (use forms like 12h, 7d, 2w)")
            }
            configuration.retentionTime = duration
        }
        if let retentionSize {
            guard let size = ByteSize(retentionSize) else {
                throw ConfigError(
                    file: "command line", field: "--storage.retention.size",
                    message: "invalid size \"\(retentionSize)\" (use forms like 512MB, 1GB; units B KB MB GB TB PB)")
            }
            configuration.retentionSize = size
        }
        if let forwardEndpoint {
            if let problem = ServerConfiguration.endpointProblem(forwardEndpoint) {
                throw ConfigError(file: "command line", field: "--forward.endpoint", message: problem)
            }
            configuration.forwardEndpoint = forwardEndpoint
        }
        if let logLevel {
            guard let level = ServerConfiguration.logLevel(logLevel) else {
                throw ConfigError(
                    file: "command line", field: "--log.level", message: ServerConfiguration.levelHelp(logLevel))
            }
            configuration.logLevel = level
        }
        return configuration
    }

    func run() async throws {
        let configuration = try resolvedConfiguration()
        let level = configuration.logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "telemetryd")
        let service = try TelemetryService(configuration: configuration, logger: logger)
        let group = ServiceGroup(
            configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
