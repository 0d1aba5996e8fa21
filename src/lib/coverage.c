/* coverage.c: see coverage.h. */
#include "lib/coverage.h"

#include <stdlib.h>
#include <string.h>

#include "lib/ds.h"
#include "lib/hash.h"
#include "lib/timeval.h"
#include "lib/util.h"

static struct coverage_counter *counters;
static size_t n_counters;
static long long int next_tick;  /* Monotonic ms of the next 5 s tick. */
static unsigned int min_idx;      /* Current 5-second slot. */
static unsigned int hr_idx;       /* Current minute slot. */

void
coverage_counter_register(struct coverage_counter *c)
{
    c->next = counters;
    counters = c;
    n_counters++;
}

uint64_t
coverage_read(const char *name)
{
    for (struct coverage_counter *c = counters; c; c = c->next) {
        if (!strcmp(c->name, name)) {
            return atomic_load_explicit(&c->total, memory_order_relaxed);
        }
    }
    return 0;
}

void
coverage_run(void)
{
    long long int now = time_msec();

    if (!next_tick) {
        next_tick = now + 5000;
        return;
    }
    while (now >= next_tick) {
        for (struct coverage_counter *c = counters; c; c = c->next) {
            uint64_t total = atomic_load_explicit(&c->total,
                                                  memory_order_relaxed);

            c->min[min_idx] = total - c->last_total;
            c->last_total = total;
        }
        min_idx = (min_idx + 1) % COVERAGE_N_MIN_SLOTS;
        if (!min_idx) {
            for (struct coverage_counter *c = counters; c; c = c->next) {
                uint64_t sum = 0;

                for (int i = 0; i < COVERAGE_N_MIN_SLOTS; i++) {
                    sum += c->min[i];
                }
                c->hr[hr_idx] = sum;
            }
            hr_idx = (hr_idx + 1) % COVERAGE_N_HR_SLOTS;
        }
        next_tick += 5000;
    }
}

static int
compare_counters(const void *a_, const void *b_)
{
    const struct coverage_counter *const *a = a_;
    const struct coverage_counter *const *b = b_;

    return strcmp((*a)->name, (*b)->name);
}

void
coverage_format(struct ds *ds)
{
    struct coverage_counter **sorted = xcalloc(n_counters, sizeof *sorted);
    size_t n = 0, n_never = 0;
    uint32_t hash = 0;

    for (struct coverage_counter *c = counters; c; c = c->next) {
        sorted[n++] = c;
    }
    qsort(sorted, n, sizeof *sorted, compare_counters);
    for (size_t i = 0; i < n; i++) {
        if (atomic_load_explicit(&sorted[i]->total, memory_order_relaxed)) {
            hash = hash_string(sorted[i]->name, hash);
        }
    }

    ds_put_format(ds, "Event coverage, avg rate over last: 5 seconds, "
                  "last minute, last hour,  hash=%08x:\n", hash);
    for (size_t i = 0; i < n; i++) {
        const struct coverage_counter *c = sorted[i];
        uint64_t total = atomic_load_explicit(&c->total,
                                              memory_order_relaxed);
        unsigned int last = (min_idx + COVERAGE_N_MIN_SLOTS - 1)
                            % COVERAGE_N_MIN_SLOTS;
        uint64_t min_sum = 0, hr_sum = 0;

        if (!total) {
            n_never++;
            continue;
        }
        for (int j = 0; j < COVERAGE_N_MIN_SLOTS; j++) {
            min_sum += c->min[j];
        }
        for (int j = 0; j < COVERAGE_N_HR_SLOTS; j++) {
            hr_sum += c->hr[j];
        }
        ds_put_format(ds, "%-24s %5.1f/sec %9.3f/sec %13.4f/sec   "
                      "total: %llu\n", c->name, c->min[last] / 5.0,
                      min_sum / 60.0, hr_sum / 3600.0,
                      (unsigned long long) total);
    }
    ds_put_format(ds, "%zu events never hit\n", n_never);
    free(sorted);
}
