import Foundation
import GRDB
@testable import TelemetryServer
import TestSupport
import Testing

private func span(trace: UInt8, span: UInt8, start: UInt64, name: String) -> SpanRow {
    .testRow(traceID: Data(repeating: trace, count: 16), spanID: Data(repeating: span, count: 8), start: start, name: name)
}

private func temporaryDirectory() throws -> String {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("telemetryd-spans-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    return directory.path
}

/// The spans table's indexes: name → unique.
private func indexes(_ database: DatabaseReader) throws -> [String: Bool] {
    try database.read { db in
        Dictionary(
            uniqueKeysWithValues: try Row.fetchAll(db, sql: "PRAGMA index_list(spans)").map {
                ($0["name"] as String, ($0["unique"] as Int) == 1)
            })
    }
}

@Suite("Span storage")
struct SpanStorageTests {
    @Test func aSpanSentAgainReplacesTheStoredOne() async throws {
        let database = try TelemetryDatabase(directory: try temporaryDirectory())
        let writer = StorageWriter(database: database)
        try await writer.submit(spans: [span(trace: 1, span: 2, start: 10, name: "first")])
        // An export retried: the same trace, span and start.
        try await writer.submit(spans: [span(trace: 1, span: 2, start: 10, name: "again")])
        let afterRetry = try await database.pool.read { try String.fetchAll($0, sql: "SELECT name FROM spans") }
        #expect(afterRetry == ["again"])
        // The same ids with another start time are another span as far as storage goes.
        try await writer.submit(spans: [span(trace: 1, span: 2, start: 20, name: "other start")])
        writer.stop()
        let names = try await database.pool.read {
            try String.fetchAll($0, sql: "SELECT name FROM spans ORDER BY start_unix_nano")
        }
        #expect(names == ["again", "other start"])
    }

    @Test func oneIndexLedByTheTraceIDServesPagingAndDeduplication() throws {
        let database = try TelemetryDatabase(directory: try temporaryDirectory())
        #expect(
            try indexes(database.pool) == [
                "spans_by_trace_start": true, "spans_by_service_start": false, "spans_by_start": false,
            ])
    }

    @Test func aDatabaseOfTheEarlierSchemaKeepsItsSpans() throws {
        let directory = try temporaryDirectory()
        let path = (directory as NSString).appendingPathComponent("telemetry.sqlite")
        do {
            let earlier = try DatabaseQueue(path: path)
            try StorageSchema.migrator.migrate(earlier, upTo: "v6: spans of a trace by start")
            #expect(try indexes(earlier)["spans_by_id"] == true)
            try earlier.write { db in
                for index in 0..<3 {
                    try db.execute(
                        sql: """
                            INSERT INTO spans (trace_id, span_id, service_name, name, kind, start_unix_nano,
                                end_unix_nano, duration_nano, status_code, received_unix_nano)
                            VALUES (?, ?, 'svc', ?, 1, ?, ?, 1, 0, 1)
                            """,
                        arguments: [
                            Data(repeating: 7, count: 16), Data(repeating: UInt8(index), count: 8), "op\(index)",
                            100 + index, 101 + index,
                        ])
                }
            }
            try earlier.close()
        }
        let database = try TelemetryDatabase(directory: directory)
        let names = try database.pool.read { try String.fetchAll($0, sql: "SELECT name FROM spans ORDER BY name") }
        #expect(names == ["op0", "op1", "op2"])
        #expect(try indexes(database.pool)["spans_by_id"] == nil)
        #expect(try indexes(database.pool)["spans_by_trace_start"] == true)
    }
}

@Suite("WAL checkpoints off the writer's thread")
struct WALCheckpointerTests {
    private func randomSpan(_ index: Int) -> SpanRow {
        .testRow(
            traceID: Data((0..<16).map { _ in UInt8.random(in: 0...255) }),
            spanID: Data((0..<8).map { _ in UInt8.random(in: 0...255) }), start: UInt64(index),
            attributes: "{\"pad\":\"" + String(repeating: "x", count: 600) + "\"}")
    }

    private func fileSize(_ path: String) -> Int {
        ((try? FileManager.default.attributesOfItem(atPath: path)[.size]) as? NSNumber)?.intValue ?? 0
    }

    @Test func theLogIsCopiedByTheCheckpointThreadAndStaysBounded() async throws {
        let database = try TelemetryDatabase(directory: try temporaryDirectory())
        let writer = StorageWriter(database: database, walPages: (checkpoint: 16, restart: 256))
        let checkpointer = try #require(writer.checkpointer)
        let databaseBefore = fileSize(database.path)
        var largestLog = 0
        for batch in 0..<30 {
            try await writer.submit(spans: (0..<200).map { randomSpan(batch * 200 + $0) })
            largestLog = max(largestLog, fileSize(database.path + "-wal"))
        }
        writer.stop()
        #expect(checkpointer.checkpoints > 0)
        // The rows reached the database file, not only the log.
        #expect(fileSize(database.path) > databaseBefore + 2_000_000)
        // Without a restart the log would hold all 30 batches (about 6,000 pages, 24 MB); it
        // starts anew past 256 pages, so it holds at most that plus a batch or two.
        #expect(largestLog < 6_000_000, "largest log \(largestLog) bytes")
        let rows = try await database.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM spans") }
        #expect(rows == 6000)
    }

    @Test func stoppingHandsCheckpointsBackToSQLite() throws {
        let database = try TelemetryDatabase(directory: try temporaryDirectory())
        func automaticCheckpointPages() throws -> Int? {
            try database.pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") }
        }
        #expect(try automaticCheckpointPages() == 8000)
        let writer = StorageWriter(database: database)
        // SQLite reports 0 while another hook than its own is installed.
        #expect(try automaticCheckpointPages() == 0)
        writer.stop()
        #expect(try automaticCheckpointPages() == 8000)
    }
}

@Suite("Storage at shutdown")
struct StorageShutdownTests {
    @Test func aStoppedServerLeavesItsSpansInTheDatabaseFileAndAnEmptyLog() async throws {
        let service = try await startService()
        let port = service.boundAddress.port
        let directory = service.configuration.storagePath
        let body = """
            {"resourceSpans":[{"scopeSpans":[{"spans":[{"traceId":"\(randomTraceID())","spanId":"0000000000000001",
             "name":"kept","kind":2,"startTimeUnixNano":"1000","endTimeUnixNano":"2000"}]}]}]}
            """
        let posted = try await blocking {
            try RawHTTPClient(port: port).send(
                "POST", "/v1/traces", headers: [("Content-Type", "application/json")], body: Array(body.utf8))
        }
        #expect(posted.status == 200)
        await service.stop()
        let path = (directory as NSString).appendingPathComponent("telemetry.sqlite")
        let log = ((try? FileManager.default.attributesOfItem(atPath: path + "-wal")[.size]) as? NSNumber)?.intValue ?? 0
        #expect(log == 0)
        // Read from the database file alone, as a copy of the directory would be.
        let copy = try DatabaseQueue(path: path, configuration: { var c = Configuration(); c.readonly = true; return c }())
        let names = try await copy.read { try String.fetchAll($0, sql: "SELECT name FROM spans") }
        #expect(names == ["kept"])
    }
}
