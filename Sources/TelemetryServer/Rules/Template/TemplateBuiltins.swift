import Foundation

/// Go `text/template`'s predefined functions. `and` and `or` are here for the parser; the
/// executor runs them itself because they evaluate their arguments lazily.
enum TemplateBuiltins {
    static let functions: [String: TemplateFunction] = [
        "and": TemplateFunction([.value], variadic: .value) { $0.last ?? .missing },
        "or": TemplateFunction([.value], variadic: .value) { $0.last ?? .missing },
        "not": TemplateFunction([.value]) { .bool(!$0[0].isTrue) },
        "len": TemplateFunction([.value]) { (values) throws(TemplateFunction.Failure) in .int(try length(values[0])) },
        "index": TemplateFunction([.value], variadic: .value) { (values) throws(TemplateFunction.Failure) in
            try index(values[0], values.dropFirst())
        },
        "slice": TemplateFunction([.value], variadic: .value) { (values) throws(TemplateFunction.Failure) in
            try slice(values[0], Array(values.dropFirst()))
        },
        "print": TemplateFunction([], variadic: .any) { .string(GoFormat.sprint($0)) },
        "println": TemplateFunction([], variadic: .any) { .string(GoFormat.sprintln($0)) },
        "printf": TemplateFunction([.string], variadic: .any) { values in
            guard case .string(let format) = values[0] else { return .string("") }
            return .string(GoFormat.sprintf(format, Array(values.dropFirst())))
        },
        "html": TemplateFunction([], variadic: .any) { .string(escapeHTML(printedArguments($0))) },
        "js": TemplateFunction([], variadic: .any) { .string(escapeJS(printedArguments($0))) },
        "urlquery": TemplateFunction([], variadic: .any) { .string(queryEscape(printedArguments($0))) },
        "call": TemplateFunction([.value], variadic: .value) { (values) throws(TemplateFunction.Failure) in
            throw TemplateFunction.Failure("non-function of type \(values[0].goType)")
        },
        "eq": TemplateFunction([.value], variadic: .value) { (values) throws(TemplateFunction.Failure) in
            .bool(try TemplateComparison.equal(values[0], Array(values.dropFirst())))
        },
        "ne": TemplateFunction([.value, .value]) { (values) throws(TemplateFunction.Failure) in
            .bool(!(try TemplateComparison.equal(values[0], [values[1]])))
        },
        "lt": TemplateFunction([.value, .value]) { (values) throws(TemplateFunction.Failure) in
            .bool(try TemplateComparison.less(values[0], values[1]))
        },
        "le": TemplateFunction([.value, .value]) { (values) throws(TemplateFunction.Failure) in
            .bool(try TemplateComparison.lessOrEqual(values[0], values[1]))
        },
        "gt": TemplateFunction([.value, .value]) { (values) throws(TemplateFunction.Failure) in
            .bool(!(try TemplateComparison.lessOrEqual(values[0], values[1])))
        },
        "ge": TemplateFunction([.value, .value]) { (values) throws(TemplateFunction.Failure) in
            .bool(!(try TemplateComparison.less(values[0], values[1])))
        },
    ]

    private static func length(_ value: TemplateValue) throws(TemplateFunction.Failure) -> Int {
        switch value {
        case .string(let text), .html(let text): return text.utf8.count
        case .labels(let map): return map.count
        case .arguments(let map): return map.count
        case .samples(let samples): return samples.count
        case .sample(nil): throw TemplateFunction.Failure("len of nil pointer")
        case .sample: throw TemplateFunction.Failure("len of type template.sample")
        case .missing, .null: throw TemplateFunction.Failure("len of untyped nil")
        default: throw TemplateFunction.Failure("len of type \(value.goType)")
        }
    }

    private static func position(_ index: TemplateValue, count: Int, inclusive: Bool = false) throws(TemplateFunction.Failure) -> Int {
        guard case .int(let position) = index else {
            throw TemplateFunction.Failure("cannot index slice/array with type \(index.goType)")
        }
        guard position >= 0, inclusive ? position <= count : position < count else {
            throw TemplateFunction.Failure("index out of range: \(position)")
        }
        return position
    }

    private static func index(_ item: TemplateValue, _ indexes: ArraySlice<TemplateValue>) throws(TemplateFunction.Failure) -> TemplateValue {
        var item = item
        for key in indexes {
            switch item {
            case .labels(let map):
                guard case .string(let name) = key else { throw TemplateFunction.Failure("value has type \(key.goType); should be string") }
                item = .string(map[name] ?? "")
            case .arguments(let map):
                guard case .string(let name) = key else { throw TemplateFunction.Failure("value has type \(key.goType); should be string") }
                item = map[name] ?? .null
            case .samples(let samples):
                item = .sample(samples[try position(key, count: samples.count)])
            case .string(let text):
                let bytes = Array(text.utf8)
                item = .int(Int(bytes[try position(key, count: bytes.count)]))
            case .missing, .null: throw TemplateFunction.Failure("index of untyped nil")
            default: throw TemplateFunction.Failure("can't index item of type \(item.goType)")
            }
        }
        return item
    }

    private static func slice(_ item: TemplateValue, _ bounds: [TemplateValue]) throws(TemplateFunction.Failure) -> TemplateValue {
        guard bounds.count <= 2 else { throw TemplateFunction.Failure("too many slice indexes: \(bounds.count)") }
        switch item {
        case .string(let text):
            let bytes = Array(text.utf8)
            let low = bounds.count > 0 ? try position(bounds[0], count: bytes.count, inclusive: true) : 0
            let high = bounds.count > 1 ? try position(bounds[1], count: bytes.count, inclusive: true) : bytes.count
            guard low <= high else { throw TemplateFunction.Failure("invalid slice index: \(low) > \(high)") }
            return .string(String(decoding: bytes[low..<high], as: UTF8.self))
        case .samples(let samples):
            let low = bounds.count > 0 ? try position(bounds[0], count: samples.count, inclusive: true) : 0
            let high = bounds.count > 1 ? try position(bounds[1], count: samples.count, inclusive: true) : samples.count
            guard low <= high else { throw TemplateFunction.Failure("invalid slice index: \(low) > \(high)") }
            return .samples(Array(samples[low..<high]))
        case .missing, .null: throw TemplateFunction.Failure("slice of untyped nil")
        default: throw TemplateFunction.Failure("can't slice item of type \(item.goType)")
        }
    }

    /// The text `html`, `js` and `urlquery` escape: one string as is, otherwise `fmt.Sprint`.
    private static func printedArguments(_ values: [TemplateValue]) -> String {
        if values.count == 1, case .string(let text) = values[0] { return text }
        return GoFormat.sprint(values)
    }

    static func escapeHTML(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "&#34;"
            case "'": result += "&#39;"
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\u{0}": result += "\u{FFFD}"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }

    static func escapeJS(_ text: String) -> String {
        var result = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": result += "\\\\"
            case "'": result += "\\'"
            case "\"": result += "\\\""
            case "<": result += "\\u003C"
            case ">": result += "\\u003E"
            case "&": result += "\\u0026"
            case "=": result += "\\u003D"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    result += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    result.unicodeScalars.append(scalar)
                }
            }
        }
        return result
    }

    /// Go's `url.QueryEscape`: space as `+`, unreserved bytes kept, the rest `%XX`.
    static func queryEscape(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
                result.unicodeScalars.append(Unicode.Scalar(byte))
            case UInt8(ascii: " "): result += "+"
            default: result += String(format: "%%%02X", byte)
            }
        }
        return result
    }
}
