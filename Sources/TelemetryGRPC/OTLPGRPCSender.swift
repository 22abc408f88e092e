import Foundation
import GRPCCore
import GRPCNIOTransportHTTP2Posix
import GRPCProtobuf
import Logging
import SwiftProtobuf
import Synchronization
import Telemetry

/// One gRPC channel to an OTLP receiver, shared by the calls of one exporter.
///
/// Every call carries the configured headers as metadata, the timeout as its deadline and,
/// with `compression: .gzip`, a gzip-compressed message. Failures are retried as the OTLP
/// specification says (`GRPCRetryDecision`), with the `RetryPolicy`'s backoff unless the
/// receiver's `google.rpc.RetryInfo` names the delay.
final class OTLPGRPCSender: Sendable {
    let configuration: OTLPExporterConfiguration
    let logger: Logger
    private let client: GRPCClient<HTTP2ClientTransport.Posix>
    private let connections = Mutex<Task<Void, Never>?>(nil)

    /// Opens the channel (connecting lazily, on the first call).
    ///
    /// - Throws: `ConfigurationError` when the endpoint is not `http://host[:port]` or
    ///   `https://host[:port]`.
    init(configuration: OTLPExporterConfiguration, logger: Logger) throws(OTLPExporterConfiguration.ConfigurationError) {
        let endpoint = try GRPCEndpoint(configuration.endpoint)
        self.configuration = configuration
        self.logger = logger
        do {
            let transport = try HTTP2ClientTransport.Posix(
                target: .dns(host: endpoint.host, port: endpoint.port),
                transportSecurity: endpoint.usesTLS ? .tls : .plaintext,
                config: .defaults { config in
                    config.compression.enabledAlgorithms = [.gzip, .deflate]
                })
            client = GRPCClient(transport: transport)
        } catch {
            throw OTLPExporterConfiguration.ConfigurationError(
                description: "cannot use OTLP/gRPC endpoint \(configuration.endpoint): \(error)")
        }
        let client = client
        let task = Task {
            do {
                try await client.runConnections()
            } catch {
                logger.error("OTLP/gRPC channel stopped", metadata: ["error": "\(error)"])
            }
        }
        connections.withLock { $0 = task }
    }

    /// Sends one export request, retrying as the policy and the receiver's answers allow, and
    /// reports the outcome (`ExportReport`).
    func export<Request: SwiftProtobuf.Message & Sendable, Response: SwiftProtobuf.Message & Sendable>(
        _ request: Request, method: MethodDescriptor, count: Int, noun: String, response: Response.Type,
        rejected: (Response) -> (count: Int64, message: String)?
    ) async -> ExportResult {
        switch await call(request, method: method, response: response) {
        case .success(let answer):
            return ExportReport.delivered(rejected: rejected(answer), noun: noun, logger: logger)
        case .failure(let reason):
            return ExportReport.failed(reason.message, count: count, noun: noun, logger: logger)
        }
    }

    /// Why an export was given up.
    struct Failure: Error {
        let message: String
    }

    /// Calls `method` until it succeeds, fails for good, or the attempts run out.
    func call<Request: SwiftProtobuf.Message & Sendable, Response: SwiftProtobuf.Message & Sendable>(
        _ request: Request, method: MethodDescriptor, response: Response.Type
    ) async -> Result<Response, Failure> {
        var options = CallOptions.defaults
        options.timeout = configuration.timeout
        // Fail fast when the receiver is down: the retry loop below owns the waiting.
        options.waitForReady = false
        if configuration.compression == .gzip { options.compression = .gzip }
        var metadata = Metadata()
        for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            metadata.addString(value, forKey: name.lowercased())
        }
        metadata.addString("telemetry-swift/\(TelemetryVersion.current)", forKey: "user-agent")
        let retry = configuration.retry
        var attempt = 1
        while true {
            let error: RPCError
            do {
                let answer = try await client.unary(
                    request: ClientRequest(message: request, metadata: metadata), descriptor: method,
                    serializer: ProtobufSerializer<Request>(), deserializer: ProtobufDeserializer<Response>(),
                    options: options
                ) { try $0.message }
                return .success(answer)
            } catch let rpcError as RPCError {
                error = rpcError
            } catch {
                return .failure(Failure(message: "\(error)"))
            }
            let decision = GRPCRetryDecision(error)
            guard decision.retryable else { return .failure(Failure(message: "\(error)")) }
            guard attempt < retry.maxAttempts else {
                return .failure(Failure(message: "gave up after \(attempt) attempts: \(error)"))
            }
            let delay: Duration
            if let asked = decision.retryDelay {
                guard asked <= retry.maxRetryAfter else {
                    return .failure(Failure(message: "receiver asked to retry after \(asked), over the limit: \(error)"))
                }
                delay = asked
            } else {
                delay = retry.backoff(beforeRetry: attempt)
            }
            logger.debug("retrying OTLP/gRPC export", metadata: ["attempt": "\(attempt)", "delay": "\(delay)", "error": "\(error)"])
            do {
                try await Task.sleep(for: delay)
            } catch {
                return .failure(Failure(message: "cancelled while waiting to retry: \(error)"))
            }
            attempt += 1
        }
    }

    /// Closes the channel once calls in flight finish.
    func shutdown() async {
        client.beginGracefulShutdown()
        let task = connections.withLock { $0 }
        await task?.value
    }
}
