import Foundation
import TestSupport
import Testing

/// A Python receiver peer running in the background: its port (from its first line, "port N"),
/// then its JSON report when it exits.
final class PythonReceiver: @unchecked Sendable {
    // @unchecked: the process and pipe are only touched by the test task that owns this object.
    let process = ChildProcess()
    let output = Pipe()
    private(set) var port = 0

    init(script: String, arguments: [String]) throws {
        let python = try #require(ExternalTool.find("python3"))
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = ["\(PythonPeer.directory)/\(script)"] + arguments
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        var line: [UInt8] = []
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard let first = byte.first, first != UInt8(ascii: "\n") else { break }
            line.append(first)
        }
        let text = String(decoding: line, as: UTF8.self)
        port = try #require(Int(text.dropFirst("port ".count)), "receiver said: \(text)")
    }

    /// Waits for the receiver to exit and returns what it decoded.
    func report() -> Data {
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return data
    }
}
