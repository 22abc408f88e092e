#ifndef TELEMETRY_CZLIB_SHIM_H
#define TELEMETRY_CZLIB_SHIM_H

#include <zlib.h>

/* inflateInit2 / deflateInit2 are macros Swift does not import. */
static inline int telemetry_inflate_init_gzip(z_stream *stream)
{
    return inflateInit2(stream, 15 + 16);
}

/* zlib's own wrapper (RFC 1950): what gRPC's and HTTP's `deflate` carry. */
static inline int telemetry_inflate_init_zlib(z_stream *stream)
{
    return inflateInit2(stream, 15);
}

static inline int telemetry_deflate_init_gzip(z_stream *stream, int level)
{
    return deflateInit2(stream, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
}

#endif
