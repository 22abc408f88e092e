import Foundation
import PromQL

/// Backfill: loads an OpenMetrics file into the metric history, the counterpart of
/// `promtool tsdb create-blocks-from openmetrics` (the same file gives the same samples;
/// timestamps are seconds, as promtool reads them).
///
/// The file is read in a stream. Samples are appended in batches; within a batch each series'
/// samples are put in time order, and a sample older than one already stored for its series
/// is refused and counted, as remote write refuses it. Run it while no `telemetryd` uses the
/// storage directory (the storage lock enforces this).
public enum OpenMetricsImporter {
    /// What an import did.
    public struct Summary: Sendable, Equatable {
        public var samples = 0
        public var series = 0
        public var refused = 0
    }

    /// Why an import failed.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Imports `file` into the history under `storagePath`.
    public static func run(file: String, storagePath: String, batchSize: Int = 200_000) async throws(Failure) -> Summary {
        guard let handle = FileHandle(forReadingAtPath: file) else {
            throw Failure(description: "cannot open \(file): \(String(cString: strerror(errno)))")
        }
        defer { try? handle.close() }
        let storage: HistoryStorage
        do {
            storage = try HistoryStorage.open(storagePath, maxSeries: .max, retention: 0)
        } catch {
            throw Failure(description: "\(error)")
        }
        defer { storage.close() }
        var summary = Summary()
        var batch: [Labels: [Sample]] = [:]
        var inBatch = 0
        var lineNumber = 0
        var ended = false
        var pending: [UInt8] = []
        func flush() async throws(Failure) {
            let ordered = batch.map { (labels: $0.key, samples: $0.value.sorted { $0.time < $1.time }) }
            batch.removeAll(keepingCapacity: true)
            inBatch = 0
            let (result, error) = await storage.history.append(ordered)
            if let error { throw Failure(description: "cannot store samples: \(error.message)") }
            summary.samples += result.accepted
            summary.refused += result.refused + result.duplicates
        }
        while true {
            let chunk: Data
            do {
                chunk = try handle.read(upToCount: 1 << 20) ?? Data()
            } catch {
                throw Failure(description: "cannot read \(file): \(error)")
            }
            if chunk.isEmpty { break }
            pending += chunk
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                lineNumber += 1
                let line = String(decoding: pending[start..<newline], as: UTF8.self)
                start = newline + 1
                if ended { throw Failure(description: "\(file):\(lineNumber): text after # EOF") }
                switch try parse(line, file: file, lineNumber: lineNumber) {
                case .end: ended = true
                case .skip: break
                case .sample(let labels, let sample):
                    batch[labels, default: []].append(sample)
                    inBatch += 1
                    if inBatch >= batchSize { try await flush() }
                }
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty {
            lineNumber += 1
            let line = String(decoding: pending, as: UTF8.self)
            if ended { throw Failure(description: "\(file):\(lineNumber): text after # EOF") }
            if case .end = try parse(line, file: file, lineNumber: lineNumber) { ended = true }
        }
        guard ended else { throw Failure(description: "\(file): no # EOF line: the file is incomplete") }
        try await flush()
        do {
            try await storage.history.checkpoint(now: Int64(Date().timeIntervalSince1970 * 1000))
        } catch {
            throw Failure(description: "cannot store samples: \(error.message)")
        }
        summary.series = storage.history.seriesCount
        return summary
    }

    private static func parse(_ line: String, file: String, lineNumber: Int) throws(Failure) -> OpenMetricsLine {
        do {
            return try OpenMetricsLine.parse(Substring(line))
        } catch {
            throw Failure(description: "\(file):\(lineNumber):\(error.column): \(error.reason)")
        }
    }
}
