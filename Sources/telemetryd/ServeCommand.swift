import ArgumentParser
import Dispatch
import Foundation
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

    @Option(name: .customLong("otlp.grpc.listen-address"), help: "Address the OTLP/gRPC receiver listens on (default 127.0.0.1:4317); \"\" turns it off.")
    var grpcListenAddress: String?

    @Option(name: .customLong("web.external-url"), help: "URL users reach the server at (templates' $externalURL; default http://<hostname>:<port>).")
    var externalURL: String?

    @Option(name: .customLong("web.dashboards.path"), help: "Serve the dashboard from this folder (default: the copy built into the binary).")
    var dashboardsPath: String?

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

    @Option(name: .customLong("history.interval"), help: "Sample /metrics into the metric history this often (default 5s).")
    var historyInterval: String?

    @Option(name: .customLong("query.timeout"), help: "Longest a PromQL query may run (default 2m).")
    var queryTimeout: String?

    @Option(name: .customLong("query.max-samples"), help: "Most samples one PromQL query may load (default 50000000).")
    var queryMaxSamples: String?

    @Option(name: .customLong("rules.file"), help: "A Prometheus-format rule file (glob); repeat for more. Added to rule_files.")
    var ruleFiles: [String] = []

    /// The configuration file (if any) with flags applied on top.
    func resolvedConfiguration() throws(ConfigError) -> ServerConfiguration {
        var configuration = try configFile.map { file throws(ConfigError) in try ServerConfiguration.load(file: file) }
            ?? ServerConfiguration()
        try apply(listenAddress, "--web.listen-address", \.listenAddress, to: &configuration,
                  parse: ListenAddress.init, help: ServerConfiguration.addressHelp)
        try apply(grpcListenAddress, "--otlp.grpc.listen-address", \.grpcListenAddress, to: &configuration,
                  parse: ServerConfiguration.grpcAddress, help: ServerConfiguration.grpcAddressHelp)
        try apply(externalURL, "--web.external-url", \.externalURL, to: &configuration,
                  parse: { (text: String) -> String?? in ServerConfiguration.externalURLProblem(text) == nil ? .some(text) : .none },
                  help: { ServerConfiguration.externalURLProblem($0) ?? "" })
        try apply(dashboardsPath, "--web.dashboards.path", \.dashboardsPath, to: &configuration,
                  parse: { (text: String) -> String?? in ServerConfiguration.dashboardsPathProblem(text) == nil ? .some(text) : .none },
                  help: { ServerConfiguration.dashboardsPathProblem($0) ?? "" })
        try apply(storagePath, "--storage.path", \.storagePath, to: &configuration,
                  parse: { $0.isEmpty ? nil : $0 }, help: { _ in "must not be empty" })
        try apply(retentionTime, "--storage.retention.time", \.retentionTime, to: &configuration,
                  parse: PrometheusDuration.init, help: ServerConfiguration.durationHelp)
        try apply(retentionSize, "--storage.retention.size", \.retentionSize, to: &configuration,
                  parse: ByteSize.init, help: ServerConfiguration.sizeHelp)
        try apply(forwardEndpoint, "--forward.endpoint", \.forwardEndpoint, to: &configuration,
                  parse: { (text: String) -> String?? in ServerConfiguration.endpointProblem(text) == nil ? .some(text) : .none },
                  help: { ServerConfiguration.endpointProblem($0) ?? "" })
        try apply(logLevel, "--log.level", \.logLevel, to: &configuration,
                  parse: ServerConfiguration.logLevel, help: ServerConfiguration.levelHelp)
        try apply(historyInterval, "--history.interval", \.historyInterval, to: &configuration,
                  parse: { PrometheusDuration($0).flatMap { $0.milliseconds >= 100 ? $0 : nil } },
                  help: { "invalid interval \"\($0)\" (a duration of at least 100ms, such as 5s)" })
        try apply(queryTimeout, "--query.timeout", \.queryEngineTimeout, to: &configuration,
                  parse: { PrometheusDuration($0).flatMap { $0.milliseconds > 0 ? $0 : nil } },
                  help: ServerConfiguration.durationHelp)
        try apply(queryMaxSamples, "--query.max-samples", \.queryMaxSamples, to: &configuration,
                  parse: { Int($0).flatMap { $0 > 0 ? $0 : nil } }, help: { "invalid number \"\($0)\" (a positive integer)" })
        configuration.ruleFiles += ruleFiles
        return configuration
    }

    /// Parses a flag given on the command line into `keyPath`, or fails naming the flag.
    private func apply<Value>(
        _ text: String?, _ flag: String, _ keyPath: WritableKeyPath<ServerConfiguration, Value>,
        to configuration: inout ServerConfiguration, parse: (String) -> Value?, help: (String) -> String
    ) throws(ConfigError) {
        guard let text else { return }
        guard let value = parse(text) else { throw ConfigError(file: "command line", field: flag, message: help(text)) }
        configuration[keyPath: keyPath] = value
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
        let command = self
        let service = try TelemetryService(configuration: configuration, logger: logger) {
            try command.resolvedConfiguration()
        }
        // SIGHUP reloads the configuration and rule files, as it does for Prometheus.
        signal(SIGHUP, SIG_IGN)
        let hangup = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        hangup.setEventHandler { Task { try? await service.reload() } }
        hangup.resume()
        defer { hangup.cancel() }
        let group = ServiceGroup(
            configuration: .init(services: [service], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}
