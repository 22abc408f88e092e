import ArgumentParser
import Foundation
import TelemetryServer

/// `telemetryd test …`: runs unit tests.
struct TestCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "test", abstract: "Run unit tests.", subcommands: [TestRulesCommand.self])
}

/// `telemetryd test rules FILE...`: rule unit tests in `promtool test rules` format, reported as
/// promtool reports them (failures on standard error); exit 1 when any test fails.
struct TestRulesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules", abstract: "Run rule unit tests (promtool test rules format).")

    @Argument(help: "The test files.")
    var files: [String]

    func run() async throws {
        var failed = false
        for file in files {
            print("Unit Testing:  \(file)")
            let failures = RuleUnitTests.run(file)
            if failures.isEmpty {
                print("  SUCCESS\n")
            } else {
                failed = true
                FileHandle.standardError.write(Data(("  FAILED:\n" + failures.joined(separator: "\n") + "\n").utf8))
                // promtool prints an empty line per failure, then one more.
                print(String(repeating: "\n", count: failures.count))
            }
        }
        if failed { throw ExitCode(1) }
    }
}
