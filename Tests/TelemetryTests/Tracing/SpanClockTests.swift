import Foundation
import Synchronization
import Testing

@testable import Telemetry

@Suite("Span clock")
struct SpanClockTests {
    /// What the kernel keeps time with (`tsc`, `kvm-clock`, ...), or nil where it does not say.
    private static var kernelClockSource: String? {
        (try? String(contentsOfFile: "/sys/devices/system/clocksource/clocksource0/current_clocksource", encoding: .utf8))?
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("the counter is used exactly where the kernel keeps time with it")
    func usesTheCounterWhereTheKernelDoes() {
        _ = SpanClock.nanoseconds()
        #if arch(x86_64) && os(Linux)
        #expect(SpanClock.usesCounter == (Self.kernelClockSource == "tsc"))
        #else
        #expect(!SpanClock.usesCounter)
        #endif
    }

    @Test("every read on every thread lies between system clock reads around it, across anchor renewals")
    func readsAgreeWithTheSystemClock() async {
        // Each thread runs for several anchor windows (27 ms at 2.5 GHz), through its first
        // calibration and renewals.
        let threads = 4
        let worst = Atomic<UInt64>(0)
        let reads = Atomic<Int>(0)
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let finished = DispatchGroup()
            for _ in 0..<threads {
                finished.enter()
                Thread {
                    let end = WallClock.nanoseconds() + 150_000_000
                    var count = 0
                    var deviation: UInt64 = 0
                    while true {
                        let before = WallClock.nanoseconds()
                        let value = SpanClock.nanoseconds()
                        let after = WallClock.nanoseconds()
                        if value < before {
                            deviation = max(deviation, before - value)
                        } else if value > after {
                            deviation = max(deviation, value - after)
                        }
                        count += 1
                        if after > end { break }
                    }
                    worst.max(deviation, ordering: .relaxed)
                    reads.add(count, ordering: .relaxed)
                    finished.leave()
                }.start()
            }
            DispatchQueue.global().async {
                finished.wait()
                continuation.resume()
            }
        }
        #expect(reads.load(ordering: .relaxed) > threads * 1_000)
        // An extrapolation is off by the rate's error over at most one window: well under this.
        #expect(worst.load(ordering: .relaxed) <= 100_000, "a read was \(worst.load(ordering: .relaxed)) ns off")
    }

    @Test("a span's start and end come from it, between system clock reads around them")
    func spanTimesComeFromIt() throws {
        let provider = TracerProvider(sampler: AlwaysOnSampler(), processors: [])
        let tracer = provider.tracer("clock")
        let before = WallClock.nanoseconds()
        let span = tracer.startSpan("timed", parent: nil)
        usleep(2_000)
        span.end()
        let after = WallClock.nanoseconds()
        let data = try #require(span.recordedData)
        #expect(data.startTime + 100_000 >= before && data.startTime <= after)
        #expect(data.endTime <= after + 100_000 && data.endTime >= data.startTime + 1_500_000)
    }

    @Test("the rate follows the wall clock, or the raw clock when the wall clock was stepped")
    func rateFromTwoAnchors() {
        // 10,000,000 ticks in 4 ms: 0.4 ns per tick, in 32.32 fixed point.
        let ticks: UInt64 = 10_000_000
        #expect(SpanClock.rate(ticks: ticks, wallNanoseconds: 4_000_000, rawNanoseconds: 4_000_000) == (4_000_000 << 32) / ticks)
        // A slewed wall clock (50 ppm) is followed.
        #expect(SpanClock.rate(ticks: ticks, wallNanoseconds: 4_000_200, rawNanoseconds: 4_000_000) == (4_000_200 << 32) / ticks)
        // Stepped forward by a second, or back (the difference wraps): the raw clock's rate.
        #expect(SpanClock.rate(ticks: ticks, wallNanoseconds: 1_004_000_000, rawNanoseconds: 4_000_000) == (4_000_000 << 32) / ticks)
        #expect(SpanClock.rate(ticks: ticks, wallNanoseconds: 4_000_000 &- 2_000_000_000, rawNanoseconds: 4_000_000) == (4_000_000 << 32) / ticks)
        // Not a counter between 100 MHz and 10 GHz, or nothing measured.
        #expect(SpanClock.rate(ticks: 10, wallNanoseconds: 4_000_000, rawNanoseconds: 4_000_000) == 0)
        #expect(SpanClock.rate(ticks: ticks * 1_000, wallNanoseconds: 4_000, rawNanoseconds: 4_000) == 0)
        #expect(SpanClock.rate(ticks: 0, wallNanoseconds: 4_000_000, rawNanoseconds: 4_000_000) == 0)
    }
}
