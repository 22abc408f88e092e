import Synchronization

/// A `Double` updated without locks: the bit pattern lives in an `Atomic<UInt64>`.
struct AtomicDouble: ~Copyable, Sendable {
    private let bits: Atomic<UInt64>

    init(_ value: Double = 0) {
        bits = Atomic(value.bitPattern)
    }

    func load() -> Double {
        Double(bitPattern: bits.load(ordering: .relaxed))
    }

    func store(_ value: Double) {
        bits.store(value.bitPattern, ordering: .relaxed)
    }

    /// Adds with a compare-and-exchange loop; contention retries, nothing blocks.
    func add(_ delta: Double) {
        var current = bits.load(ordering: .relaxed)
        while true {
            let next = (Double(bitPattern: current) + delta).bitPattern
            let (exchanged, original) = bits.weakCompareExchange(
                expected: current, desired: next, ordering: .relaxed)
            if exchanged { return }
            current = original
        }
    }
}

/// A sum of integer and fractional increments: integers take the single-instruction
/// `wrappingAdd` path, fractions the compare-and-exchange path.
struct AtomicSum: ~Copyable, Sendable {
    private let integer = Atomic<Int64>(0)
    private let fraction = AtomicDouble()

    func add(_ delta: Int64) {
        integer.wrappingAdd(delta, ordering: .relaxed)
    }

    func add(_ delta: Double) {
        fraction.add(delta)
    }

    func load() -> Double {
        Double(integer.load(ordering: .relaxed)) + fraction.load()
    }
}
