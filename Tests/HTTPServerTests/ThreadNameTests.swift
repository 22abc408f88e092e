import Foundation
import HTTPServer
import Testing

@Suite("Thread names")
struct ThreadNameTests {
    /// What the kernel calls the calling thread.
    private static func kernelName() -> String? {
        (try? String(contentsOfFile: "/proc/thread-self/comm", encoding: .utf8))?
            .trimmingCharacters(in: .newlines)
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: "/proc/thread-self/comm")))
    func theKernelSeesTheNameCutTo15Bytes() async {
        let names: (short: String?, long: String?) = await withCheckedContinuation { continuation in
            Thread {
                ThreadName.setCurrent("storage-writer")
                let short = Self.kernelName()
                ThreadName.setCurrent("a-name-longer-than-fifteen-bytes")
                continuation.resume(returning: (short, Self.kernelName()))
            }.start()
        }
        #expect(names.short == "storage-writer")
        #expect(names.long == "a-name-longer-t")
    }
}
