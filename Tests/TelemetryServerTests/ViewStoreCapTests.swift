import HTTPServer
@testable import TelemetryServer
import Testing

/// Views were added without end, and each is evaluated at its refresh while a browser is
/// connected. Now a store keeps at most `maxViews` (500 in the server); past that a new view is
/// a 400 from the views API and the others stay.
@Suite("Dashboard views: the cap")
struct ViewStoreCapTests {
    @Test func viewsStopAtTheirCap() async throws {
        let store = try ViewStore(database: nil, writer: nil, defaults: [], maxViews: 3)
        let api = ViewsAPI(views: store, changed: {})
        for index in 0..<3 {
            let created = await api.create(HTTPRequest(method: "POST", path: "/api/v1/views", body: Array(#"{"id":"v\#(index)","expr":"up"}"#.utf8)))
            #expect(created.status == 200)
        }
        let refused = await api.create(HTTPRequest(method: "POST", path: "/api/v1/views", body: Array(#"{"id":"v3","expr":"up"}"#.utf8)))
        #expect(refused.status == 400)
        guard case .bytes(let body) = refused.body else {
            Issue.record("the refusal has no body")
            return
        }
        #expect(String(decoding: body, as: UTF8.self).contains("at most 3 views are kept; delete one first"))
        // A view whose id is taken is still a conflict, full or not.
        let taken = await api.create(HTTPRequest(method: "POST", path: "/api/v1/views", body: Array(#"{"id":"v0","expr":"up"}"#.utf8)))
        #expect(taken.status == 409)
        #expect(store.all.map(\.id) == ["v0", "v1", "v2"])
        await #expect(throws: ViewStore.Full.self) {
            try await store.add(try DashboardView(id: "v4", expr: "up"))
        }
    }
}
