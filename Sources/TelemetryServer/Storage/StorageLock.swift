import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// An exclusive lock on `<storage.path>/lock`, held while a server or an import uses the
/// directory, so two processes never allocate series ids in the same database (as Prometheus
/// locks its data directory). The kernel releases it when the process dies, `kill -9` too.
final class StorageLock: Sendable {
    /// Why the lock could not be taken.
    struct Busy: Error, CustomStringConvertible {
        let description: String
    }

    private let descriptor: Int32

    init(directory: String) throws(Busy) {
        let path = (directory as NSString).appendingPathComponent("lock")
        let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else {
            throw Busy(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw Busy(description: "storage directory \(directory) is in use by another telemetryd (\(path) is locked)")
        }
        self.descriptor = descriptor
    }

    /// Lets another server take the directory (after a graceful stop).
    func release() {
        flock(descriptor, LOCK_UN)
    }

    deinit {
        close(descriptor)
    }
}
