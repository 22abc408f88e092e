import Foundation

/// The alerts `GET /api/v1/alerts` lists on the server at `port` (telemetryd or Prometheus),
/// each as its decoded JSON object; empty when the answer holds none.
public func listedAlerts(port: UInt16) throws -> [[String: Any]] {
    let response = try RawHTTPClient(port: port).send("GET", "/api/v1/alerts")
    let json = try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any]
    return (json?["data"] as? [String: Any])?["alerts"] as? [[String: Any]] ?? []
}
