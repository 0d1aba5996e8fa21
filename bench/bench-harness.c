/*
 * bench-harness.c: the entry points of tests/harness.h that the test
 * helpers reused by benchmarks call (tests/unit/seed-switch.c), for a
 * program without the test runner: a failed assertion ends the benchmark
 * with an error, a skip ends it with status 77.
 */
#include "harness.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

void
harness_fail(const char *file, int line, const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "%s:%d: ", file, line);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    exit(1);
}

void
harness_skip(const char *reason)
{
    fprintf(stderr, "skipped: %s\n", reason);
    exit(77);
}

const char *
harness_tests_dir(void)
{
    const char *dir = getenv("VXSTACK_TESTS_DIR");

    return dir && *dir ? dir : VXSTACK_TESTS_DIR;
}
