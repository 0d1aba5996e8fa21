/*
 * timeval.h: clocks.  time_msec() is monotonic and is what every timeout,
 * age and duration in the switch uses; time_wall_msec() is wall-clock time
 * for files and logs.  Tests can warp the monotonic clock forward with
 * time_warp() (the `time/warp` control command), as ovs-appctl time/warp
 * does, so expiry can be tested without sleeping.
 *
 * Thread safety: all functions are thread-safe.
 */
#ifndef VX_LIB_TIMEVAL_H
#define VX_LIB_TIMEVAL_H 1

#include <stdint.h>

/* Monotonic milliseconds (plus any warp). */
long long int time_msec(void);

/* Monotonic nanoseconds (plus any warp). */
long long int time_nsec(void);

/* Wall-clock milliseconds since the Unix epoch. */
long long int time_wall_msec(void);

/* Adds MSECS to the monotonic clock. */
void time_warp(long long int msecs);

#endif /* VX_LIB_TIMEVAL_H */
