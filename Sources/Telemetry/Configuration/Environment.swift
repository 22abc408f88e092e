#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The process environment, read without Foundation.
public enum Environment {
    /// Every variable of the process environment.
    public static var variables: [String: String] {
        var result: [String: String] = [:]
        #if canImport(Darwin)
        guard let pointer = _NSGetEnviron()?.pointee else { return result }
        #else
        guard let pointer = environ as UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? else { return result }
        #endif
        var index = 0
        while let entry = pointer[index] {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            index += 1
        }
        return result
    }
}
