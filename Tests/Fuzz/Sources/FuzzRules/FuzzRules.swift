// libFuzzer harness: rule files and their templates. The input is read as a rule file (YAML,
// groups, rules, durations, PromQL, template syntax) and as one label or annotation template,
// expanded as an alert would expand it, with a query function that answers two samples.
// Either must end in groups, problems or `<error expanding template: …>`, never a trap.
import FuzzDriver
@testable import TelemetryServer

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzRules(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var parser = RuleFileParser()
    _ = parser.parse(text)
    let template = RuleTemplate(text, name: "__alert_Fuzz")
    let environment = TemplateEnvironment(
        externalURL: alert.externalURL,
        query: { _ in
            [TemplateSample(labels: ["instance": "db-1:9100"], value: 1), TemplateSample(labels: ["instance": "db-2:9100"], value: 2.5)]
        })
    _ = template.expand(alert, environment: environment)
    return 0
}

private let alert = TemplateData(
    labels: ["alertname": "Fuzz", "instance": "db-1:9100", "job": "node"],
    externalLabels: ["cluster": "eu-1"], externalURL: "http://telemetryd.example:4318", value: 0.93)

@_cdecl("FuzzRules_main")
public func fuzzRulesMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv) { fuzzRules($0, $1) }
}
