// What this machine's primitives cost, to read the span benchmarks against: a span pays two
// clock reads, a handful of atomic operations (locks, reference counts) and, when it is
// handed to the export task, cache lines moving between cores.
//
//   cc -O2 -pthread Benchmarks/MachineFloor/floor.c -o /tmp/floor && /tmp/floor
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static uint64_t now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static _Atomic uint64_t shared;
static const int rounds = 1000000;

// Two threads take turns: each waits for the other's value, then writes the next one, so
// every step moves the cache line to the other core.
static void *pong(void *unused) {
    (void)unused;
    for (uint64_t i = 1; i < 2u * rounds; i += 2) {
        while (atomic_load_explicit(&shared, memory_order_acquire) != i) {}
        atomic_store_explicit(&shared, i + 1, memory_order_release);
    }
    return NULL;
}

int main(void) {
    const int n = 5000000;
    struct timespec t;
    uint64_t start = now();
    for (int i = 0; i < n; i++) clock_gettime(CLOCK_REALTIME, &t);
    printf("clock_gettime(CLOCK_REALTIME)    %6.1f ns\n", (double)(now() - start) / n);

    static _Atomic uint64_t counter;
    start = now();
    for (int i = 0; i < n; i++) atomic_fetch_add_explicit(&counter, 1, memory_order_relaxed);
    printf("atomic add, uncontended          %6.1f ns\n", (double)(now() - start) / n);

    start = now();
    for (int i = 0; i < n; i++) {
        void *p = malloc(256);
        __asm__ volatile("" : : "r"(p) : "memory");
        free(p);
    }
    printf("malloc + free (256 bytes)        %6.1f ns\n", (double)(now() - start) / n);

    pthread_t other;
    atomic_store(&shared, 0);
    pthread_create(&other, NULL, pong, NULL);
    start = now();
    for (uint64_t i = 0; i < 2u * rounds; i += 2) {
        while (atomic_load_explicit(&shared, memory_order_acquire) != i) {}
        atomic_store_explicit(&shared, i + 1, memory_order_release);
    }
    uint64_t elapsed = now() - start;
    pthread_join(other, NULL);
    printf("cache line to the other core     %6.1f ns\n", (double)elapsed / (2.0 * rounds));
    return 0;
}
