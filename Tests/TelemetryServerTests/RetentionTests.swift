import Foundation
import GRDB
import HTTPServer
import Logging
import Telemetry
@testable import TelemetryServer
import TestSupport
import Testing

private func span(_ index: Int, receivedAt: UInt64, padding: Int = 0) -> SpanRow {
    var traceID = Data(count: 16)
    withUnsafeBytes(of: UInt64(index + 1).bigEndian) { traceID.replaceSubrange(8..<16, with: $0) }
    return .testRow(
        traceID: traceID, spanID: Data([0, 0, 0, 0, 0, 0, 0, 1]),
        attributes: "{\"pad\":\"\(String(repeating: "x", count: padding))\"}", receivedAt: receivedAt)
}

private func openDatabase() throws -> TelemetryDatabase {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telemetryd-retention-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return try TelemetryDatabase(directory: directory.path)
}

private func count(_ database: TelemetryDatabase, _ table: String) throws -> Int {
    try database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM \(table)") ?? -1 }
}

@Suite("Retention")
struct RetentionTests {
    @Test func dataOlderThanTheAgeLimitIsDeleted() async throws {
        let database = try openDatabase()
        let writer = StorageWriter(database: database)
        let second: UInt64 = 1_000_000_000
        try await writer.submit(spans: (0..<7).map { span($0, receivedAt: 1000 * second) } + [span(7, receivedAt: 2000 * second)])
        let log = LogRow(
            timeUnixNano: 1, observedUnixNano: 1, serviceName: "svc", severityNumber: 9, severityText: "", body: "\"old\"",
            attributes: "{}", droppedAttributesCount: 0, flags: 0, traceID: nil, spanID: nil, eventName: "",
            resourceAttributes: "{}", scopeName: "", scopeVersion: "", receivedUnixNano: 1000 * second)
        try await writer.submit(logs: [log])
        writer.stop()
        let registry = MetricRegistry()
        let retention = try RetentionEnforcer(
            database: database, maxAgeNanos: 500 * Int64(second), maxBytes: 0, registry: registry,
            logger: Logger(label: "test"))
        try retention.enforce(now: 2100 * Int64(second))
        #expect(try count(database, "spans") == 1)
        #expect(try count(database, "logs") == 0)
        let values = metricSamples(String(decoding: ExpositionEncoder(format: .prometheusText).encode(registry), as: UTF8.self))
        #expect(values["telemetryd_storage_retention_deleted_spans_total"] == 7)
        #expect(values["telemetryd_storage_retention_deleted_log_records_total"] == 1)
    }

    @Test func theOldestDataGoesWhenTheSizeLimitIsPassed() async throws {
        let database = try openDatabase()
        let writer = StorageWriter(database: database)
        for batch in 0..<20 {
            try await writer.submit(spans: (0..<500).map { span(batch * 500 + $0, receivedAt: UInt64(batch + 1), padding: 400) })
        }
        writer.stop()
        let before = try await database.pool.read { try database.usedBytes($0) }
        let limit = before / 3
        let retention = try RetentionEnforcer(
            database: database, maxAgeNanos: 0, maxBytes: limit, registry: MetricRegistry(), logger: Logger(label: "test"))
        try retention.enforce(now: 0)
        let after = try await database.pool.read { try database.usedBytes($0) }
        #expect(after <= limit, "used \(after) bytes, limit \(limit)")
        let (oldest, newest, remaining) = try await database.pool.read { db in
            (try Int64.fetchOne(db, sql: "SELECT MIN(received_unix_nano) FROM spans"),
             try Int64.fetchOne(db, sql: "SELECT MAX(received_unix_nano) FROM spans"),
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM spans") ?? 0)
        }
        #expect(newest == 20, "the newest batch is kept")
        #expect((oldest ?? 0) > 1, "the oldest batch is gone")
        #expect(remaining > 1000, "no more than needed is deleted: \(remaining) of 10000 left")
    }

    @Test func theServerEnforcesRetentionInTheBackground() async throws {
        let service = try await startService {
            $0.retentionTime = PrometheusDuration(milliseconds: 1)
            $0.retentionCheckInterval = .milliseconds(20)
        }
        let port = service.boundAddress.port
        let traceID = randomTraceID()
        let body = Array(try traceRequest(traceID: traceID).serializedData())
        let (posted, gone) = try await blocking {
            let client = try RawHTTPClient(port: port)
            let posted = try client.send("POST", "/v1/traces", headers: [("Content-Type", "application/x-protobuf")], body: body)
            // Poll until the background task has deleted the trace (bounded, not timed).
            for _ in 0..<500 {
                if try client.send("GET", "/api/traces/\(traceID)").status == 404 { return (posted, true) }
                usleep(10_000)
            }
            return (posted, false)
        }
        #expect(posted.status == 200)
        #expect(gone)
        await service.stop()
    }
}
