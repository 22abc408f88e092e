import CMicroHTTPD

// libmicrohttpd's content-reader callbacks for `ResponseStream`. The stream arrives through
// `cls`, retained when the response is built and released when libmicrohttpd frees it.

/// Fills libmicrohttpd's buffer from the stream.
let streamReaderCallback: MHD_ContentReaderCallback = { cls, _, buffer, capacity in
    guard let cls, let buffer else { return telemetry_mhd_reader_end_with_error }
    let stream = Unmanaged<ResponseStream>.fromOpaque(cls).takeUnretainedValue()
    return stream.read(into: buffer, capacity: capacity)
}

/// The response is gone: the stream must not touch the connection again.
let streamFreeCallback: MHD_ContentReaderFreeCallback = { cls in
    guard let cls else { return }
    let stream = Unmanaged<ResponseStream>.fromOpaque(cls)
    stream.takeUnretainedValue().released()
    stream.release()
}
