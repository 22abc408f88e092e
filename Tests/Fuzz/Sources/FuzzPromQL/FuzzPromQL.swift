// libFuzzer harness: the PromQL lexer and parser. Besides not crashing, printing is checked:
// the canonical form of any expression that parses must parse again to the same form.
import FuzzDriver
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

@_cdecl("FuzzPromQL_main")
public func fuzzPromQLMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> CInt {
    runLibFuzzer(argc, argv) { fuzzPromQL($0, $1) }
}
