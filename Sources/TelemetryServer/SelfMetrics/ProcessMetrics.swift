import Foundation
import Telemetry

#if canImport(Glibc)
import Glibc
#endif

/// The standard `process_*` metrics, read from `/proc/self` at scrape time.
final class ProcessMetrics: Sendable {
    private let cpuSeconds: Counter
    private let residentBytes: Gauge
    private let virtualBytes: Gauge
    private let openFileDescriptors: Gauge
    private let maxFileDescriptors: Gauge
    private let startTimeSeconds: Gauge

    init(registry: MetricRegistry) throws(MetricError) {
        cpuSeconds = try registry.counter(
            name: "process_cpu_seconds_total", help: "Total user and system CPU time spent in seconds.",
            unit: "seconds")
        residentBytes = try registry.gauge(
            name: "process_resident_memory_bytes", help: "Resident memory size in bytes.", unit: "bytes")
        virtualBytes = try registry.gauge(
            name: "process_virtual_memory_bytes", help: "Virtual memory size in bytes.", unit: "bytes")
        openFileDescriptors = try registry.gauge(name: "process_open_fds", help: "Number of open file descriptors.")
        maxFileDescriptors = try registry.gauge(
            name: "process_max_fds", help: "Maximum number of open file descriptors.")
        startTimeSeconds = try registry.gauge(
            name: "process_start_time_seconds", help: "Start time of the process since unix epoch in seconds.",
            unit: "seconds")
        update()
    }

    /// Refreshes every value; fields that cannot be read keep their last value.
    func update() {
        let ticks = Double(sysconf(Int32(_SC_CLK_TCK)))
        let pageSize = Double(sysconf(Int32(_SC_PAGESIZE)))
        if let stat = ProcessMetrics.statFields() {
            // Fields after the command name, 0-based from field 3 ("state").
            if stat.count > 21, let user = Double(stat[11]), let system = Double(stat[12]) {
                cpuSeconds.advance(to: (user + system) / ticks)
            }
            if stat.count > 21, let virtual = Double(stat[20]), let resident = Double(stat[21]) {
                virtualBytes.set(virtual)
                residentBytes.set(resident * pageSize)
            }
            if stat.count > 19, let started = Double(stat[19]), let boot = ProcessMetrics.bootTime() {
                startTimeSeconds.set(boot + started / ticks)
            }
        }
        if let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd") {
            openFileDescriptors.set(Double(entries.count))
        }
        var limit = rlimit()
        if getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 {
            maxFileDescriptors.set(Double(limit.rlim_cur))
        }
    }

    /// `/proc/self/stat` split after the parenthesised command (which may contain spaces).
    private static func statFields() -> [Substring]? {
        guard let text = try? String(contentsOfFile: "/proc/self/stat", encoding: .utf8),
            let close = text.lastIndex(of: ")")
        else { return nil }
        return text[text.index(after: close)...].split(separator: " ")
    }

    private static func bootTime() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/stat", encoding: .utf8) else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("btime ") {
            return Double(line.dropFirst("btime ".count))
        }
        return nil
    }
}
