import PromQL
@testable import TelemetryServer
import Testing

@Suite("XOR chunks")
struct XORChunkTests {
    private func roundTrip(_ samples: [Sample]) -> [Sample] {
        var appender = XORChunkAppender()
        for sample in samples { appender.append(sample) }
        return appender.chunk.samples
    }

    private func bits(_ samples: [Sample]) -> [String] {
        samples.map { "\($0.time):\(String($0.value.bitPattern, radix: 16))" }
    }

    @Test func everyTimestampBucketAndValueShapeRoundTripsBitForBit() {
        // Deltas-of-deltas at each bucket's edges (14, 17, 20 bits, then 64), negative times,
        // and values whose XOR windows grow and shrink; NaN payloads must survive.
        var samples: [Sample] = []
        var time: Int64 = -1_000_000
        var delta: Int64 = 15_000
        let dods: [Int64] = [0, 1, -1, 8191, -8192, 8192, -8193, 65535, -65536, 65536, 524_287, -524_288, 524_288,
            1 << 40, -(1 << 39), 0, 0]
        let values: [Double] = [0, 1, 1, 2.5, -0.0, .infinity, -.infinity, .nan, Sample.staleMarker, 1e300, 1e-300,
            42, 42.000001, 7, 7, .greatestFiniteMagnitude, 3]
        for (dod, value) in zip(dods, values) {
            delta += dod
            time += max(delta, 1)
            samples.append(Sample(time: time, value: value))
        }
        #expect(bits(roundTrip(samples)) == bits(samples))
    }

    @Test func randomWalksRoundTrip() {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<50 {
            var samples: [Sample] = []
            var time = Int64.random(in: 0...2_000_000_000_000, using: &generator)
            var value = Double.random(in: -1e6...1e6, using: &generator)
            for _ in 0..<XORChunk.capacity {
                time += Int64.random(in: 1...30_000, using: &generator)
                if Bool.random(using: &generator) { value += Double(Int.random(in: 0...100, using: &generator)) }
                samples.append(Sample(time: time, value: value))
            }
            #expect(bits(roundTrip(samples)) == bits(samples))
        }
    }

    @Test func regularSamplesCostBitsNotBytes() {
        func bytesPerSample(_ value: (Int) -> Double) -> Double {
            var appender = XORChunkAppender()
            for index in 0..<XORChunk.capacity {
                appender.append(Sample(time: 1_700_000_000_000 + Int64(index) * 15_000, value: value(index)))
            }
            #expect(appender.chunk.count == XORChunk.capacity)
            return Double(appender.chunk.bytes.count) / Double(XORChunk.capacity)
        }
        // A constant at a regular interval: one bit for the time, one for the value.
        #expect(bytesPerSample { _ in 42 } <= 0.4)
        // A counter growing by small integers.
        #expect(bytesPerSample { 1000 + Double($0 * 3 + $0 % 7) } < 2)
    }

    @Test func decodingARangeAndDamagedBytesStaysInBounds() {
        var appender = XORChunkAppender()
        for index in 0..<10 { appender.append(Sample(time: Int64(index) * 1000, value: Double(index))) }
        let chunk = appender.chunk
        var some: [Sample] = []
        chunk.decode(into: &some, from: 2500, through: 5000)
        #expect(some.map(\.time) == [3000, 4000, 5000])
        // A chunk cut short decodes what is there and stops.
        let truncated = XORChunk(bytes: Array(chunk.bytes.prefix(12)), minTime: chunk.minTime, maxTime: chunk.maxTime)
        #expect(truncated.samples.count < 10)
        #expect(truncated.samples.first == Sample(time: 0, value: 0))
    }
}
