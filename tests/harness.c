/* harness.c: main() and the runner behind tests/harness.h. */
#include "harness.h"

#include <errno.h>
#include <ftw.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef VXSTACK_TESTS_DIR
#define VXSTACK_TESTS_DIR "tests"
#endif

struct harness_test {
    const char *name;
    harness_test_func *func;
    const char *file;
};

static struct harness_test *tests;
static size_t n_tests, allocated_tests;
static char tmpdir_path[256];
static bool tmpdir_made;

void
harness_register(const char *name, harness_test_func *func, const char *file)
{
    if (n_tests >= allocated_tests) {
        allocated_tests = allocated_tests ? allocated_tests * 2 : 64;
        tests = realloc(tests, allocated_tests * sizeof *tests);
        if (!tests) {
            abort();
        }
    }
    tests[n_tests].name = name;
    tests[n_tests].func = func;
    tests[n_tests].file = file;
    n_tests++;
}

void
harness_fail(const char *file, int line, const char *fmt, ...)
{
    va_list args;

    fprintf(stderr, "%s:%d: ", file, line);
    va_start(args, fmt);
    vfprintf(stderr, fmt, args);
    va_end(args);
    fputc('\n', stderr);
    fflush(stderr);
    exit(1);
}

void
harness_skip(const char *reason)
{
    fprintf(stderr, "skipped: %s\n", reason);
    fflush(stderr);
    exit(77);
}

void
harness_fail_str(const char *file, int line, const char *expr_a,
                 const char *expr_b, const char *a, const char *b)
{
    size_t i = 0;

    if (a && b) {
        while (a[i] && a[i] == b[i]) {
            i++;
        }
    }
    fprintf(stderr, "%s:%d: %s != %s (first difference at byte %zu)\n"
            "--- %s:\n%s\n--- %s:\n%s\n", file, line, expr_a, expr_b, i,
            expr_a, a ? a : "(null)", expr_b, b ? b : "(null)");
    fflush(stderr);
    exit(1);
}

void
harness_fail_mem(const char *file, int line, const char *expr_a,
                 const char *expr_b, const void *a_, const void *b_, size_t n)
{
    const uint8_t *a = a_, *b = b_;
    size_t i = 0, start, end;

    while (i < n && a[i] == b[i]) {
        i++;
    }
    fprintf(stderr, "%s:%d: %s != %s (%zu bytes, first difference at %zu)\n",
            file, line, expr_a, expr_b, n, i);
    start = i >= 8 ? i - 8 : 0;
    end = i + 24 < n ? i + 24 : n;
    fprintf(stderr, "  %-6s", "a:");
    for (size_t j = start; j < end; j++) {
        fprintf(stderr, "%02x%s", a[j], j == i ? "*" : " ");
    }
    fprintf(stderr, "\n  %-6s", "b:");
    for (size_t j = start; j < end; j++) {
        fprintf(stderr, "%02x%s", b[j], j == i ? "*" : " ");
    }
    fputc('\n', stderr);
    fflush(stderr);
    exit(1);
}

const char *
harness_tests_dir(void)
{
    const char *dir = getenv("VXSTACK_TESTS_DIR");

    return dir && *dir ? dir : VXSTACK_TESTS_DIR;
}

const char *
harness_tmpdir(void)
{
    if (!tmpdir_made) {
        const char *base = getenv("TMPDIR");

        snprintf(tmpdir_path, sizeof tmpdir_path, "%s/vxtest.XXXXXX",
                 base && *base ? base : "/tmp");
        if (!mkdtemp(tmpdir_path)) {
            harness_fail(__FILE__, __LINE__, "mkdtemp: %s", strerror(errno));
        }
        tmpdir_made = true;
    }
    return tmpdir_path;
}

static int
remove_entry(const char *path, const struct stat *st, int flag,
             struct FTW *ftw)
{
    (void) st;
    (void) flag;
    (void) ftw;
    return remove(path);
}

static int
timeout_seconds(void)
{
    const char *s = getenv("VXSTACK_TEST_TIMEOUT");
    int t = s ? atoi(s) : 0;

    return t > 0 ? t : 120;
}

/* Runs TEST in a child.  Returns 0 pass, 1 fail, 77 skip. */
static int
run_one(const struct harness_test *test, bool fork_tests)
{
    if (!fork_tests) {
        test->func();
        return 0;
    }

    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "fork: %s\n", strerror(errno));
        return 1;
    }
    if (!pid) {
        alarm((unsigned int) timeout_seconds());
        test->func();
        if (tmpdir_made) {
            nftw(tmpdir_path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
        }
        fflush(stdout);
        fflush(stderr);
        _exit(0);
    }

    int status;
    while (waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            return 1;
        }
    }
    if (WIFEXITED(status)) {
        int code = WEXITSTATUS(status);
        return code == 0 ? 0 : code == 77 ? 77 : 1;
    }
    if (WIFSIGNALED(status)) {
        fprintf(stderr, "%s: killed by signal %d%s\n", test->name,
                WTERMSIG(status),
                WTERMSIG(status) == SIGALRM ? " (timeout)" : "");
    }
    return 1;
}

int
main(int argc, char *argv[])
{
    bool fork_tests = true;
    int n_pass = 0, n_fail = 0, n_skip = 0;
    int first_name = argc;

    setvbuf(stdout, NULL, _IOLBF, 0);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--list")) {
            for (size_t j = 0; j < n_tests; j++) {
                printf("%s\n", tests[j].name);
            }
            return 0;
        } else if (!strcmp(argv[i], "--no-fork")) {
            fork_tests = false;
        } else if (argv[i][0] == '-') {
            fprintf(stderr, "%s: unknown option %s\n", argv[0], argv[i]);
            return 2;
        } else if (first_name == argc) {
            first_name = i;
        }
    }

    for (size_t j = 0; j < n_tests; j++) {
        bool selected = first_name == argc;

        for (int i = first_name; i < argc && !selected; i++) {
            selected = argv[i][0] != '-' && !strcmp(argv[i], tests[j].name);
        }
        if (!selected) {
            continue;
        }

        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        int r = run_one(&tests[j], fork_tests);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        double secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;

        if (r == 0) {
            n_pass++;
            printf("PASS %s (%.2fs)\n", tests[j].name, secs);
        } else if (r == 77) {
            n_skip++;
            printf("SKIP %s\n", tests[j].name);
        } else {
            n_fail++;
            printf("FAIL %s (%s)\n", tests[j].name, tests[j].file);
        }
    }
    printf("%d passed, %d failed, %d skipped\n", n_pass, n_fail, n_skip);
    return n_fail ? 1 : 0;
}

void
harness_run(const char *format, ...)
{
    va_list args;
    char *cmd;
    int status;
    int n;

    va_start(args, format);
    n = vasprintf(&cmd, format, args);
    va_end(args);
    if (n < 0) {
        harness_fail(__FILE__, __LINE__, "out of memory");
    }
    status = system(cmd);
    if (status) {
        harness_fail(__FILE__, __LINE__, "`%s` failed (status %d)", cmd,
                     status);
    }
    free(cmd);
}
