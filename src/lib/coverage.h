/*
 * coverage.h: event counters at every drop, miss and error site, shown by
 * `vxstack appctl coverage/show` in Open vSwitch's layout.
 *
 * Define a counter once at file scope with COVERAGE_DEFINE(name) and bump it
 * with COVERAGE_INC(name) or COVERAGE_ADD(name, n).  Counters register
 * themselves at program start.  An increment is a relaxed atomic load and
 * store, not a locked read-modify-write: it costs what a plain add costs,
 * so counters may sit on per-packet paths, but two threads bumping one
 * counter at the same instant may lose one of the increments (counters
 * are diagnostics; exact statistics live elsewhere).
 *
 * coverage_run() is called about once a second by the daemon's main loop
 * and keeps the history behind the 5-second, 1-minute and 1-hour rates.
 *
 * Thread safety: COVERAGE_INC/ADD and coverage_read() may be called from
 * any thread (see above for concurrent increments);
 * coverage_run() and coverage_format() are called from one thread.
 */
#ifndef VX_LIB_COVERAGE_H
#define VX_LIB_COVERAGE_H 1

#include <stdatomic.h>
#include <stdint.h>

struct ds;

#define COVERAGE_N_MIN_SLOTS 12  /* 5-second slots in a minute. */
#define COVERAGE_N_HR_SLOTS 60   /* Minute slots in an hour. */

struct coverage_counter {
    const char *name;              /* Counter name, e.g. "drop_no_rule". */
    _Atomic uint64_t total;        /* Events since start. */
    uint64_t last_total;           /* Total at the last 5-second tick. */
    uint64_t min[COVERAGE_N_MIN_SLOTS]; /* Events per 5-second slot. */
    uint64_t hr[COVERAGE_N_HR_SLOTS];   /* Events per minute slot. */
    struct coverage_counter *next; /* Next in the registry. */
};

void coverage_counter_register(struct coverage_counter *);

#define COVERAGE_DEFINE(NAME)                                                 \
    struct coverage_counter NAME##_coverage = { #NAME };                      \
    static void NAME##_coverage_init(void) __attribute__((constructor));      \
    static void NAME##_coverage_init(void)                                    \
    {                                                                         \
        coverage_counter_register(&NAME##_coverage);                          \
    }                                                                         \
    extern struct coverage_counter NAME##_coverage

#define COVERAGE_ADD(NAME, AMOUNT)                                            \
    atomic_store_explicit(                                                    \
        &NAME##_coverage.total,                                               \
        atomic_load_explicit(&NAME##_coverage.total, memory_order_relaxed)    \
            + (AMOUNT),                                                       \
        memory_order_relaxed)
#define COVERAGE_INC(NAME) COVERAGE_ADD(NAME, 1)

/* Returns the total of the counter called NAME, or 0 if there is none. */
uint64_t coverage_read(const char *name);

/* Advances the rate history; call about once a second. */
void coverage_run(void);

/* Appends the coverage/show report to DS. */
void coverage_format(struct ds *ds);

#endif /* VX_LIB_COVERAGE_H */
