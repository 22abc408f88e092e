// swift-tools-version:6.1
import Foundation
import PackageDescription

// The root package is referenced by path; its identity is its directory's name, which differs
// between checkouts, so read it instead of spelling it.
let rootIdentity = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .lastPathComponent

let package = Package(
    name: "TelemetryBenchmarks",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        // Only the tracer and the log handler are measured, so the gRPC exporter is left out.
        // (With no trait at all, swift-otel 1.6.0 does not compile: a file then lacks its
        // Foundation import.)
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // NIOHTTP1's `HTTPHeaders`: the header list HTTP servers and clients on SwiftNIO hand a
        // propagator (already built for the root package's server).
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .executableTarget(
            name: "MetricsBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Telemetry", package: rootIdentity),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "Benchmarks/MetricsBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "TracingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Telemetry", package: rootIdentity),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Benchmarks/TracingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "LoggingBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "Telemetry", package: rootIdentity),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/LoggingBenchmarks",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        ),
        .executableTarget(
            name: "SpanProfile",
            dependencies: [
                .product(name: "Telemetry", package: rootIdentity),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Sources/SpanProfile"
        ),
        .executableTarget(
            name: "ExpositionServer",
            dependencies: [
                .product(name: "TelemetryServer", package: rootIdentity),
                .product(name: "HTTPServer", package: rootIdentity),
                .product(name: "Telemetry", package: rootIdentity),
            ],
            path: "Sources/ExpositionServer"
        ),
    ],
    swiftLanguageModes: [.v6]
)
