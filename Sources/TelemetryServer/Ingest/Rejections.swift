/// Items of an export that were not stored, reported to the client in `partial_success`.
struct Rejections: Equatable, Sendable {
    /// How many items were rejected.
    var count = 0
    /// The first reason, sent as `partial_success.error_message`.
    var firstError: String?

    mutating func add(_ message: String) {
        count += 1
        if firstError == nil { firstError = message }
    }

    mutating func add(_ other: Rejections) {
        count += other.count
        if firstError == nil { firstError = other.firstError }
    }
}
