import Foundation
import HTTPServer
import Telemetry
import TelemetryServer

// Serves telemetryd's /metrics with 10,000 extra series (10 counter families × 1,000 label
// sets, the same workload as the encoding benchmark) for scripts/bench-http.sh, which loads
// it and Debian's prometheus-pushgateway holding the same series with wrk in one run.
// Usage: ExpositionServer PORT

@main
struct ExpositionServer {
    static func main() async throws {
        let port = CommandLine.arguments.dropFirst().first.flatMap(UInt16.init) ?? 19_100
        var configuration = ServerConfiguration()
        configuration.listenAddress = ListenAddress(host: "127.0.0.1", port: port)
        configuration.grpcListenAddress = nil
        configuration.storagePath = NSTemporaryDirectory() + "exposition-server-\(getpid())"
        let service = try TelemetryService(configuration: configuration)
        for family in 0..<10 {
            let counter = try service.registry.counter(
                name: "bench_http_requests_\(family)_total", help: "Requests of family \(family).",
                labelNames: ["path", "code"])
            for series in 0..<1000 {
                try counter.labels("/api/v1/items/\(series)", "200").increment(by: Int64(series))
            }
        }
        try await service.start()
        FileHandle.standardOutput.write(Data("listening on \(service.boundAddress)\n".utf8))
        // Until killed by the script.
        while true { try await Task.sleep(for: .seconds(3600)) }
    }
}
