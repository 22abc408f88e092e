import Foundation
import TestSupport

/// The server's `/metrics` samples once `name` reads `value`, or as last read after five
/// seconds: for a figure the server updates on its own thread, which can come after the client
/// already has its answer (a refused request's bytes given back, a closed connection counted).
func metricsOnceSettled(port: UInt16, _ name: String, at value: Double) throws -> [String: Double] {
    var samples: [String: Double] = [:]
    for _ in 0..<50 {
        samples = metricSamples(try RawHTTPClient(port: port).send("GET", "/metrics").text)
        if samples[name] == value { break }
        Thread.sleep(forTimeInterval: 0.1)
    }
    return samples
}
