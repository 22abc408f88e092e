import ArgumentParser
import Foundation
import TelemetryServer

/// `telemetryd check …`: validates files without starting anything.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate configuration files.", subcommands: [CheckConfigCommand.self])
}

/// `telemetryd check config FILE`: exit 0 and `SUCCESS` when valid, exit 2 with the location otherwise.
struct CheckConfigCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "config", abstract: "Validate a configuration file.")

    @Argument(help: "The YAML configuration file.")
    var file: String

    func run() async throws {
        _ = try ServerConfiguration.load(file: file)
        print("SUCCESS: \(file) is valid telemetryd configuration")
    }
}
