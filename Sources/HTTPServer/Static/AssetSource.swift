#if canImport(Glibc)
import Glibc
#endif

/// Where static files come from: a folder on disk or a copy built into the binary.
public enum AssetSource: Sendable {
    /// Files under a folder, read on each request (edits show on reload). Symbolic links that
    /// lead out of the folder are refused.
    case directory(String)
    /// Files held in memory, by path relative to the root (`index.html`, `js/app.js`).
    case embedded([String: [UInt8]])

    /// The file at `segments` (already percent-decoded), or nil when it does not exist or the
    /// path tries to leave the root (`..`, `.`, hidden names, separators or NUL in a segment).
    public func load(_ segments: [String]) -> [UInt8]? {
        guard !segments.isEmpty, segments.allSatisfy(Self.isSafe) else { return nil }
        let relative = segments.joined(separator: "/")
        switch self {
        case .embedded(let files):
            return files[relative]
        case .directory(let root):
            return Self.read(relative, under: root)
        }
    }

    /// Paths of every file (for listings such as default views), relative to the root.
    public func files(under folder: String) -> [String] {
        switch self {
        case .embedded(let files):
            return files.keys.filter { $0.hasPrefix(folder + "/") }.sorted()
        case .directory(let root):
            guard let directory = opendir(root + "/" + folder) else { return [] }
            defer { closedir(directory) }
            var names: [String] = []
            while let entry = readdir(directory) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if !name.hasPrefix(".") { names.append(folder + "/" + name) }
            }
            return names.sorted()
        }
    }

    static func isSafe(_ segment: String) -> Bool {
        !segment.isEmpty && !segment.hasPrefix(".")
            && !segment.utf8.contains(where: { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "\\") || $0 == 0 })
    }

    /// Reads `relative` under `root` after resolving symbolic links on both, so a link cannot
    /// lead outside the root.
    private static func read(_ relative: String, under root: String) -> [UInt8]? {
        guard let realRoot = realpath(root, nil) else { return nil }
        defer { free(realRoot) }
        guard let realFile = realpath(root + "/" + relative, nil) else { return nil }
        defer { free(realFile) }
        let rootPath = String(cString: realRoot)
        let filePath = String(cString: realFile)
        guard filePath.hasPrefix(rootPath.hasSuffix("/") ? rootPath : rootPath + "/") else { return nil }
        let descriptor = open(filePath, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else { return nil }
        var bytes = [UInt8](repeating: 0, count: Int(status.st_size))
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress! + offset, $0.count - offset) }
            guard count > 0 else { return nil }
            offset += count
        }
        return bytes
    }
}
