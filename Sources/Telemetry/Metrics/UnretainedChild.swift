/// The one child of an unlabeled family, reachable on the hot path without reference counting.
///
/// `owner` keeps the child alive for as long as the family lives; `reference` is the same object
/// as an `Unmanaged` that `withChild` lends out with no atomic retain/release pair (measured with
/// `make bench`: an unlabeled counter increment costs what a pre-bound child's does).
struct UnretainedChild<Child: AnyObject & Sendable>: @unchecked Sendable {
    // @unchecked: Unmanaged is not Sendable, but it only points at `owner`, which is.
    private let owner: Child?
    private let reference: Unmanaged<Child>?

    init(_ child: Child?) {
        owner = child
        reference = child.map { Unmanaged.passUnretained($0) }
    }

    /// Runs `body` with the child, or returns nil for a labeled family.
    @inline(__always)
    func withChild<Result>(_ body: (Child) -> Result) -> Result? {
        reference?._withUnsafeGuaranteedRef(body)
    }
}
