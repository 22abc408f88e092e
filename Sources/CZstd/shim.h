#include <zstd.h>

// ZSTD_getFrameContentSize's error value, a macro Swift does not import; its "unknown" value is
// the one above it, so a size below this one is a size.
static const unsigned long long telemetry_zstd_content_size_error = ZSTD_CONTENTSIZE_ERROR;
