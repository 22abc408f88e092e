import Foundation

extension Evaluator {
    /// Functions over a range vector: one output per input series, without its metric name
    /// (but for `last_over_time`).
    mutating func rangeFunction(
        _ function: Function, _ arguments: [Expr], _ values: [Value], at time: Int64
    ) throws(EvaluationError) -> [VectorElement] {
        let matrixIndex = function.name == "quantile_over_time" ? 1 : 0
        guard case .matrix(let input) = values[matrixIndex] else { return [] }
        func scalar(_ index: Int) -> Double {
            guard index < values.count, case .scalar(let value) = values[index] else { return .nan }
            return value
        }
        var inner = arguments[matrixIndex]
        while case .paren(let wrapped) = inner { inner = wrapped }
        let (rangeStart, rangeEnd, rangeSeconds) = window(of: inner, at: time)
        if function.name == "absent_over_time" {
            guard input.isEmpty else { return [] }
            var selectorExpr = inner
            if case .matrix(let selector, _) = inner { selectorExpr = .vector(selector) }
            return [VectorElement(labels: Self.absentLabels(selectorExpr), value: 1)]
        }
        if function.name == "holt_winters" {
            let (smoothing, trend) = (scalar(1), scalar(2))
            guard smoothing > 0, smoothing < 1 else {
                throw EvaluationError(.execution, "invalid smoothing factor. Expected: 0 < sf < 1, got: \(Self.sixDecimals(smoothing))")
            }
            guard trend > 0, trend < 1 else {
                throw EvaluationError(.execution, "invalid trend factor. Expected: 0 < tf < 1, got: \(Self.sixDecimals(trend))")
            }
        }
        var result: [VectorElement] = []
        for series in input {
            let value = try Self.rangeValue(
                function.name, series.samples[...], rangeStart: rangeStart, rangeEnd: rangeEnd, rangeSeconds: rangeSeconds,
                at: time, parameters: (scalar(0), scalar(1), scalar(2)))
            // last_over_time keeps the metric name in Prometheus 2.42; the others drop it.
            let labels = function.name == "last_over_time" ? series.labels : series.labels.droppingMetricName
            if let value { result.append(VectorElement(labels: labels, value: value)) }
        }
        return result
    }

    /// One range function's value over one series' window (`points`, in time order, without
    /// staleness markers); nil when the function has no value for it. `parameters` are the
    /// call's scalar arguments by position.
    static func rangeValue(
        _ name: String, _ points: ArraySlice<Sample>, rangeStart: Int64, rangeEnd: Int64, rangeSeconds: Double,
        at time: Int64, parameters: (Double, Double, Double)
    ) throws(EvaluationError) -> Double? {
        switch name {
        case "rate", "increase", "delta":
            return extrapolatedRate(
                points, rangeStart: rangeStart, rangeEnd: rangeEnd, rangeSeconds: rangeSeconds,
                isCounter: name != "delta", isRate: name == "rate")
        case "irate", "idelta": return instantDelta(points, isRate: name == "irate")
        case "changes":
            return Double(zip(points, points.dropFirst()).filter { previous, current in
                current.value != previous.value && !(current.value.isNaN && previous.value.isNaN)
            }.count)
        case "resets": return Double(zip(points, points.dropFirst()).filter { $1.value < $0.value }.count)
        case "deriv":
            return points.count < 2 ? nil : linearRegression(Array(points), interceptTime: points[points.startIndex].time).slope
        case "predict_linear":
            guard points.count >= 2 else { return nil }
            let (slope, intercept) = linearRegression(Array(points), interceptTime: time)
            return intercept + slope * parameters.1
        case "holt_winters": return holtWinters(Array(points), parameters.1, parameters.2)
        case "avg_over_time": return reduce(.avg, points.map(\.value), nil)
        case "min_over_time": return reduce(.min, points.map(\.value), nil)
        case "max_over_time": return reduce(.max, points.map(\.value), nil)
        case "sum_over_time": return reduce(.sum, points.map(\.value), nil)
        case "count_over_time": return Double(points.count)
        case "stddev_over_time": return variance(points.map(\.value)).squareRoot()
        case "stdvar_over_time": return variance(points.map(\.value))
        case "quantile_over_time": return quantile(parameters.0, points.map(\.value))
        case "last_over_time": return points.last?.value
        case "present_over_time": return 1
        default: throw EvaluationError(.execution, "function \(GoQuote.quote(name)) is not supported")
        }
    }

    /// The window a range argument covers at `time`: its start, end and length in seconds.
    private func window(of expr: Expr, at time: Int64) -> (Int64, Int64, Double) {
        switch expr {
        case .matrix(let selector, let range):
            let end = referenceTime(selector.at, offset: selector.offset, at: time)
            return (end - range.milliseconds, end, range.seconds)
        case .subquery(let subquery):
            let end = referenceTime(subquery.at, offset: subquery.offset, at: time)
            return (end - subquery.range.milliseconds, end, subquery.range.seconds)
        default:
            return (time, time, 0)
        }
    }

    static func sixDecimals(_ value: Double) -> String {
        String(format: "%.6f", value)
    }

    /// `rate`, `increase` and `delta` as Prometheus 2.x computes them: the change over the
    /// samples (counter resets added back for counters), extrapolated towards the window's
    /// edges when the first or last sample is near them, never below zero for counters.
    static func extrapolatedRate(
        _ points: ArraySlice<Sample>, rangeStart: Int64, rangeEnd: Int64, rangeSeconds: Double, isCounter: Bool, isRate: Bool
    ) -> Double? {
        guard points.count >= 2, let first = points.first, let last = points.last else { return nil }
        var result = last.value - first.value
        if isCounter {
            var previous = 0.0
            for point in points {
                if point.value < previous { result += previous }
                previous = point.value
            }
        }
        var durationToStart = Double(first.time - rangeStart) / 1000
        let durationToEnd = Double(rangeEnd - last.time) / 1000
        let sampledInterval = Double(last.time - first.time) / 1000
        let averageBetweenSamples = sampledInterval / Double(points.count - 1)
        if isCounter, result > 0, first.value >= 0 {
            let durationToZero = sampledInterval * (first.value / result)
            if durationToZero < durationToStart { durationToStart = durationToZero }
        }
        let threshold = averageBetweenSamples * 1.1
        var extrapolateTo = sampledInterval
        extrapolateTo += durationToStart < threshold ? durationToStart : averageBetweenSamples / 2
        extrapolateTo += durationToEnd < threshold ? durationToEnd : averageBetweenSamples / 2
        // One factor, as Prometheus 2.x computes it, so results agree to the last bit.
        var factor = extrapolateTo / sampledInterval
        if isRate { factor /= rangeSeconds }
        return result * factor
    }

    /// `irate` and `idelta`: from the last two samples.
    static func instantDelta(_ points: ArraySlice<Sample>, isRate: Bool) -> Double? {
        guard points.count >= 2 else { return nil }
        let last = points[points.endIndex - 1], previous = points[points.endIndex - 2]
        var result = isRate && last.value < previous.value ? last.value : last.value - previous.value
        let interval = last.time - previous.time
        guard interval != 0 else { return nil }
        if isRate { result /= Double(interval) / 1000 }
        return result
    }

    /// Least-squares slope (per second) and intercept at `interceptTime`.
    static func linearRegression(_ points: [Sample], interceptTime: Int64) -> (slope: Double, intercept: Double) {
        let initial = points[0].value
        if points.allSatisfy({ $0.value == initial }) {
            return initial.isInfinite ? (.nan, .nan) : (0, initial)
        }
        var n = 0.0, sumX = 0.0, sumY = 0.0, sumXY = 0.0, sumX2 = 0.0
        for point in points {
            let x = Double(point.time - interceptTime) / 1000
            n += 1
            sumX += x
            sumY += point.value
            sumXY += x * point.value
            sumX2 += x * x
        }
        let covariance = sumXY - sumX * sumY / n
        let variance = sumX2 - sumX * sumX / n
        let slope = covariance / variance
        return (slope, sumY / n - slope * sumX / n)
    }

    /// Double exponential smoothing (`holt_winters`).
    static func holtWinters(_ points: [Sample], _ smoothing: Double, _ trend: Double) -> Double? {
        guard points.count >= 2 else { return nil }
        var s0 = 0.0, s1 = points[0].value, b = points[1].value - points[0].value
        for index in 1..<points.count {
            let x = smoothing * points[index].value
            if index > 1 { b = trend * (s1 - s0) + (1 - trend) * b }
            let y = (1 - smoothing) * (s1 + b)
            (s0, s1) = (s1, x + y)
        }
        return s1
    }
}
