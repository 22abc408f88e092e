import ArgumentParser
import Foundation
import TelemetryServer

/// `telemetryd`: metrics, traces, logs and alerts for a service, in one binary.
@main
struct Telemetryd: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "telemetryd",
        abstract: "Metrics, traces, logs, alerts and a live dashboard in one binary.",
        version: BuildInfo.version,
        subcommands: [ServeCommand.self, CheckCommand.self, ImportCommand.self, TestCommand.self],
        defaultSubcommand: ServeCommand.self)

    /// Exit codes: 0 success, 1 runtime failure, 2 bad flags or configuration.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asyncCommand = command as? AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let error as ConfigError {
            FileHandle.standardError.write(Data("telemetryd: \(error)\n".utf8))
            Foundation.exit(2)
        } catch let error as TelemetryService.StartupError {
            FileHandle.standardError.write(Data("telemetryd: \(error)\n".utf8))
            Foundation.exit(1)
        } catch {
            if exitCode(for: error) == .success || error is ExitCode { exit(withError: error) }
            FileHandle.standardError.write(Data("telemetryd: \(fullMessage(for: error))\n".utf8))
            Foundation.exit(2)
        }
    }
}
