import Foundation
import HTTPServer
import PromQL

/// `/api/v1/views`: list (GET), register (POST), change (PUT `/{id}`) and remove (DELETE
/// `/{id}`) the dashboard's views, in Prometheus's API envelope. A view whose expression does
/// not parse is refused with the parser's message and position.
struct ViewsAPI: Sendable {
    let views: ViewStore
    /// Told when the list changes, so the publisher and browsers pick it up.
    let changed: @Sendable () -> Void

    func add(to router: inout Router) {
        let api = self
        let format = APIEnvelope.errorFormatter
        router.add(Route("GET", "/api/v1/views", errorFormatter: format, handler: .immediate { _ in api.list() }))
        router.add(Route("GET", "/api/v1/views/{id}", errorFormatter: format, handler: .immediate { request in
            guard let view = api.views.view(request.pathParameters["id"] ?? "") else {
                return APIEnvelope.error("not_found", "view \(request.pathParameters["id"] ?? "") not found")
            }
            return APIEnvelope.success(view.json)
        }))
        router.add(Route("POST", "/api/v1/views", errorFormatter: format, handler: .suspending { request in
            await api.create(request)
        }))
        router.add(Route("PUT", "/api/v1/views/{id}", errorFormatter: format, handler: .suspending { request in
            await api.update(request)
        }))
        router.add(Route("DELETE", "/api/v1/views/{id}", errorFormatter: format, handler: .suspending { request in
            await api.delete(request.pathParameters["id"] ?? "")
        }))
    }

    func list() -> HTTPResponse {
        APIEnvelope.success("[" + views.all.map(\.json).joined(separator: ",") + "]")
    }

    func create(_ request: HTTPRequest) async -> HTTPResponse {
        let view: DashboardView
        do {
            view = try DashboardView.decode(request.body, defaultID: Self.newID(from: request.body))
        } catch {
            return APIEnvelope.error("bad_data", "invalid view: \(error.description)")
        }
        do {
            guard try await views.add(view) else {
                var response = APIEnvelope.error("bad_data", "a view with id \"\(view.id)\" exists; use PUT to change it")
                response.status = 409
                return response
            }
        } catch let full as ViewStore.Full {
            return APIEnvelope.error("bad_data", "invalid view: \(full.description)")
        } catch {
            return APIEnvelope.error("internal", "cannot store the view: \(error)")
        }
        changed()
        return APIEnvelope.success(view.json)
    }

    func update(_ request: HTTPRequest) async -> HTTPResponse {
        let id = request.pathParameters["id"] ?? ""
        let view: DashboardView
        do {
            view = try DashboardView.decode(request.body, defaultID: id)
        } catch {
            return APIEnvelope.error("bad_data", "invalid view: \(error.description)")
        }
        guard view.id == id else {
            return APIEnvelope.error("bad_data", "invalid view: id: \"\(view.id)\" does not match the path's \"\(id)\"")
        }
        do {
            guard try await views.replace(view) else { return APIEnvelope.error("not_found", "view \(id) not found") }
        } catch {
            return APIEnvelope.error("internal", "cannot store the view: \(error)")
        }
        changed()
        return APIEnvelope.success(view.json)
    }

    func delete(_ id: String) async -> HTTPResponse {
        do {
            guard try await views.remove(id) else { return APIEnvelope.error("not_found", "view \(id) not found") }
        } catch {
            return APIEnvelope.error("internal", "cannot store the view: \(error)")
        }
        changed()
        return APIEnvelope.success("null")
    }

    /// An id for a view posted without one: its title (or expression) reduced to id
    /// characters, with a random suffix.
    static func newID(from body: [UInt8]) -> String {
        let object = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]
        let source = (object?["title"] as? String) ?? (object?["expr"] as? String) ?? "view"
        var slug = ""
        for scalar in source.lowercased().unicodeScalars {
            if scalar.isASCII, CharacterSet.alphanumerics.contains(scalar) {
                slug.unicodeScalars.append(scalar)
            } else if !slug.isEmpty, slug.last != "-" {
                slug += "-"
            }
            if slug.count >= 40 { break }
        }
        while slug.last == "-" { slug.removeLast() }
        let suffix = String(UInt32.random(in: 0..<UInt32.max), radix: 36)
        return (slug.isEmpty ? "view" : slug) + "-" + suffix
    }
}
