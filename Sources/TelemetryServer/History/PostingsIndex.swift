import PromQL

/// The inverted index: for each label name and value, the ids of the series carrying that
/// pair, ascending. Selection starts from the matchers that need a label to be present.
struct PostingsIndex: Sendable {
    private var postings: [String: [String: [Int64]]] = [:]

    mutating func add(_ id: Int64, _ labels: Labels) {
        for pair in labels.pairs {
            postings[pair.name, default: [:]][pair.value, default: []].append(id)
        }
    }

    mutating func remove(_ id: Int64, _ labels: Labels) {
        for pair in labels.pairs {
            postings[pair.name]?[pair.value]?.removeAll { $0 == id }
            if postings[pair.name]?[pair.value]?.isEmpty == true { postings[pair.name]?[pair.value] = nil }
            if postings[pair.name]?.isEmpty == true { postings[pair.name] = nil }
        }
    }

    /// Ids of the series that may match every matcher: the intersection of the postings of
    /// the matchers an absent label cannot satisfy; nil when every matcher accepts an absent
    /// label (then every series is a candidate). Callers still test each candidate's labels.
    func candidates(_ matchers: [CompiledMatcher]) -> [Int64]? {
        var result: [Int64]?
        for matcher in matchers where !matcher.matches("") {
            var ids: [Int64] = []
            if let exact = matcher.exactValue {
                ids = postings[matcher.name]?[exact] ?? []
            } else if let values = postings[matcher.name] {
                var union = Set<Int64>()
                for (value, list) in values where matcher.matches(value) { union.formUnion(list) }
                ids = union.sorted()
            }
            result = result.map { Self.intersect($0, ids) } ?? ids
            if result?.isEmpty == true { return [] }
        }
        return result
    }

    private static func intersect(_ left: [Int64], _ right: [Int64]) -> [Int64] {
        var result: [Int64] = []
        var i = 0
        var j = 0
        while i < left.count, j < right.count {
            if left[i] == right[j] {
                result.append(left[i])
                i += 1
                j += 1
            } else if left[i] < right[j] {
                i += 1
            } else {
                j += 1
            }
        }
        return result
    }
}
