/* timeval.c: see timeval.h. */
#include "lib/timeval.h"

#include <stdatomic.h>
#include <time.h>

static _Atomic long long int warp_nsec;

long long int
time_nsec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long int) ts.tv_sec * 1000000000LL + ts.tv_nsec
           + atomic_load_explicit(&warp_nsec, memory_order_relaxed);
}

long long int
time_msec(void)
{
    return time_nsec() / 1000000;
}

long long int
time_wall_msec(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (long long int) ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void
time_warp(long long int msecs)
{
    atomic_fetch_add(&warp_nsec, msecs * 1000000LL);
}
