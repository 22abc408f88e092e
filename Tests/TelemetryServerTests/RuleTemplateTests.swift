import Testing

@testable import TelemetryServer

/// Rule templates where promtool cannot be the reference (its `externalURL` dereferences nil)
/// and the limits this engine adds; the rest is compared with promtool in the interop tests.
@Suite("Rule templates")
struct RuleTemplateTests {
    private static let data = TemplateData(
        labels: ["__name__": "up", "job": "api", "instance": "a1:9100"], externalLabels: ["cluster": "eu-1"],
        externalURL: "https://telemetry.example.com/prefix", value: 0.25)

    private static func expand(_ text: String, query: [TemplateSample] = []) -> String {
        let environment = TemplateEnvironment(externalURL: data.externalURL) { _ throws(TemplateFunction.Failure) in query }
        return RuleTemplate(text, name: "__alert_T").expand(data, environment: environment)
    }

    @Test(arguments: [
        ("{{ externalURL }}|{{ pathPrefix }}|{{ $externalURL }}", "https://telemetry.example.com/prefix|/prefix|https://telemetry.example.com/prefix"),
        ("{{ $labels.job }}/{{ .Labels.instance | stripPort }}/{{ $externalLabels.cluster }}", "api/a1/eu-1"),
        ("{{ $labels.absent }}|{{ index $labels \"absent\" }}|{{ len $labels.absent }}", "||0"),
        ("{{ range $i, $s := query \"x\" }}{{ if eq $i 1 }}{{ continue }}{{ end }}{{ if eq $i 3 }}{{ break }}{{ end }}{{ $s.Value }}{{ end }}", "13"),
        ("{{ with args 1 \"two\" }}{{ .arg0 }}-{{ .arg1 }}-{{ .arg2 }}{{ end }}", "1-two-<no value>"),
        ("{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ $y }}{{ end }}{{ $x }}", "32"),
        ("{{- \"a\" }}  \n  {{- \"b\" -}}  \n  c", "abc"),
        ("{{ printf \"%05.1f|%x|%8.3s|%-3d|\" 3.14159 \"hi\" \"abcdef\" 7 }}", "003.1|6869|     abc|7  |"),
    ])
    func expands(text: String, expected: String) {
        let samples = [1.0, 2, 3, 4].map { TemplateSample(labels: [:], value: $0) }
        #expect(Self.expand(text, query: samples) == expected)
    }

    @Test func parseErrorsNameTheLineCountingThePrelude() {
        #expect(
            Self.expand("ok\n{{ nosuch }}")
                == "<error expanding template: error parsing template __alert_T: template: __alert_T:2: function \"nosuch\" not defined>")
        #expect(RuleTemplate.parseProblem("{{ if }}", name: "__alert_T") == "template: __alert_T:1: missing value for if")
        #expect(RuleTemplate.parseProblem("{{ $labels.job }}", name: "__alert_T") == nil)
    }

    @Test func executionErrorsNameLineColumnAndNode() {
        #expect(
            Self.expand("{{ template \"x\" }}")
                == "<error expanding template: error executing template __alert_T: template: __alert_T:1:124: executing \"__alert_T\" at <{{template \"x\"}}>: template \"x\" not defined>")
        #expect(
            Self.expand("a\n  {{ .Nope }}")
                == "<error expanding template: error executing template __alert_T: template: __alert_T:2:5: executing \"__alert_T\" at <.Nope>: can't evaluate field Nope in type \(TemplateValue.dataType)>")
    }

    @Test func hostileTemplatesEndInAnErrorNotACrash() {
        let deep = String(repeating: "(", count: 5_000) + "1" + String(repeating: ")", count: 5_000)
        #expect(Self.expand("{{ \(deep) }}").contains("template nested too deeply"))
        let huge = Self.expand("{{ range query \"x\" }}{{ range query \"x\" }}\(String(repeating: "x", count: 100_000)){{ end }}{{ end }}",
            query: Array(repeating: TemplateSample(labels: [:], value: 1), count: 10))
        #expect(huge.contains("template output exceeds"))
        #expect(Self.expand("{{ 10000000000000000000 }}").contains("10000000000000000000 overflows int"))
        #expect(Self.expand("{{ 99999999999999999999 }}") == "<no value>")
        #expect(Self.expand("{{ \"\\xzz\" }}").hasPrefix("<error expanding template: error parsing template"))
    }
}
