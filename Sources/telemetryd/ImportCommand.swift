import ArgumentParser
import Foundation
import TelemetryServer

/// `telemetryd import`: backfill data into the storage of a stopped server.
struct ImportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import", abstract: "Load data into telemetryd's storage.",
        subcommands: [ImportOpenMetricsCommand.self])
}

/// `telemetryd import openmetrics FILE`, the counterpart of
/// `promtool tsdb create-blocks-from openmetrics`.
struct ImportOpenMetricsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openmetrics",
        abstract: "Load an OpenMetrics file (every sample with a timestamp in seconds, ending in # EOF) into the metric history.")

    @Argument(help: "The OpenMetrics file.")
    var file: String

    @Option(name: .customLong("storage.path"), help: "Storage directory of the server (stopped) to load into.")
    var storagePath = "./data"

    func run() async throws {
        do {
            let summary = try await OpenMetricsImporter.run(file: file, storagePath: storagePath)
            print("imported \(summary.samples) samples of \(summary.series) series into \(storagePath)"
                + (summary.refused > 0 ? "; \(summary.refused) samples refused (out of order or duplicate)" : ""))
        } catch {
            FileHandle.standardError.write(Data("telemetryd import: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }
}
