/// Turns `RegexNode`s into `LinearRegex.Instruction`s (Thompson's construction).
struct LinearRegexCompiler {
    private(set) var program: [LinearRegex.Instruction] = []
    private(set) var sets: [ScalarSet] = []
    /// Go's `regexp` refuses programs past a size ("expression too large"); so does this, well
    /// before the matcher's memory (a thread list per instruction) would matter.
    static let maxInstructions = 100_000

    @discardableResult
    mutating func emit(_ instruction: LinearRegex.Instruction) -> Int {
        program.append(instruction)
        return program.count - 1
    }

    mutating func compile(_ node: RegexNode) throws(LinearRegex.Unsupported) {
        guard program.count <= Self.maxInstructions else { throw LinearRegex.Unsupported(reason: "expression too large") }
        switch node {
        case .empty: break
        case .scalar(let value, let foldsCase):
            let variants = foldsCase ? Unicode.Scalar(value).map(LinearRegex.caseVariants) ?? [value] : [value]
            if variants.count <= 2 {
                emit(.scalar(value, variants.last ?? value))
            } else {
                sets.append(ScalarSet(ranges: ScalarSet.normalized(variants.map { $0...$0 })))
                emit(.set(sets.count - 1))
            }
        case .any(let newline): emit(.any(newline: newline))
        case .set(let set):
            sets.append(set)
            emit(.set(sets.count - 1))
        case .group(let inner, let capture):
            if let capture { emit(.save(2 * capture)) }
            try compile(inner)
            if let capture { emit(.save(2 * capture + 1)) }
        case .concat(let items):
            for item in items { try compile(item) }
        case .alternate(let branches):
            var exits: [Int] = []
            for branch in branches.dropLast() {
                let split = emit(.split(0, 0))
                try compile(branch)
                exits.append(emit(.jump(0)))
                program[split] = .split(split + 1, program.count)
            }
            if let last = branches.last { try compile(last) }
            for exit in exits { program[exit] = .jump(program.count) }
        case .repetition(let inner, let min, let max, let greedy):
            for _ in 0..<min { try compile(inner) }
            if let max {
                // Each optional copy is skipped to the end, as (x(x)?)? nests.
                var splits: [Int] = []
                for _ in min..<max {
                    splits.append(emit(.split(0, 0)))
                    try compile(inner)
                }
                let end = program.count
                for split in splits { program[split] = greedy ? .split(split + 1, end) : .split(end, split + 1) }
            } else {
                let loop = emit(.split(0, 0))
                try compile(inner)
                emit(.jump(loop))
                program[loop] = greedy ? .split(loop + 1, program.count) : .split(program.count, loop + 1)
            }
        case .assertion(let assertion): emit(.assert(assertion))
        }
    }
}

extension LinearRegex {
    /// The threads alive at one position, in priority order, with their capture slots.
    private struct ThreadList {
        var counters: [Int] = []
        var slots: [[Int]] = []
        /// `marks[pc] == generation`: `pc` was already added at this position.
        var marks: [Int]
        var generation = 0

        init(programSize: Int) {
            marks = Array(repeating: -1, count: programSize)
        }

        mutating func reset() {
            counters.removeAll(keepingCapacity: true)
            slots.removeAll(keepingCapacity: true)
            generation += 1
        }
    }

    private enum Frame {
        case explore(Int)
        case restore(slot: Int, value: Int)
    }

    /// The capture slots of the preferred whole match of `text`, or nil. Without `captures`,
    /// the slots are not kept (an empty array stands for a match).
    func run(_ text: [Unicode.Scalar], captures: Bool) -> [Int]? {
        var current = ThreadList(programSize: program.count)
        var next = ThreadList(programSize: program.count)
        var stack: [Frame] = []
        var slots = [Int](repeating: -1, count: captures ? 2 * groupCount : 0)
        current.reset()
        add(0, to: &current, slots: &slots, at: 0, in: text, stack: &stack)
        for position in 0...text.count {
            if current.counters.isEmpty { return nil }
            next.reset()
            for index in current.counters.indices {
                let counter = current.counters[index]
                let accepts: Bool
                switch program[counter] {
                case .match:
                    // The first thread to match at the end is the preferred match.
                    if position == text.count { return current.slots[index] }
                    accepts = false
                case .scalar(let one, let other):
                    accepts = position < text.count && (text[position].value == one || text[position].value == other)
                case .any(let newline):
                    accepts = position < text.count && (newline || text[position] != "\n")
                case .set(let set):
                    accepts = position < text.count && sets[set].contains(text[position].value)
                default:
                    accepts = false
                }
                guard accepts else { continue }
                var threadSlots = current.slots[index]
                add(counter + 1, to: &next, slots: &threadSlots, at: position + 1, in: text, stack: &stack)
            }
            swap(&current, &next)
        }
        return nil
    }

    /// Adds the thread at `start` and every thread reachable from it without consuming text,
    /// in priority order, each once per position.
    private func add(
        _ start: Int, to list: inout ThreadList, slots: inout [Int], at position: Int, in text: [Unicode.Scalar],
        stack: inout [Frame]
    ) {
        stack.append(.explore(start))
        while let frame = stack.popLast() {
            switch frame {
            case .restore(let slot, let value):
                slots[slot] = value
            case .explore(let counter):
                guard list.marks[counter] != list.generation else { continue }
                list.marks[counter] = list.generation
                switch program[counter] {
                case .jump(let target):
                    stack.append(.explore(target))
                case .split(let preferred, let other):
                    stack.append(.explore(other))
                    stack.append(.explore(preferred))
                case .save(let slot):
                    if slot < slots.count {
                        stack.append(.restore(slot: slot, value: slots[slot]))
                        slots[slot] = position
                    }
                    stack.append(.explore(counter + 1))
                case .assert(let assertion):
                    if Self.holds(assertion, at: position, in: text) { stack.append(.explore(counter + 1)) }
                default:
                    list.counters.append(counter)
                    list.slots.append(slots)
                }
            }
        }
    }

    private static func holds(_ assertion: Assertion, at position: Int, in text: [Unicode.Scalar]) -> Bool {
        switch assertion {
        case .beginText: return position == 0
        case .endText: return position == text.count
        case .beginLine: return position == 0 || text[position - 1] == "\n"
        case .endLine: return position == text.count || text[position] == "\n"
        case .wordBoundary, .notWordBoundary:
            let before = position > 0 && isWord(text[position - 1])
            let after = position < text.count && isWord(text[position])
            return (before != after) == (assertion == .wordBoundary)
        }
    }

    /// Go's `\b` looks at ASCII word characters only.
    private static func isWord(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar == "_" || scalar.properties.isAlphabetic || ("0"..."9").contains(scalar))
    }
}
