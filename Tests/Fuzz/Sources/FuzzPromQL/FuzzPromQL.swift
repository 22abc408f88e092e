// libFuzzer harness: the PromQL lexer and parser. Besides not crashing, printing is checked:
// the canonical form of any expression that parses must parse again to the same form.
import PromQL

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPromQL(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let expr = try? Parser.parse(text) else { return 0 }
    let printed = expr.description
    guard let again = try? Parser.parse(printed), again.description == printed else {
        fatalError("canonical form does not round-trip: \(text) -> \(printed)")
    }
    return 0
}

// SwiftPM links an executable's entry point as `FuzzPromQL_main`; hand control to libFuzzer's driver.
@_silgen_name("LLVMFuzzerRunDriver")
private func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

@_cdecl("FuzzPromQL_main")
public func fuzzPromQLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    var count = argc
    var arguments: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = argv
    return runDriver(&count, &arguments, { fuzzPromQL($0, $1) })
}
