import Foundation

extension Evaluator {
    mutating func evaluateCall(_ function: Function, _ arguments: [Expr], at time: Int64) throws(EvaluationError) -> Value {
        guard function.isSupported else {
            throw EvaluationError(.execution, "function \(GoQuote.quote(function.name)) is not supported (native histograms)")
        }
        var values: [Value] = []
        for argument in arguments { values.append(try evaluate(argument, at: time)) }
        func vector(_ index: Int) -> [VectorElement] {
            if case .vector(let elements) = values[index] { return elements }
            return []
        }
        func scalar(_ index: Int) -> Double {
            if case .scalar(let value) = values[index] { return value }
            return .nan
        }
        func string(_ index: Int) -> String {
            if case .string(let value) = values[index] { return value }
            return ""
        }
        if function.argumentTypes.first == .matrix || function.name == "quantile_over_time" || function.name == "holt_winters"
            || function.name == "predict_linear"
        {
            return .vector(try rangeFunction(function, arguments, values, at: time))
        }
        let seconds = Double(time) / 1000
        switch function.name {
        case "time": return .scalar(seconds)
        case "pi": return .scalar(Double.pi)
        case "vector": return .vector([VectorElement(labels: Labels([(String, String)]()), value: scalar(0))])
        case "scalar":
            let elements = vector(0)
            return .scalar(elements.count == 1 ? elements[0].value : .nan)
        case "absent":
            guard vector(0).isEmpty else { return .vector([]) }
            return .vector([VectorElement(labels: Self.absentLabels(arguments[0]), value: 1)])
        case "sort", "sort_desc":
            let descending = function.name == "sort_desc"
            return .vector(vector(0).sorted { left, right in
                if left.value.isNaN { return false }
                if right.value.isNaN { return true }
                return descending ? left.value > right.value : left.value < right.value
            })
        case "label_replace": return .vector(try labelReplace(vector(0), string(1), string(2), string(3), string(4)))
        case "label_join":
            return .vector(try labelJoin(vector(0), string(1), string(2), (3..<values.count).map(string)))
        case "histogram_quantile": return .vector(HistogramQuantile.evaluate(scalar(0), vector(1)))
        case "timestamp": return .vector(try timestamps(arguments[0], at: time))
        case "clamp":
            // Prometheus returns nothing when the bounds are crossed.
            if scalar(2) < scalar(1) { return .vector([]) }
            return .vector(Self.map(vector(0)) { Self.clamp($0, scalar(1), scalar(2)) })
        case "clamp_min": return .vector(Self.map(vector(0)) { Swift.max($0, scalar(1)) })
        case "clamp_max": return .vector(Self.map(vector(0)) { Swift.min($0, scalar(1)) })
        case "round":
            let to = values.count > 1 ? scalar(1) : 1
            return .vector(Self.map(vector(0)) { Foundation.floor($0 * (1 / to) + 0.5) / (1 / to) })
        case "day_of_month", "day_of_week", "day_of_year", "days_in_month", "hour", "minute", "month", "year":
            let input = values.isEmpty ? [VectorElement(labels: Labels([(String, String)]()), value: seconds)] : vector(0)
            return .vector(Self.map(input) { DateFunctions.apply(function.name, seconds: $0) })
        default:
            guard let transform = SimpleFunctions.all[function.name] else {
                throw EvaluationError(.execution, "function \(GoQuote.quote(function.name)) is not supported")
            }
            return .vector(Self.map(vector(0), transform))
        }
    }

    /// Applies `transform` to every value, dropping the metric name.
    static func map(_ elements: [VectorElement], _ transform: (Double) -> Double) -> [VectorElement] {
        elements.map { VectorElement(labels: $0.labels.droppingMetricName, value: transform($0.value)) }
    }

    static func clamp(_ value: Double, _ low: Double, _ high: Double) -> Double {
        guard low <= high else { return .nan }
        return Swift.max(low, Swift.min(high, value))
    }


    /// `absent`'s labels: those of the selector's equality matchers (not `__name__`).
    static func absentLabels(_ expr: Expr) -> Labels {
        guard case .vector(let selector) = expr else { return Labels([(String, String)]()) }
        var pairs: [(String, String)] = []
        var seen: Set<String> = []
        for matcher in selector.matchers where matcher.kind == .equal && matcher.name != Labels.metricName {
            // A label matched twice with `=` is ambiguous and left out.
            if seen.contains(matcher.name) {
                pairs.removeAll { $0.0 == matcher.name }
            } else {
                pairs.append((matcher.name, matcher.value))
            }
            seen.insert(matcher.name)
        }
        return Labels(pairs)
    }

    /// `timestamp(v)`: the time of each sample (for a selector, the sample's own time).
    private mutating func timestamps(_ expr: Expr, at time: Int64) throws(EvaluationError) -> [VectorElement] {
        var inner = expr
        while case .paren(let wrapped) = inner { inner = wrapped }
        guard case .vector(let selector) = inner else {
            guard case .vector(let elements) = try evaluate(expr, at: time) else { return [] }
            return elements.map { VectorElement(labels: $0.labels.droppingMetricName, value: Double(time) / 1000) }
        }
        let reference = referenceTime(selector.at, offset: selector.offset, at: time)
        let all = try series(selector, from: reference - engine.lookbackDelta, through: reference)
        return all.compactMap { one in
            let index = Self.lastIndex(in: one.samples, atOrBefore: reference)
            guard index >= 0, one.samples[index].time >= reference - engine.lookbackDelta,
                !Sample.isStaleMarker(one.samples[index].value)
            else { return nil }
            return VectorElement(labels: one.labels.droppingMetricName, value: Double(one.samples[index].time) / 1000)
        }
    }

    private func labelReplace(
        _ elements: [VectorElement], _ destination: String, _ replacement: String, _ source: String, _ pattern: String
    ) throws(EvaluationError) -> [VectorElement] {
        let regex: Regex<AnyRegexOutput>
        do {
            regex = try Regex("^(?:\(pattern))$")
        } catch {
            throw EvaluationError(.execution, "invalid regular expression in label_replace(): \(pattern)")
        }
        guard Self.isValidLabelName(destination) else {
            throw EvaluationError(.execution, "invalid destination label name in label_replace(): \(destination)")
        }
        // Matched in linear time where the pattern allows (`LinearRegex`), with Swift's `Regex`
        // (which backtracks) only for syntax it does not implement.
        let linear = try? LinearRegex(pattern)
        var result: [VectorElement] = []
        var seen: Set<Labels> = []
        for element in elements {
            var labels = element.labels
            let value = element.labels[source]
            if let replaced = Self.replace(value, linear: linear, regex: regex, with: replacement) {
                labels = labels.setting(destination, replaced)
            }
            guard seen.insert(labels).inserted else {
                throw EvaluationError(.execution, "vector cannot contain metrics with the same labelset")
            }
            result.append(VectorElement(labels: labels, value: element.value))
        }
        return result
    }

    /// `replacement` expanded with the groups of a whole match of `value`, or nil when `value`
    /// does not match.
    private static func replace(
        _ value: String, linear: LinearRegex?, regex: Regex<AnyRegexOutput>, with replacement: String
    ) -> String? {
        if let linear {
            guard let groups = linear.wholeMatchGroups(value) else { return nil }
            return expand(replacement) { name in
                guard let index = Int(name) ?? linear.groupNames[String(name)], index < groups.count,
                    let range = groups[index]
                else { return nil }
                let scalars = value.unicodeScalars
                let start = scalars.index(scalars.startIndex, offsetBy: range.lowerBound)
                return String(scalars[start..<scalars.index(start, offsetBy: range.count)])
            }
        }
        guard let match = try? regex.wholeMatch(in: value) else { return nil }
        return expand(replacement) { name in
            if let number = Int(name) { return number < match.output.count ? match.output[number].substring.map(String.init) : nil }
            return match.output[String(name)]?.substring.map(String.init)
        }
    }

    /// Replaces `$1`, `${1}` and `$name` in `template` with the groups `group` finds by number
    /// or name, as Go's `Regexp.Expand` does (unknown groups become empty).
    static func expand(_ template: String, group: (Substring) -> String?) -> String {
        var output = ""
        var rest = Substring(template)
        while let dollar = rest.firstIndex(of: "$") {
            output += rest[..<dollar]
            rest = rest[rest.index(after: dollar)...]
            if rest.first == "$" {
                output += "$"
                rest = rest.dropFirst()
                continue
            }
            var name: Substring
            if rest.first == "{", let close = rest.firstIndex(of: "}") {
                name = rest[rest.index(after: rest.startIndex)..<close]
                rest = rest[rest.index(after: close)...]
            } else {
                name = rest.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                rest = rest.dropFirst(name.count)
            }
            guard !name.isEmpty else {
                output += "$"
                continue
            }
            output += group(name) ?? ""
        }
        return output + rest
    }

    private func labelJoin(
        _ elements: [VectorElement], _ destination: String, _ separator: String, _ sources: [String]
    ) throws(EvaluationError) -> [VectorElement] {
        guard Self.isValidLabelName(destination) else {
            throw EvaluationError(.execution, "invalid destination label name in label_join(): \(destination)")
        }
        var seen: Set<Labels> = []
        var result: [VectorElement] = []
        for element in elements {
            let joined = sources.map { element.labels[$0] }.joined(separator: separator)
            let labels = element.labels.setting(destination, joined)
            guard seen.insert(labels).inserted else {
                throw EvaluationError(.execution, "vector cannot contain metrics with the same labelset")
            }
            result.append(VectorElement(labels: labels, value: element.value))
        }
        return result
    }
}

/// The functions that map each value on its own.
enum SimpleFunctions {
    static let all: [String: @Sendable (Double) -> Double] = [
        "abs": { Swift.abs($0) }, "ceil": { Foundation.ceil($0) }, "floor": { Foundation.floor($0) },
        "exp": { Foundation.exp($0) }, "sqrt": { $0.squareRoot() }, "ln": { Foundation.log($0) },
        "log2": { Foundation.log2($0) }, "log10": { Foundation.log10($0) },
        "sgn": { $0 > 0 ? 1 : ($0 < 0 ? -1 : $0) },
        "acos": { Foundation.acos($0) }, "acosh": { Foundation.acosh($0) }, "asin": { Foundation.asin($0) },
        "asinh": { Foundation.asinh($0) }, "atan": { Foundation.atan($0) }, "atanh": { Foundation.atanh($0) },
        "cos": { Foundation.cos($0) }, "cosh": { Foundation.cosh($0) }, "sin": { Foundation.sin($0) },
        "sinh": { Foundation.sinh($0) }, "tan": { Foundation.tan($0) }, "tanh": { Foundation.tanh($0) },
        "deg": { $0 * 180 / Double.pi }, "rad": { $0 * Double.pi / 180 },
    ]
}
