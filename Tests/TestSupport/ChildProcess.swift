import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, with the part of Foundation's `Process` API the
/// tests use.
///
/// Foundation's `Process.run()` on Linux (swift-corelibs-foundation up to Swift 6.3) reads
/// `/proc/self/fd` with a 256-byte copy of each directory entry, which reads past glibc's buffer
/// and crashes now and then in a process with many open descriptors, as a test process is
/// (swift-corelibs-foundation pull request 5472). This spawns directly and closes every
/// descriptor above 2 in the child with `posix_spawn_file_actions_addclosefrom_np`.
public final class ChildProcess: @unchecked Sendable {
    // @unchecked: the settings are written before `run()` by the one test that owns the child;
    // the exit status is guarded by `condition`.
    /// How a child ended.
    public enum TerminationReason: Sendable {
        case exit
        case uncaughtSignal
    }

    public var executableURL: URL?
    public var arguments: [String]?
    /// The child's environment; nil inherits this process's.
    public var environment: [String: String]?
    public var currentDirectoryURL: URL?
    /// A `Pipe` or a `FileHandle`; nil inherits this process's.
    public var standardInput: Any?
    public var standardOutput: Any?
    public var standardError: Any?
    public private(set) var processIdentifier: Int32 = 0

    private let condition = NSCondition()
    private var status: Int32?

    public init() {}

    /// Starts the child.
    public func run() throws {
        guard let path = executableURL?.path else { throw SpawnError(description: "no executable") }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        let streams: [(Any?, Int32, Bool)] = [(standardInput, 0, true), (standardOutput, 1, false), (standardError, 2, false)]
        for (stream, target, isInput) in streams {
            let source: Int32?
            switch stream {
            case let pipe as Pipe:
                source = isInput ? pipe.fileHandleForReading.fileDescriptor : pipe.fileHandleForWriting.fileDescriptor
            case let handle as FileHandle: source = handle.fileDescriptor
            default: source = nil
            }
            if let source, source != target { posix_spawn_file_actions_adddup2(&actions, source, target) }
        }
        guard let closeFrom = Self.closeFrom, let changeDirectory = Self.changeDirectory else {
            throw SpawnError(description: "glibc without posix_spawn_file_actions_addclosefrom_np (2.34+)")
        }
        _ = closeFrom(&actions, 3)
        if let directory = currentDirectoryURL?.path { _ = changeDirectory(&actions, directory) }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        // Its own process group, as Foundation does: a Ctrl-C on the test run does not reach it.
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETPGROUP))
        let argv = ([path] + (arguments ?? [])).map { strdup($0) } + [nil]
        let environmentPairs = (environment ?? ProcessInfo.processInfo.environment).map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in environmentPairs { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, path, &actions, &attributes, argv, environmentPairs)
        guard result == 0 else {
            throw SpawnError(description: "cannot start \(path): \(String(cString: strerror(result)))")
        }
        processIdentifier = pid
        let child = pid
        // Our copies of the child's pipe ends: without closing them, reading the other end
        // would never see end of file.
        if let pipe = standardInput as? Pipe { try? pipe.fileHandleForReading.close() }
        if let pipe = standardOutput as? Pipe { try? pipe.fileHandleForWriting.close() }
        if let pipe = standardError as? Pipe { try? pipe.fileHandleForWriting.close() }
        let reaper = Thread { [self] in
            var raw: Int32 = 0
            while waitpid(child, &raw, 0) == -1 && errno == EINTR {}
            condition.lock()
            status = raw
            condition.broadcast()
            condition.unlock()
        }
        reaper.start()
    }

    /// Whether the child has not exited yet.
    public var isRunning: Bool {
        condition.lock()
        defer { condition.unlock() }
        return processIdentifier != 0 && status == nil
    }

    /// Sends SIGTERM.
    public func terminate() {
        if processIdentifier != 0 { kill(processIdentifier, SIGTERM) }
    }

    /// Sends SIGINT.
    public func interrupt() {
        if processIdentifier != 0 { kill(processIdentifier, SIGINT) }
    }

    /// Blocks until the child has exited.
    public func waitUntilExit() {
        condition.lock()
        while status == nil { condition.wait() }
        condition.unlock()
    }

    /// The exit code, or the signal that ended the child.
    public var terminationStatus: Int32 {
        let raw = exitStatus
        return raw & 0x7F == 0 ? (raw >> 8) & 0xFF : raw & 0x7F
    }

    /// Whether the child exited or was killed by a signal.
    public var terminationReason: TerminationReason {
        exitStatus & 0x7F == 0 ? .exit : .uncaughtSignal
    }

    private var exitStatus: Int32 {
        condition.lock()
        defer { condition.unlock() }
        return status ?? 0
    }

    // The GNU extensions are declared only under _GNU_SOURCE, which Swift's Glibc module does
    // not set: look them up in the C library instead.
    private typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private typealias ChangeDirectory = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, UnsafePointer<CChar>) -> Int32
    private static let closeFrom = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: CloseFrom.self) }
    private static let changeDirectory = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np")
        .map { unsafeBitCast($0, to: ChangeDirectory.self) }

    /// Why a child could not be started.
    public struct SpawnError: Error, CustomStringConvertible {
        public let description: String
    }
}
