/// The label values of one child, with the `name="value",…` text rendered once at creation so
/// that exposition only copies bytes.
///
/// Labels with an empty value are left out of the text: Prometheus and OpenMetrics treat an
/// empty value as an absent label, so a family can give some series an extra label (such as an
/// overflow marker) without the others showing it.
public struct LabelSet: Sendable, Hashable, Comparable {
    /// Values in the order of the family's label names.
    public let values: [String]
    /// `name="escaped value",…` without braces; empty for an unlabeled child.
    let rendered: [UInt8]

    init(names: [String], values: [String]) {
        self.values = values
        var text: [UInt8] = []
        for (index, name) in names.enumerated() where !values[index].isEmpty {
            if !text.isEmpty { text.append(UInt8(ascii: ",")) }
            text.append(contentsOf: name.utf8)
            text.append(contentsOf: "=\"".utf8)
            LabelSet.appendEscapedValue(values[index], to: &text)
            text.append(UInt8(ascii: "\""))
        }
        rendered = text
    }

    /// `sampleName{labels} ` (or `sampleName ` without labels): everything of a sample line
    /// before the value, rendered once per child so exposition is one copy per series.
    func linePrefix(sampleName: String) -> [UInt8] {
        var line = Array(sampleName.utf8)
        if !rendered.isEmpty {
            line.append(UInt8(ascii: "{"))
            line.append(contentsOf: rendered)
            line.append(UInt8(ascii: "}"))
        }
        line.append(UInt8(ascii: " "))
        return line
    }

    /// Escapes `\`, `"` and newline as both exposition formats require for label values.
    static func appendEscapedValue(_ value: String, to text: inout [UInt8]) {
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "\\"): text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\\")])
            case UInt8(ascii: "\""): text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "\"")])
            case UInt8(ascii: "\n"): text.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "n")])
            default: text.append(byte)
            }
        }
    }

    public static func == (lhs: LabelSet, rhs: LabelSet) -> Bool { lhs.values == rhs.values }
    public func hash(into hasher: inout Hasher) { hasher.combine(values) }
    public static func < (lhs: LabelSet, rhs: LabelSet) -> Bool {
        lhs.values.lexicographicallyPrecedes(rhs.values)
    }
}
