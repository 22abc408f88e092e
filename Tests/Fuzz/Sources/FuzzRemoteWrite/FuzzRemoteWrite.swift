// libFuzzer harness: Prometheus remote-write bodies through snappy and the hand-written
// `WriteRequest` decoder (label limits, the labels interner). A request that decodes must
// encode and decode again to the same series, and decode the same with and without the
// interner; a snappy round trip must give back its input.
import FuzzDriver
import PromQL
import SnappyCodec
@testable import TelemetryServer

/// Shared across inputs, and small, so entries are found again and the table starts over.
private let interner = LabelsInterner(capacity: 8, maxBytes: 4096)
private let tight = SeriesLabelLimits(maxNames: 4, maxNameBytes: 8, maxValueBytes: 16)

private func same(_ left: WriteRequest, _ right: WriteRequest) -> Bool {
    left.series.count == right.series.count
        && zip(left.series, right.series).allSatisfy { one, other in
            one.labels == other.labels
                && one.samples.map(\.time) == other.samples.map(\.time)
                && one.samples.map(\.value.bitPattern) == other.samples.map(\.value.bitPattern)
        }
}

private func check(_ bytes: [UInt8]) {
    guard let plain = try? WriteRequest(decoding: bytes) else {
        _ = try? WriteRequest(decoding: bytes, interner: interner)
        return
    }
    guard let interned = try? WriteRequest(decoding: bytes, interner: interner), same(plain, interned) else {
        fatalError("decoding with the interner differs from decoding without it")
    }
    guard let again = try? WriteRequest(decoding: plain.encoded()), same(plain, again) else {
        fatalError("a decoded request does not survive encoding and decoding again")
    }
    // Tight limits can only refuse: what they accept is what the defaults accept.
    if let limited = try? WriteRequest(decoding: bytes, limits: tight), !same(limited, plain) {
        fatalError("tight limits changed what was decoded")
    }
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRemoteWrite(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    check(bytes)
    if let inflated = try? Snappy.decompress(bytes, limit: 1 << 16) { check(inflated) }
    guard (try? Snappy.decompress(Snappy.compress(bytes), limit: bytes.count)) == bytes else {
        fatalError("snappy did not give back what it compressed")
    }
    return 0
}

@_cdecl("FuzzRemoteWrite_main")
public func fuzzRemoteWriteMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv) { fuzzRemoteWrite($0, $1) }
}
