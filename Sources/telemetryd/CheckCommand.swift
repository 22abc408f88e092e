import ArgumentParser
import Foundation
import TelemetryServer

/// `telemetryd check …`: validates files without starting anything.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check", abstract: "Validate configuration and rule files.",
        subcommands: [CheckConfigCommand.self, CheckRulesCommand.self])
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

/// `telemetryd check rules FILE...`: promtool's `check rules`, with its output and exit codes:
/// `SUCCESS: N rules found` per valid file, `FAILED:` and each problem with its position on
/// standard error otherwise, exit 1 when any file failed.
struct CheckRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Validate Prometheus-format rule files.")

    @Argument(help: "The rule files.")
    var files: [String]

    func run() async throws {
        var failed = false
        for file in files {
            print("Checking \(file)")
            do {
                let rules = try RuleFile.load(file)
                print("  SUCCESS: \(rules.ruleCount) rules found")
            } catch {
                failed = true
                FileHandle.standardError.write(Data("  FAILED:\n\(error.description)\n".utf8))
            }
            print("")
        }
        if failed { throw ExitCode(1) }
    }
}
