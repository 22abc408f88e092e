// swift-tools-version:6.1
// libFuzzer harnesses for telemetryd's parsers. A separate package so that `swift build` of the
// product never sees executables without a `main` (libFuzzer supplies it). Built and run by
// `make fuzz` (see scripts/fuzz.sh) with `-sanitize=fuzzer,address -enable-testing`.
import PackageDescription

let harnesses = ["FuzzOTLPProtobuf", "FuzzOTLPJSON", "FuzzConfig", "FuzzQuery", "FuzzPromQL", "FuzzRules", "FuzzRemoteWrite"]

let package = Package(
    name: "TelemetryFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Telemetry", path: "../..")],
    targets: [.target(name: "FuzzDriver")] + harnesses.map { name in
        .executableTarget(
            name: name,
            dependencies: [
                "FuzzDriver",
                .product(name: "TelemetryServer", package: "Telemetry"),
                .product(name: "HTTPServer", package: "Telemetry"),
                .product(name: "OTLP", package: "Telemetry"),
                .product(name: "PromQL", package: "Telemetry"),
            ]
        )
    },
    swiftLanguageModes: [.v6]
)
