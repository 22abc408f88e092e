/// A test input series in promtool's expanding notation (`input_series` of rule unit tests):
/// a selector naming the series, then values one per step: `1+2x3` (1 3 5 7), `-5-1x2`
/// (-5 -6 -7), `4x2` (4 4 4), `_` (no sample), `_x3` (three steps without one), `stale` (a
/// staleness marker), or a plain number.
public struct SeriesDescription: Sendable, Equatable {
    public let labels: Labels
    /// One entry per step; nil where the step has no sample.
    public let values: [Double?]

    /// Why a description does not parse: the text at fault.
    public struct Invalid: Error, Equatable, CustomStringConvertible {
        public let description: String

        public init(description: String) {
            self.description = description
        }
    }

    public static func parse(_ text: String) throws(Invalid) -> SeriesDescription {
        let trimmed = text.trimmingWhitespace
        let (selectorText, rest) = split(trimmed)
        let labels: Labels
        do {
            guard case .vector(let selector) = try Parser.parse(selectorText),
                selector.matchers.allSatisfy({ $0.kind == .equal })
            else { throw Invalid(description: "invalid series \(GoQuote.quote(selectorText)): want a metric name and labels") }
            labels = Labels(selector.matchers.map { ($0.name, $0.value) })
        } catch let error as Invalid {
            throw error
        } catch {
            throw Invalid(description: "invalid series \(GoQuote.quote(selectorText)): \(error)")
        }
        var values: [Double?] = []
        for token in rest.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
            values += try expand(String(token))
        }
        return SeriesDescription(labels: labels, values: values)
    }

    /// The selector (up to its closing brace, or the first blank) and the values after it.
    private static func split(_ text: String) -> (String, Substring) {
        var inQuotes = false
        var escaped = false
        var sawBrace = false
        for index in text.indices {
            let character = text[index]
            if inQuotes {
                if escaped { escaped = false } else if character == "\\" { escaped = true } else if character == "\"" { inQuotes = false }
                continue
            }
            switch character {
            case "\"": inQuotes = true
            case "{": sawBrace = true
            case "}": return (String(text[...index]), text[text.index(after: index)...])
            case " ", "\t":
                // A where clause would bind to the tab alone: test the brace in the body.
                if !sawBrace { return (String(text[..<index]), text[index...]) }
            default: break
            }
        }
        return (text, "")
    }

    private static func expand(_ token: String) throws(Invalid) -> [Double?] {
        if token == "_" { return [nil] }
        if token == "stale" { return [Sample.staleMarker] }
        if token.hasPrefix("_x"), let count = Int(token.dropFirst(2)), count >= 0 {
            return Array(repeating: nil, count: count)
        }
        // a, axN, a+bxN, a-bxN: the operator is the first + or - after the first character
        // that does not follow an exponent's e.
        let characters = Array(token)
        var times: Int?
        var body = Substring(token)
        if let x = characters.lastIndex(of: "x"), let count = Int(String(characters[(x + 1)...])), count >= 0 {
            times = count
            body = Substring(String(characters[..<x]))
        }
        let bodyCharacters = Array(body)
        var split: Int?
        for index in bodyCharacters.indices.dropFirst()
        where (bodyCharacters[index] == "+" || bodyCharacters[index] == "-") && !"eE".contains(bodyCharacters[index - 1]) {
            split = index
            break
        }
        let start: Double?
        var step = 0.0
        if let split {
            start = number(String(bodyCharacters[..<split]))
            guard let delta = number(String(bodyCharacters[(split + 1)...])) else {
                throw Invalid(description: "invalid value \(GoQuote.quote(token))")
            }
            step = bodyCharacters[split] == "-" ? -delta : delta
            guard times != nil else { throw Invalid(description: "invalid value \(GoQuote.quote(token)): want x and a count") }
        } else {
            start = number(String(body))
        }
        guard let start else { throw Invalid(description: "invalid value \(GoQuote.quote(token))") }
        guard let times else { return [start] }
        // Accumulated by repeated addition, as Prometheus's parser does (the last bits differ
        // from start + i × step, and promtool compares values exactly).
        var value = start
        var values: [Double?] = []
        values.reserveCapacity(times + 1)
        for _ in 0...times {
            values.append(value)
            value += step
        }
        return values
    }

    private static func number(_ text: String) -> Double? {
        switch text.lowercased() {
        case "inf", "+inf": return .infinity
        case "-inf": return -.infinity
        case "nan": return .nan
        default: return Double(text)
        }
    }
}

private extension String {
    var trimmingWhitespace: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}
