#ifndef TELEMETRY_THREAD_NAME_H
#define TELEMETRY_THREAD_NAME_H

/// Names the calling thread for the kernel (`/proc/<pid>/task/*/comm`, `top -H`, `perf`):
/// the first 15 bytes of `name`, the most Linux keeps. Returns 0, or an errno value. Does
/// nothing (returns 0) where the platform has no such call.
int telemetry_set_thread_name(const char *name);

#endif
