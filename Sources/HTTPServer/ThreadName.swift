import CLowLevel

/// Names the calling thread where `top -H`, `perf` and `/proc/<pid>/task/*/comm` show it.
///
/// Foundation's `Thread.name` does not reach the kernel on Linux, so a thread started from a
/// libmicrohttpd callback or a dispatch queue otherwise shows its creator's name
/// (`MHD-worker`, `oot.default-qos`).
public enum ThreadName {
    /// Sets the calling thread's name: its first 15 bytes, the most Linux keeps.
    public static func setCurrent(_ name: String) {
        _ = telemetry_set_thread_name(name)
    }
}
