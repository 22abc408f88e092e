extension EventBroadcaster {
    /// The answer to `GET …/events?topics=a,b`: a `text/event-stream` subscribed to the listed
    /// topics (every topic in `known` when none is given), resuming after `Last-Event-ID`
    /// (header, or `lastEventId` parameter). An unknown topic is a 400; past `maxClients`, a
    /// 503 with `Retry-After`.
    public func response(for request: HTTPRequest, knownTopics known: Set<String>) -> HTTPResponse {
        let listed = request.queryValues("topics").flatMap { $0.split(separator: ",") }.map(String.init)
            .filter { !$0.isEmpty }
        if let unknown = listed.first(where: { !known.contains($0) }) {
            return .text("unknown topic \"\(unknown)\"; topics are \(known.sorted().joined(separator: ", "))", status: 400)
        }
        let topics = listed.isEmpty ? known : Set(listed)
        let last = (request.headers["Last-Event-ID"] ?? request.queryValue("lastEventId")).flatMap {
            UInt64($0.trimmingCharacters(of: " "))
        }
        do {
            let stream = try subscribe(topics: topics, lastEventID: last)
            return HTTPResponse(
                status: 200,
                headers: HTTPHeaders([
                    ("Content-Type", "text/event-stream; charset=utf-8"), ("Cache-Control", "no-cache"),
                    ("X-Accel-Buffering", "no"),
                ]),
                body: .stream(stream))
        } catch {
            var response = HTTPResponse.text("too many event stream clients (at most \(maxClients))", status: 503)
            response.headers.set("Retry-After", "5")
            return response
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(of character: Character) -> Substring {
        var value = Substring(self)
        while value.first == character { value = value.dropFirst() }
        while value.last == character { value = value.dropLast() }
        return value
    }
}
