import PromQL

/// One series in the history's head: its recent samples in memory as compressed chunks.
struct HeadSeries: Sendable {
    let id: Int64
    let labels: Labels
    /// The chunk being appended to.
    var open = XORChunkAppender()
    /// Chunks cut since the last checkpoint, oldest first, not yet on disk.
    var closed: [XORChunk] = []
    /// Time of the newest sample (`Int64.min` when none).
    var lastTime: Int64 = .min
    /// Value of the newest sample.
    var lastValue: Double = 0
    /// Time of the oldest sample known (on disk or here).
    var firstTime: Int64 = .max
    /// Newest time held in `chunks` on disk (`Int64.min` when none), so reads skip the
    /// database when the head covers the query.
    var diskMaxTime: Int64 = .min
    /// Whether the open chunk changed since the last checkpoint.
    var dirty = false

    init(id: Int64, labels: Labels) {
        self.id = id
        self.labels = labels
    }

    /// Why a sample was not appended.
    enum Refusal {
        /// Older than the newest sample.
        case outOfOrder
        /// Same time as the newest sample with the same value: a resend, ignored.
        case duplicate
        /// Same time as the newest sample with another value.
        case conflicting
    }

    /// Appends `sample` unless it is not newer than the newest one; cuts a new chunk when the
    /// open one is full or the sample falls in the next `chunkRange`-aligned window.
    mutating func append(_ sample: Sample, chunkRange: Int64) -> Refusal? {
        var cut = false
        return append(sample, chunkRange: chunkRange, cut: &cut)
    }

    /// `append`, telling whether a chunk was cut.
    mutating func append(_ sample: Sample, chunkRange: Int64, cut: inout Bool) -> Refusal? {
        if sample.time <= lastTime {
            if sample.time < lastTime { return .outOfOrder }
            return sample.value.bitPattern == lastValue.bitPattern ? .duplicate : .conflicting
        }
        if open.count > 0,
            open.isFull || Self.window(sample.time, chunkRange) != Self.window(open.minTime, chunkRange)
        {
            closed.append(open.chunk)
            open = XORChunkAppender()
            cut = true
        }
        open.append(sample)
        lastTime = sample.time
        lastValue = sample.value
        firstTime = min(firstTime, sample.time)
        dirty = true
        return nil
    }

    /// The chunks in memory overlapping `start...end`, oldest first.
    func chunks(from start: Int64, through end: Int64) -> [XORChunk] {
        var result = closed.filter { $0.maxTime >= start && $0.minTime <= end }
        if open.count > 0, open.lastTime >= start, open.minTime <= end { result.append(open.chunk) }
        return result
    }

    /// Oldest time held in memory (`Int64.max` when nothing is).
    var headMinTime: Int64 {
        closed.first?.minTime ?? (open.count > 0 ? open.minTime : .max)
    }

    private static func window(_ time: Int64, _ range: Int64) -> Int64 {
        time >= 0 ? time / range : (time + 1) / range - 1
    }
}
