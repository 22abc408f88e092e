import Synchronization

/// A callback set after construction (when the parts are wired together) and called from any
/// thread, as often as once per request.
///
/// The closure is kept inside a struct in the `Mutex`, not as the `Mutex`'s value itself: a
/// `Mutex` over a bare closure re-wrapped it in reabstraction thunks at every access and stored
/// the wrapper back, so each call went one level deeper than the last (measured: 4% of the
/// server's CPU after a few thousand ingest requests, and a stack that grows until the thread
/// overflows).
struct CallbackSlot<Input, Output>: ~Copyable, Sendable {
    // Internal, not private: a private type nested here crashed the Swift 6.3.1 compiler.
    struct Stored: Sendable {
        let call: @Sendable (Input) -> Output
    }

    private let stored: Mutex<Stored>

    /// A slot holding `initial` until `set` replaces it.
    init(_ initial: @escaping @Sendable (Input) -> Output) {
        stored = Mutex(Stored(call: initial))
    }

    /// Replaces the callback.
    func set(_ callback: @escaping @Sendable (Input) -> Output) {
        stored.withLock { $0 = Stored(call: callback) }
    }

    /// Calls the callback (outside the lock).
    func callAsFunction(_ input: Input) -> Output {
        stored.withLock { $0 }.call(input)
    }
}

extension CallbackSlot where Input == Void {
    /// Calls the callback (outside the lock).
    func callAsFunction() -> Output {
        self(())
    }
}
