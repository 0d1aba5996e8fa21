/*
 * vlog.h: per-module logging with levels and rate limiting.
 *
 * Each .c file that logs says VLOG_DEFINE_THIS_MODULE(name) once and then
 * VLOG_WARN(...), VLOG_INFO(...) and so on.  Messages go to stderr, or to
 * the file given to vlog_set_file() (the daemon's log in its rundir), as
 *   2026-11-24T13:53:28.123Z|00042|module|WARN|message
 * VLOG_WARN_RL(&rl, ...) drops messages beyond a struct vlog_rate_limit's
 * budget (a burst, then a rate per minute) and reports how many were
 * dropped with the next one that passes: every packet-triggered log is rate
 * limited.  Tests never assert on log text; they assert on counters.
 *
 * Thread safety: all functions are thread-safe.
 */
#ifndef VX_LIB_VLOG_H
#define VX_LIB_VLOG_H 1

#include <stdbool.h>
#include <stdint.h>

#include "lib/util.h"

enum vlog_level {
    VLL_OFF,
    VLL_EMER,
    VLL_ERR,
    VLL_WARN,
    VLL_INFO,
    VLL_DBG,
};

struct vlog_rate_limit {
    unsigned int burst;       /* Messages allowed at once. */
    unsigned int per_minute;  /* Messages allowed per minute after that. */
    long long int last_fill;  /* Monotonic ms when tokens were refilled. */
    unsigned int tokens;      /* Messages that may pass now. */
    unsigned int n_dropped;   /* Messages dropped since the last pass. */
};

#define VLOG_RATE_LIMIT_INIT(PER_MINUTE, BURST) { BURST, PER_MINUTE, 0, BURST, 0 }

/* Sets the threshold below which messages are dropped (default INFO, or
 * from $VXSTACK_LOG_LEVEL: err, warn, info, dbg). */
void vlog_set_level(enum vlog_level);
enum vlog_level vlog_get_level(void);

/* Sends messages to PATH (appending) instead of stderr.  Returns 0 or an
 * errno value. */
int vlog_set_file(const char *path);

void vlog(const char *module, enum vlog_level, const char *format, ...)
    PRINTF_FORMAT(3, 4);
void vlog_rl(const char *module, enum vlog_level, struct vlog_rate_limit *,
             const char *format, ...) PRINTF_FORMAT(4, 5);

#define VLOG_DEFINE_THIS_MODULE(NAME)                                         \
    static const char *const vlog_module __attribute__((unused)) = #NAME

#define VLOG_ERR(...) vlog(vlog_module, VLL_ERR, __VA_ARGS__)
#define VLOG_WARN(...) vlog(vlog_module, VLL_WARN, __VA_ARGS__)
#define VLOG_INFO(...) vlog(vlog_module, VLL_INFO, __VA_ARGS__)
#define VLOG_DBG(...) vlog(vlog_module, VLL_DBG, __VA_ARGS__)
#define VLOG_ERR_RL(RL, ...) vlog_rl(vlog_module, VLL_ERR, RL, __VA_ARGS__)
#define VLOG_WARN_RL(RL, ...) vlog_rl(vlog_module, VLL_WARN, RL, __VA_ARGS__)
#define VLOG_INFO_RL(RL, ...) vlog_rl(vlog_module, VLL_INFO, RL, __VA_ARGS__)
#define VLOG_DBG_RL(RL, ...) vlog_rl(vlog_module, VLL_DBG, RL, __VA_ARGS__)

#endif /* VX_LIB_VLOG_H */
