/* vlog.c: see vlog.h. */
#include "lib/vlog.h"

#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/timeval.h"

static const char *const level_names[] = {
    "OFF", "EMER", "ERR", "WARN", "INFO", "DBG",
};

static pthread_mutex_t vlog_mutex = PTHREAD_MUTEX_INITIALIZER;
static _Atomic int vlog_level = -1;
static FILE *vlog_file;
static unsigned int vlog_seq;

enum vlog_level
vlog_get_level(void)
{
    int level = atomic_load(&vlog_level);

    if (level < 0) {
        const char *s = getenv("VXSTACK_LOG_LEVEL");

        level = VLL_INFO;
        if (s) {
            for (int i = 0; i < (int) ARRAY_SIZE(level_names); i++) {
                if (!strcasecmp(s, level_names[i])) {
                    level = i;
                }
            }
            if (!strcasecmp(s, "debug")) {
                level = VLL_DBG;
            }
        }
        atomic_store(&vlog_level, level);
    }
    return (enum vlog_level) level;
}

void
vlog_set_level(enum vlog_level level)
{
    atomic_store(&vlog_level, (int) level);
}

int
vlog_set_file(const char *path)
{
    FILE *file = fopen(path, "a");

    if (!file) {
        return errno;
    }
    setvbuf(file, NULL, _IOLBF, 0);
    pthread_mutex_lock(&vlog_mutex);
    if (vlog_file) {
        fclose(vlog_file);
    }
    vlog_file = file;
    pthread_mutex_unlock(&vlog_mutex);
    return 0;
}

static void
vlog_valist(const char *module, enum vlog_level level, const char *format,
            va_list args)
{
    long long int now = time_wall_msec();
    time_t secs = now / 1000;
    struct tm tm;
    char stamp[32];
    FILE *out;

    gmtime_r(&secs, &tm);
    strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);

    pthread_mutex_lock(&vlog_mutex);
    out = vlog_file ? vlog_file : stderr;
    fprintf(out, "%s.%03dZ|%05u|%s|%s|", stamp, (int) (now % 1000),
            ++vlog_seq, module, level_names[level]);
    vfprintf(out, format, args);
    fputc('\n', out);
    fflush(out);
    pthread_mutex_unlock(&vlog_mutex);
}

void
vlog(const char *module, enum vlog_level level, const char *format, ...)
{
    va_list args;

    if (level > vlog_get_level()) {
        return;
    }
    va_start(args, format);
    vlog_valist(module, level, format, args);
    va_end(args);
}

static bool
rate_limit_pass(struct vlog_rate_limit *rl, unsigned int *dropped)
{
    long long int now = time_msec();
    bool pass;

    pthread_mutex_lock(&vlog_mutex);
    if (!rl->last_fill) {
        rl->last_fill = now;
    } else if (now > rl->last_fill && rl->per_minute) {
        long long int add = (now - rl->last_fill) * rl->per_minute / 60000;

        if (add > 0) {
            rl->tokens = MIN(rl->burst, rl->tokens + (unsigned int) MIN(add, rl->burst));
            rl->last_fill = now;
        }
    }
    pass = rl->tokens > 0;
    if (pass) {
        rl->tokens--;
        *dropped = rl->n_dropped;
        rl->n_dropped = 0;
    } else {
        rl->n_dropped++;
    }
    pthread_mutex_unlock(&vlog_mutex);
    return pass;
}

void
vlog_rl(const char *module, enum vlog_level level, struct vlog_rate_limit *rl,
        const char *format, ...)
{
    unsigned int dropped = 0;
    va_list args;

    if (level > vlog_get_level() || !rate_limit_pass(rl, &dropped)) {
        return;
    }
    if (dropped) {
        vlog(module, VLL_INFO, "Dropped %u log messages due to excessive "
             "rate", dropped);
    }
    va_start(args, format);
    vlog_valist(module, level, format, args);
    va_end(args);
}
