import Foundation
import HTTPServer
import Telemetry
import TelemetryServer
import TestSupport
import Testing

func startService(_ configure: (inout ServerConfiguration) -> Void = { _ in }) async throws -> TelemetryService {
    var configuration = ServerConfiguration()
    configuration.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
    // Off unless a test asks for it: each gRPC listener starts event loops of its own.
    configuration.grpcListenAddress = nil
    configuration.storagePath = FileManager.default.temporaryDirectory
        .appendingPathComponent("telemetryd-test-\(UUID().uuidString)").path
    configure(&configuration)
    // Opening the storage (SQLite, migrations) blocks: on a thread of its own, not one of the
    // Swift pool's two, which the services of tests running alongside need for their loops.
    let configured = configuration
    let service = try await blocking { try TelemetryService(configuration: configured) }
    try await service.start()
    return service
}

@Suite("telemetryd over a real socket")
struct TelemetryServiceTests {
    @Test func metricsServesTextByDefaultAndOpenMetricsToPrometheus() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let (text, openMetrics) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("GET", "/metrics"),
                try client.send("GET", "/metrics", headers: [(
                    "Accept",
                    "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1"
                )])
            )
        }
        #expect(text.status == 200)
        #expect(text.header("Content-Type") == "text/plain; version=0.0.4; charset=utf-8")
        #expect(text.text.contains("# TYPE process_cpu_seconds_total counter\n"))
        #expect(!text.text.contains("# EOF"))
        #expect(openMetrics.header("Content-Type") == "application/openmetrics-text; version=1.0.0; charset=utf-8")
        #expect(openMetrics.text.hasSuffix("# EOF\n"))
        #expect(openMetrics.text.contains("# TYPE process_cpu_seconds counter\n# UNIT process_cpu_seconds seconds\n"))
        await service.stop()
    }

    @Test func ownMetricsCountRequestsAndDescribeTheProcess() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let body = try await blocking {
            let client = try RawHTTPClient(port: port)
            for _ in 0..<3 { _ = try client.send("GET", "/-/healthy") }
            _ = try client.send("GET", "/nowhere")
            return try client.send("GET", "/metrics").text
        }
        let values = metricSamples(body)
        #expect(values["telemetryd_http_requests_total{handler=\"/-/healthy\",method=\"GET\",code=\"200\"}"] == 3)
        #expect(values["telemetryd_http_requests_total{handler=\"not_found\",method=\"GET\",code=\"404\"}"] == 1)
        #expect(values["telemetryd_http_request_duration_seconds_count{handler=\"/-/healthy\",method=\"GET\"}"] == 3)
        #expect(values["telemetryd_http_request_duration_seconds_bucket{handler=\"/-/healthy\",method=\"GET\",le=\"+Inf\"}"] == 3)
        #expect(values["telemetryd_build_info{version=\"\(BuildInfo.version)\",swift_version=\"\(BuildInfo.swiftVersion)\"}"] == 1)
        let resident = try #require(values["process_resident_memory_bytes"])
        #expect(resident > 1_000_000)
        #expect(try #require(values["process_virtual_memory_bytes"]) >= resident)
        #expect(try #require(values["process_open_fds"]) >= 3)
        #expect(try #require(values["process_max_fds"]) >= 64)
        let started = try #require(values["process_start_time_seconds"])
        #expect(abs(Date().timeIntervalSince1970 - started) < 3600)
        #expect(try #require(values["process_cpu_seconds_total"]) > 0)
        await service.stop()
    }

    @Test func healthReadinessHeadAndGzip() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let (healthy, ready, head, zipped) = try await blocking {
            let client = try RawHTTPClient(port: port)
            return (
                try client.send("GET", "/-/healthy"), try client.send("GET", "/-/ready"),
                try client.send("HEAD", "/metrics"),
                try client.send("GET", "/metrics", headers: [("Accept-Encoding", "gzip")])
            )
        }
        #expect(healthy.text == "telemetryd is Healthy.\n")
        #expect(ready.text == "telemetryd is Ready.\n")
        #expect(head.status == 200)
        #expect(head.body.isEmpty)
        #expect(Int(head.header("Content-Length") ?? "") ?? 0 > 100)
        #expect(zipped.header("Content-Encoding") == "gzip")
        let gzip = try #require(ExternalTool.find("gzip"))
        let inflated = try await ExternalTool.run(gzip, ["-dc"], input: zipped.body)
        #expect(String(decoding: inflated.stdout, as: UTF8.self).contains("# TYPE process_open_fds gauge"))
        await service.stop()
    }

    @Test func storageDirectoryIsCreatedAndAnUnusableOneIsAClearError() async throws {
        let service = try await startService()
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: service.configuration.storagePath, isDirectory: &isDirectory))
        #expect(isDirectory.boolValue)
        var configuration = ServerConfiguration()
        configuration.listenAddress = ListenAddress(host: "127.0.0.1", port: 0)
        configuration.storagePath = "/proc/self/cannot-create"
        #expect {
            _ = try TelemetryService(configuration: configuration)
        } throws: { error in
            "\(error)".contains("cannot create storage directory /proc/self/cannot-create")
        }
    }

    @Test func anAddressInUseIsAClearErrorAndNothingOfTheFailedServiceKeepsListening() async throws {
        let loopback = ListenAddress(host: "127.0.0.1", port: 0)
        let first = try await startService { $0.grpcListenAddress = loopback }
        let taken = first.boundAddress
        let takenGRPC = try #require(first.grpcBoundAddress)

        // The HTTP address is taken: the error names it, and the gRPC listener's event loops,
        // started with the service, are stopped with it.
        await #expect {
            _ = try await startService {
                $0.listenAddress = taken
                $0.grpcListenAddress = loopback
            }
        } throws: { error in
            "\(error)".contains("cannot listen on 127.0.0.1:\(taken.port)")
        }

        // The gRPC address is taken: the error says so, and the HTTP listener that had
        // started is closed again.
        let free = try await startService()
        let freePort = free.boundAddress.port
        await free.stop()
        await #expect {
            _ = try await startService {
                $0.listenAddress = ListenAddress(host: "127.0.0.1", port: freePort)
                $0.grpcListenAddress = takenGRPC
            }
        } throws: { error in
            "\(error)".contains("cannot listen for OTLP/gRPC")
        }
        let refused = try await blocking { (try? RawHTTPClient(port: freePort)) == nil }
        #expect(refused)

        // The first service kept serving through both.
        let status = try await blocking { try RawHTTPClient(port: taken.port).send("GET", "/-/healthy").status }
        #expect(status == 200)
        await first.stop()
    }
}
