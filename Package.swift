// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Telemetry",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Telemetry", targets: ["Telemetry"]),
        .library(name: "HTTPServer", targets: ["HTTPServer"]),
        .library(name: "OTLP", targets: ["OTLP"]),
        .library(name: "TelemetryServer", targets: ["TelemetryServer"]),
        .library(name: "PromQL", targets: ["PromQL"]),
        .executable(name: "telemetryd", targets: ["telemetryd"]),
        .executable(name: "telemetry-demo", targets: ["telemetry-demo"]),
        .executable(name: "dashboard-demo", targets: ["dashboard-demo"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CMicroHTTPD",
            pkgConfig: "libmicrohttpd",
            providers: [.apt(["libmicrohttpd-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        .target(
            name: "Telemetry",
            dependencies: [
                "OTLP",
                "GzipCodec",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .systemLibrary(
            name: "CSnappy",
            pkgConfig: "snappy",
            providers: [.apt(["libsnappy-dev"])]
        ),
        .target(name: "GzipCodec", dependencies: ["CZlib"]),
        .target(name: "SnappyCodec", dependencies: ["CSnappy"]),
        .target(name: "PromQL"),
        .target(
            name: "OTLP",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            exclude: ["Proto"]
        ),
        .target(
            name: "HTTPServer",
            dependencies: [
                "CMicroHTTPD",
                "CZlib",
                "GzipCodec",
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .target(
            name: "TelemetryServer",
            dependencies: [
                "Telemetry",
                "HTTPServer",
                "PromQL",
                "OTLP",
                "SnappyCodec",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "telemetryd",
            dependencies: [
                "TelemetryServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .executableTarget(
            name: "telemetry-demo",
            dependencies: ["Telemetry", .product(name: "Logging", package: "swift-log")],
            path: "Examples/telemetry-demo"),
        .executableTarget(
            name: "dashboard-demo", dependencies: ["Telemetry", "TelemetryServer"], path: "Examples/dashboard-demo"),
        .target(
            name: "TestSupport",
            dependencies: ["CZlib", "SnappyCodec", "HTTPServer", .product(name: "Logging", package: "swift-log")],
            path: "Tests/TestSupport"
        ),
        .testTarget(
            name: "TelemetryTests",
            dependencies: [
                "Telemetry", "HTTPServer", "OTLP", "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ]
        ),
        .testTarget(name: "OTLPTests", dependencies: ["OTLP", "TestSupport"]),
        .testTarget(name: "PromQLTests", dependencies: ["PromQL", "TestSupport"]),
        .testTarget(name: "HTTPServerTests", dependencies: ["HTTPServer", "TestSupport"]),
        .testTarget(
            name: "TelemetryServerTests",
            dependencies: [
                "TelemetryServer", "OTLP", "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(
            name: "InteropTests",
            dependencies: [
                "Telemetry", "TelemetryServer", "OTLP", "PromQL", "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            path: "Tests/Interop",
            exclude: ["Peers", "Fixtures"]
        ),
    ],
    swiftLanguageModes: [.v6]
)
