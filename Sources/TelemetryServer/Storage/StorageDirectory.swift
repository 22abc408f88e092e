import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Creates the storage directory and explains in plain words why it cannot be used: which
/// part of the path is in the way and what is wrong with it.
enum StorageDirectory {
    /// Why `path` cannot hold the database.
    struct Problem: Error, CustomStringConvertible {
        let description: String
    }

    /// Creates `path` (and missing parents) and checks it is a writable directory.
    static func prepare(_ path: String) throws(Problem) {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else {
                throw Problem(description: "storage path \(path) is a file, not a directory")
            }
        } else {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
            } catch {
                throw Problem(description: "cannot create storage directory \(path): \(reason(creating: path))")
            }
        }
        guard access(path, W_OK | X_OK) == 0 else {
            throw Problem(description: "storage directory \(path) is not writable by this user (\(String(cString: strerror(errno))))")
        }
    }

    /// Walks up to the nearest part of `path` that exists and says why nothing can be created
    /// below it.
    static func reason(creating path: String) -> String {
        var ancestor = (path as NSString).deletingLastPathComponent
        while !ancestor.isEmpty, ancestor != "/", !FileManager.default.fileExists(atPath: ancestor) {
            ancestor = (ancestor as NSString).deletingLastPathComponent
        }
        if ancestor.isEmpty { ancestor = "." }
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: ancestor, isDirectory: &isDirectory), !isDirectory.boolValue {
            return "\(ancestor) is a file, not a directory"
        }
        if access(ancestor, W_OK | X_OK) != 0 {
            return "no permission to create anything in \(ancestor)"
        }
        if mkdir(path, 0o755) != 0 {
            return String(cString: strerror(errno))
        }
        return "unknown error"
    }
}
