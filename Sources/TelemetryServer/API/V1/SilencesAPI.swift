import Foundation
import HTTPServer
import PromQL

/// `/api/v1/silences`: create (POST, Alertmanager's silence shape), list (GET) and expire
/// (DELETE `/api/v1/silences/{id}`) silences, in Prometheus's API envelope.
struct SilencesAPI: Sendable {
    let silences: SilenceStore
    var now: @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }

    func add(to router: inout Router) {
        let api = self
        router.add(Route("GET", "/api/v1/silences", handler: .immediate { _ in api.list() }))
        router.add(Route("POST", "/api/v1/silences", handler: .suspending { request in await api.create(request) }))
        router.add(Route("DELETE", "/api/v1/silences/{id}", handler: .suspending { request in
            await api.expire(request.pathParameters["id"] ?? "")
        }))
    }

    func list() -> HTTPResponse {
        let now = now()
        let items = silences.all.map { silence -> String in
            let matchers = silence.matchers.map { matcher in
                "{\"name\":\(APIFormat.string(matcher.name)),\"value\":\(APIFormat.string(matcher.value)),"
                    + "\"isRegex\":\(matcher.kind == .regexMatch || matcher.kind == .regexNoMatch),"
                    + "\"isEqual\":\(matcher.kind == .equal || matcher.kind == .regexMatch)}"
            }
            return "{\"id\":\(APIFormat.string(silence.id)),\"status\":{\"state\":\"\(silence.state(at: now))\"},"
                + "\"matchers\":[\(matchers.joined(separator: ","))],"
                + "\"startsAt\":\"\(OutgoingAlert.timestamp(silence.startsAt, millisecondsAlways: true))\","
                + "\"endsAt\":\"\(OutgoingAlert.timestamp(silence.endsAt, millisecondsAlways: true))\","
                + "\"updatedAt\":\"\(OutgoingAlert.timestamp(silence.updatedAt, millisecondsAlways: true))\","
                + "\"createdBy\":\(APIFormat.string(silence.createdBy)),\"comment\":\(APIFormat.string(silence.comment))}"
        }
        return APIEnvelope.success("[" + items.joined(separator: ",") + "]")
    }

    func create(_ request: HTTPRequest) async -> HTTPResponse {
        let silence: SilenceStore.Silence
        do {
            silence = try parse(request.body)
        } catch {
            return APIEnvelope.error("bad_data", error.message)
        }
        do {
            try await silences.add(silence, at: silence.updatedAt)
        } catch let refusal as SilenceStore.Refusal {
            return APIEnvelope.error("bad_data", refusal.message)
        } catch {
            return APIEnvelope.error("internal", "cannot store the silence: \(error)")
        }
        return APIEnvelope.success("{\"silenceID\":\(APIFormat.string(silence.id))}")
    }

    func expire(_ id: String) async -> HTTPResponse {
        do {
            guard try await silences.expire(id, at: now()) else { return APIEnvelope.error("not_found", "silence \(id) not found") }
        } catch {
            return APIEnvelope.error("internal", "cannot store the silence: \(error)")
        }
        return APIEnvelope.success("null")
    }

    struct Invalid: Error {
        let message: String
    }

    /// Alertmanager's `postableSilence`: `matchers` (`name`, `value`, `isRegex`, `isEqual`),
    /// `startsAt`, `endsAt`, `createdBy`, `comment`.
    private func parse(_ body: [UInt8]) throws(Invalid) -> SilenceStore.Silence {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] else {
            throw Invalid(message: "the body must be a JSON object")
        }
        guard let list = object["matchers"] as? [[String: Any]], !list.isEmpty else {
            throw Invalid(message: "matchers: at least one matcher is required")
        }
        var matchers: [LabelMatcher] = []
        for (index, item) in list.enumerated() {
            guard let name = item["name"] as? String, Labels.isValidName(name) else {
                throw Invalid(message: "matchers[\(index)].name: a valid label name is required")
            }
            guard let value = item["value"] as? String else { throw Invalid(message: "matchers[\(index)].value: is required") }
            let isRegex = item["isRegex"] as? Bool ?? false
            let isEqual = item["isEqual"] as? Bool ?? true
            if isRegex, let problem = RegexCheck.problem(value) {
                throw Invalid(message: "matchers[\(index)].value: error parsing regexp: \(problem)")
            }
            let kind: LabelMatcher.Kind = isRegex ? (isEqual ? .regexMatch : .regexNoMatch) : (isEqual ? .equal : .notEqual)
            matchers.append(LabelMatcher(name: name, kind: kind, value: value))
        }
        let now = now()
        let startsAt = try time(object["startsAt"], field: "startsAt") ?? now
        guard let endsAt = try time(object["endsAt"], field: "endsAt") else { throw Invalid(message: "endsAt: is required") }
        guard endsAt > startsAt else { throw Invalid(message: "endsAt: must be after startsAt") }
        guard endsAt > now else { throw Invalid(message: "endsAt: must be in the future") }
        return SilenceStore.Silence(
            id: UUID().uuidString.lowercased(), matchers: matchers, startsAt: startsAt, endsAt: endsAt,
            createdBy: object["createdBy"] as? String ?? "", comment: object["comment"] as? String ?? "", updatedAt: now)
    }

    private func time(_ value: Any?, field: String) throws(Invalid) -> Int64? {
        guard let text = value as? String else {
            if value == nil { return nil }
            throw Invalid(message: "\(field): want an RFC 3339 time")
        }
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        guard let date = formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text) else {
            throw Invalid(message: "\(field): cannot parse \"\(text)\" as an RFC 3339 time")
        }
        return Int64((date.timeIntervalSince1970 * 1000).rounded())
    }
}
