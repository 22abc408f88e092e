// pthread_setname_np is a GNU extension: glibc declares it only with _GNU_SOURCE, which
// Swift's Glibc module is not built with, so it is called from here.
#define _GNU_SOURCE
#include "thread_name.h"

#include <string.h>

#if defined(__linux__)
#include <pthread.h>

int telemetry_set_thread_name(const char *name) {
    char kept[16];
    strncpy(kept, name, sizeof kept - 1);
    kept[sizeof kept - 1] = '\0';
    return pthread_setname_np(pthread_self(), kept);
}
#else
int telemetry_set_thread_name(const char *name) {
    (void)name;
    return 0;
}
#endif
