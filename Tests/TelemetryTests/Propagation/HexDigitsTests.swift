import Testing

@testable import Telemetry

/// The eight-digits-per-step hex routines agree with the digit-by-digit ones on every byte
/// value in every position, and traceparent headers round-trip through them.
@Suite("Hex digits")
struct HexDigitsTests {
    private static func parse16(_ text: [UInt8]) -> UInt64? {
        text.withUnsafeBufferPointer { HexDigits.parse16($0, at: 0) }
    }

    @Test func everyByteInEveryPositionIsJudgedAsDigitByDigit() {
        let valid = Array("0123456789abcdef".utf8)
        for position in 0..<16 {
            for byte in UInt8.min...UInt8.max {
                var text = Array(valid)
                text[position] = byte
                let expected = HexDigits.parse(text)
                #expect(Self.parse16(text) == expected, "byte \(byte) at \(position)")
            }
        }
        #expect(Self.parse16(valid) == 0x0123_4567_89AB_CDEF)
        #expect(Self.parse16(Array("ffffffffffffffff".utf8)) == UInt64.max)
        #expect(Self.parse16(Array("0000000000000000".utf8)) == 0)
    }

    @Test func writingMatchesDigitByDigitAndParsesBack() {
        var values: [UInt64] = [0, 1, 9, 10, 15, 16, 0xFFFF_FFFF, 0x1_0000_0000, UInt64.max, 0x0123_4567_89AB_CDEF]
        for _ in 0..<1000 { values.append(UInt64.random(in: .min ... .max)) }
        for value in values {
            var fast = [UInt8](repeating: 0, count: 20)
            var slow = fast
            fast.withUnsafeMutableBufferPointer { HexDigits.write16(value, into: $0, at: 2) }
            slow.withUnsafeMutableBufferPointer { HexDigits.write(value, digits: 16, into: $0, at: 2) }
            #expect(fast == slow, "\(value)")
            #expect(fast.withUnsafeBufferPointer { HexDigits.parse16($0, at: 2) } == value)
        }
    }

    @Test func traceparentRoundTrips() {
        for _ in 0..<1000 {
            let context = SpanContext(traceID: .random(), spanID: .random(), traceFlags: Bool.random() ? .sampled : [])
            let header = TraceContextPropagator.header(for: context)
            #expect(header == "00-\(context.traceID.hex)-\(context.spanID.hex)-0\(context.isSampled ? 1 : 0)")
            let parsed = TraceContextPropagator.parse(traceparent: header)
            #expect(parsed?.0 == context.traceID && parsed?.1 == context.spanID && parsed?.2 == context.traceFlags)
        }
    }
}
