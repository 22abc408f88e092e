import Foundation
import Telemetry

/// The host, port and security of an OTLP/gRPC endpoint URL (`http://host:4317`; `https` for
/// TLS; the port defaults to 4317 for http and 443 for https).
struct GRPCEndpoint: Sendable, Equatable {
    let host: String
    let port: Int
    let usesTLS: Bool

    init(_ url: String) throws(OTLPExporterConfiguration.ConfigurationError) {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else {
            throw OTLPExporterConfiguration.ConfigurationError(
                description: "OTLP/gRPC endpoint \(url): expected http://host:port or https://host:port")
        }
        usesTLS = scheme == "https"
        // IPv6 literals come bracketed from URLComponents.
        self.host = host.hasPrefix("[") ? String(host.dropFirst().dropLast()) : host
        port = components.port ?? (usesTLS ? 443 : 4317)
    }
}
