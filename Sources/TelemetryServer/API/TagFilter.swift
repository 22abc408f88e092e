import Foundation
import HTTPServer

/// The `tags` parameter of trace search, in the forms Jaeger accepts: a JSON object
/// (`{"http.route":"/a b","error":true}`) or logfmt pairs separated by spaces, with values
/// quoted when they hold spaces (`k=v k2="a value" k3="say \"hi\""`). The parameter may repeat.
enum TagFilter {
    /// Most pairs in one search; each adds two subqueries.
    static let maxTags = 32

    static func parse(_ values: [String]) throws(HTTPError) -> [(key: String, value: String)] {
        var tags: [(key: String, value: String)] = []
        for value in values {
            let trimmed = value.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix("{") {
                tags += try json(trimmed)
            } else {
                tags += try logfmt(trimmed)
            }
            guard tags.count <= maxTags else {
                throw HTTPError(status: 400, message: "tags: at most \(maxTags) key=value pairs, got more")
            }
        }
        return tags
    }

    /// One JSON value of the object form, read as the text stored attributes are compared with.
    private struct JSONTagValue: Decodable {
        let text: String

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let bool = try? container.decode(Bool.self) {
                text = bool ? "true" : "false"
            } else if let int = try? container.decode(Int64.self) {
                text = String(int)
            } else if let double = try? container.decode(Double.self) {
                text = String(double)
            } else {
                text = try container.decode(String.self)
            }
        }
    }

    private static func json(_ text: String) throws(HTTPError) -> [(key: String, value: String)] {
        guard let object = try? JSONDecoder().decode([String: JSONTagValue].self, from: Data(text.utf8)) else {
            throw HTTPError(
                status: 400, message: "tags: want a JSON object of strings, numbers or booleans, got \"\(text.prefix(200))\"")
        }
        guard object.count <= maxTags else {
            throw HTTPError(status: 400, message: "tags: at most \(maxTags) key=value pairs, got \(object.count)")
        }
        return object.keys.sorted().map { ($0, object[$0]?.text ?? "") }
    }

    private static func logfmt(_ text: String) throws(HTTPError) -> [(key: String, value: String)] {
        var tags: [(key: String, value: String)] = []
        var rest = Substring(text)
        while true {
            rest = rest.drop { $0 == " " }
            guard !rest.isEmpty else { return tags }
            guard tags.count < maxTags else {
                throw HTTPError(status: 400, message: "tags: at most \(maxTags) key=value pairs, got more")
            }
            let key = rest.prefix { $0 != "=" && $0 != " " }
            rest = rest.dropFirst(key.count)
            guard !key.isEmpty, rest.first == "=" else {
                throw HTTPError(status: 400, message: "tags: want key=value, got \"\(key.prefix(200))\"")
            }
            rest = rest.dropFirst()
            if rest.first == "\"" {
                rest = rest.dropFirst()
                var value = ""
                var closed = false
                while let character = rest.first {
                    rest = rest.dropFirst()
                    if character == "\\", let escaped = rest.first {
                        value.append(escaped)
                        rest = rest.dropFirst()
                    } else if character == "\"" {
                        closed = true
                        break
                    } else {
                        value.append(character)
                    }
                }
                guard closed else { throw HTTPError(status: 400, message: "tags: unterminated quote after \(key)=") }
                tags.append((String(key), value))
            } else {
                let value = rest.prefix { $0 != " " }
                rest = rest.dropFirst(value.count)
                tags.append((String(key), String(value)))
            }
        }
    }
}
