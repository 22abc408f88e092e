import HTTPServer
import PromQL

/// `/api/v1/query_check?query=…`: whether an expression parses, answered 200 either way with
/// the parser's message and position, so the dashboard's editor can check as the user types
/// without the browser logging every incomplete expression as a failed request.
struct QueryCheckAPI: Sendable {
    func add(to router: inout Router) {
        for method in ["GET", "POST"] {
            router.add(Route(method, "/api/v1/query_check", errorFormatter: APIEnvelope.errorFormatter, handler: .immediate {
                Self.check($0.formParameters.first(where: { $0.name == "query" })?.value ?? "")
            }))
        }
    }

    static func check(_ query: String) -> HTTPResponse {
        do {
            let formatted = try Parser.parse(query).description
            return APIEnvelope.success("{\"valid\":true,\"formatted\":\(APIFormat.string(formatted))}")
        } catch {
            let message = error.formatted(in: query)
            let place = message.split(separator: ":").prefix(2).compactMap { Int($0) }
            return APIEnvelope.success(
                "{\"valid\":false,\"error\":\(APIFormat.string(message)),\"line\":\(place.first ?? 1),"
                    + "\"column\":\(place.count > 1 ? place[1] : 1)}")
        }
    }
}
