import Foundation
import HTTPServer
import PromQL

/// `query`, `query_range`, `series`, `labels` and `label/{name}/values` over the metric
/// history, with Prometheus's parameters, limits, errors and JSON.
///
/// PromQL evaluation and series selection run on threads of their own (`queryThreads`), never
/// on the threads that run the other handlers: a query may compute for as long as its timeout
/// allows, and OTLP exports, scrapes and the dashboard must not wait behind it. At most that
/// many queries evaluate at once; the others wait their turn, and the wait counts against their timeout
/// (Prometheus's query queue does the same).
struct PrometheusQueryAPI: Sendable {
    let history: MetricHistory
    var engine: Engine
    var metrics: HistoryMetrics?

    /// The threads PromQL queries evaluate on: two per core, so that a second query can start
    /// while one computes, at a lower priority (nice 10), so that on busy cores ingest, scrapes
    /// and the storage writer come first: a query's time is bounded by its timeout, an
    /// export's answer by nothing but the CPU it gets.
    static let queryThreads = HandlerExecutor(
        threads: 2 * max(1, ProcessInfo.processInfo.activeProcessorCount), name: "promql", niceness: 10)

    func add(to router: inout Router) {
        let api = self
        typealias Endpoint = @Sendable (PrometheusQueryAPI, HTTPRequest) throws(APIParameters.Invalid) -> HTTPResponse
        let endpoints: [(String, [String], Endpoint)] = [
            ("/api/v1/query", ["GET", "POST"], { (api, request) throws(APIParameters.Invalid) in try api.query(request) }),
            ("/api/v1/query_range", ["GET", "POST"], { (api, request) throws(APIParameters.Invalid) in try api.queryRange(request) }),
            // Series selection can compute as long as a query (thousands of `match[]` patterns
            // over every series): on the same threads, under the same timeout.
            ("/api/v1/series", ["GET", "POST"], { (api, request) throws(APIParameters.Invalid) in try api.series(request) }),
            ("/api/v1/labels", ["GET", "POST"], { (api, request) throws(APIParameters.Invalid) in try api.labels(request) }),
            ("/api/v1/label/{name}/values", ["GET"], { (api, request) throws(APIParameters.Invalid) in try api.labelValues(request) }),
        ]
        for (path, methods, endpoint) in endpoints {
            for method in methods {
                router.add(Route(method, path, errorFormatter: APIEnvelope.errorFormatter, handler: .suspending { request in
                    await api.onQueryThreads { api in
                        api.respond { () throws(APIParameters.Invalid) in try endpoint(api, request) }
                    }
                }))
            }
        }
    }

    /// Runs `body` on `queryThreads`, with the time spent waiting for one taken off the
    /// engine's timeout.
    private func onQueryThreads(_ body: @escaping @Sendable (PrometheusQueryAPI) -> HTTPResponse) async -> HTTPResponse {
        let enqueued = ContinuousClock.now
        return await withTaskExecutorPreference(Self.queryThreads) {
            var api = self
            api.engine.timeout -= ContinuousClock.now - enqueued
            return body(api)
        }
    }

    private func respond(_ body: () throws(APIParameters.Invalid) -> HTTPResponse) -> HTTPResponse {
        do {
            return try body()
        } catch {
            return APIEnvelope.error("bad_data", error.message)
        }
    }

    private func observe(_ endpoint: String, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        try? metrics?.queryDuration.labels(endpoint).observe(seconds)
    }

    private static var now: Int64 { Int64(Date().timeIntervalSince1970 * 1000) }

    func query(_ request: HTTPRequest) throws(APIParameters.Invalid) -> HTTPResponse {
        let parameters = APIParameters(request)
        let expr = try parameters.expression()
        let time = try parameters.time("time", default: Self.now)
        let started = ContinuousClock.now
        defer { observe("query", since: started) }
        do {
            return APIEnvelope.success(Self.json(try engine.instant(expr, at: time, source: history)))
        } catch {
            return APIEnvelope.error(error.kind.rawValue, error.message)
        }
    }

    func queryRange(_ request: HTTPRequest) throws(APIParameters.Invalid) -> HTTPResponse {
        let parameters = APIParameters(request)
        let start = try parameters.time("start", default: nil)
        let end = try parameters.time("end", default: nil)
        guard end >= start else {
            return APIEnvelope.error("bad_data", "invalid parameter \"end\": end timestamp must not be before start time")
        }
        let step = try parameters.duration("step")
        guard step > 0 else {
            return APIEnvelope.error(
                "bad_data",
                "invalid parameter \"step\": zero or negative query resolution step widths are not accepted. Try a positive integer")
        }
        guard (end - start) / step <= 11_000 else {
            return APIEnvelope.error(
                "bad_data",
                "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")
        }
        let expr = try parameters.expression(namingParameter: false)
        let started = ContinuousClock.now
        defer { observe("query_range", since: started) }
        do {
            let series = try engine.range(expr, start: start, end: end, step: step, source: history)
            return APIEnvelope.success { out in
                out += "{\"resultType\":\"matrix\",\"result\":".utf8
                Self.writeMatrix(series, to: &out)
                out.append(UInt8(ascii: "}"))
            }
        } catch {
            return APIEnvelope.error(error.kind.rawValue, error.message)
        }
    }

    func series(_ request: HTTPRequest) throws(APIParameters.Invalid) -> HTTPResponse {
        let parameters = APIParameters(request)
        let matchers = try parameters.matchers()
        guard !matchers.isEmpty else { return APIEnvelope.error("bad_data", "no match[] parameter provided") }
        return try matching(matchers, parameters) { found in
            APIEnvelope.success("[" + found.map(APIFormat.labels).joined(separator: ",") + "]")
        }
    }

    func labels(_ request: HTTPRequest) throws(APIParameters.Invalid) -> HTTPResponse {
        let parameters = APIParameters(request)
        return try matching(try parameters.matchers(), parameters) { found in
            let names = Set(found.flatMap { $0.pairs.map(\.name) }).sorted()
            return APIEnvelope.success("[" + names.map(APIFormat.string).joined(separator: ",") + "]")
        }
    }

    func labelValues(_ request: HTTPRequest) throws(APIParameters.Invalid) -> HTTPResponse {
        let name = request.pathParameters["name"] ?? ""
        guard Labels.isValidName(name) else {
            return APIEnvelope.error("bad_data", "invalid label name: \(APIFormat.string(name))")
        }
        let parameters = APIParameters(request)
        return try matching(try parameters.matchers(), parameters) { found in
            let values = Set(found.map { $0[name] }.filter { !$0.isEmpty }).sorted()
            return APIEnvelope.success("[" + values.map(APIFormat.string).joined(separator: ",") + "]")
        }
    }

    /// `answer` for the series matching any of `matchers` (every series when none are given)
    /// within the optional `start` and `end`; the engine's error when its timeout passed first.
    private func matching(
        _ matchers: [[LabelMatcher]], _ parameters: APIParameters, _ answer: ([Labels]) -> HTTPResponse
    ) throws(APIParameters.Invalid) -> HTTPResponse {
        let start = try parameters.time("start", default: Int64.min / 2)
        let end = try parameters.time("end", default: Int64.max / 2)
        let lists = matchers.isEmpty ? [[LabelMatcher(name: Labels.metricName, kind: .regexMatch, value: ".+")]] : matchers
        let found: [Labels]
        do {
            found = try history.series(matching: lists, start: start, end: end, deadline: .now + engine.timeout)
        } catch let error as EvaluationError {
            return APIEnvelope.error(error.kind.rawValue, error.message)
        } catch {
            throw APIParameters.invalid("match[]", "\(error)")
        }
        return answer(found)
    }

    static func json(_ value: QueryValue) -> String {
        switch value {
        case .scalar(let time, let value):
            return "{\"resultType\":\"scalar\",\"result\":[\(APIFormat.timestamp(time)),\(APIFormat.value(value))]}"
        case .string(let time, let value):
            return "{\"resultType\":\"string\",\"result\":[\(APIFormat.timestamp(time)),\(APIFormat.string(value))]}"
        case .vector(let time, let elements):
            let items = elements.map { element in
                "{\"metric\":\(APIFormat.labels(element.labels)),\"value\":[\(APIFormat.timestamp(time)),\(APIFormat.value(element.value))]}"
            }
            return "{\"resultType\":\"vector\",\"result\":[" + items.joined(separator: ",") + "]}"
        case .matrix(let series):
            return "{\"resultType\":\"matrix\",\"result\":" + matrix(series) + "}"
        }
    }

    static func matrix(_ series: [Series]) -> String {
        var out: [UInt8] = []
        writeMatrix(series, to: &out)
        return String(decoding: out, as: UTF8.self)
    }

    /// A matrix's JSON appended to `out`.
    static func writeMatrix(_ series: [Series], to out: inout [UInt8]) {
        out.reserveCapacity(out.count + series.reduce(2) { $0 + 64 + $1.samples.count * 28 })
        out.append(UInt8(ascii: "["))
        for (index, one) in series.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += "{\"metric\":".utf8
            out += APIFormat.labels(one.labels).utf8
            out += ",\"values\":[".utf8
            for (position, sample) in one.samples.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                APIFormat.appendPoint(sample, to: &out)
            }
            out += "]}".utf8
        }
        out.append(UInt8(ascii: "]"))
    }
}
