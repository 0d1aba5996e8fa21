/*
 * harness.h: vxstack's in-tree test harness.
 *
 * A test file defines tests with TEST(name) { ... } and links with
 * tests/harness.c, which provides main().  Tests register themselves at
 * program start.  Each test runs in its own child process, so a crash or
 * an ASan report fails that test only; a test that runs longer than its
 * time limit (TEST_TIMEOUT seconds, 120 by default, or $VXSTACK_TEST_TIMEOUT)
 * fails.  SKIP("reason") ends a test as skipped (exit status 77) when it
 * cannot run here (no root, no tool).
 *
 * Assertions print both sides on failure:
 *   ASSERT_EQ(a, b)       integers (as intmax_t / uintmax_t)
 *   ASSERT_NE(a, b)
 *   ASSERT_LT/LE/GT/GE
 *   ASSERT_TRUE(x), ASSERT_FALSE(x)
 *   ASSERT_STR_EQ(a, b)   C strings (NULL-safe), with a diff position
 *   ASSERT_STR_CONTAINS(haystack, needle)
 *   ASSERT_MEM_EQ(a, b, n) with a hex dump of the first difference
 *   ASSERT_OK(err)        an errno-style int that must be 0
 *   ASSERT_NO_ERROR(msg)  a char * error from a parser that must be NULL
 *                         (freed)
 *   ASSERT_ERROR(msg, substring)  a char * error that must be non-NULL and
 *                         contain SUBSTRING (freed)
 *
 * Usage of a test binary:
 *   test-foo              run every test, one line per test, then the
 *                         summary "N passed, N failed, N skipped"
 *   test-foo NAME...      run the named tests only
 *   test-foo --list       list test names
 *   test-foo --no-fork    run in-process (for gdb)
 */
#ifndef VX_TESTS_HARNESS_H
#define VX_TESTS_HARNESS_H 1

#include <inttypes.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef void harness_test_func(void);

void harness_register(const char *name, harness_test_func *, const char *file);
void harness_fail(const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4), noreturn));
void harness_skip(const char *reason) __attribute__((noreturn));
void harness_fail_str(const char *file, int line, const char *expr_a,
                      const char *expr_b, const char *a, const char *b)
    __attribute__((noreturn));
void harness_fail_mem(const char *file, int line, const char *expr_a,
                      const char *expr_b, const void *a, const void *b,
                      size_t n) __attribute__((noreturn));

/* Runs the shell command made from printf-style FORMAT (system(3)) and
 * fails the test, naming the command and its status, unless it exits 0. */
void harness_run(const char *format, ...)
    __attribute__((format(printf, 1, 2)));

/* Returns the directory of the source tree's tests/ folder (for data
 * files), from $VXSTACK_TESTS_DIR or the compiled-in default. */
const char *harness_tests_dir(void);

/* Returns a fresh temporary directory for this test (removed after the
 * test when it passes). */
const char *harness_tmpdir(void);

#define TEST(NAME)                                                            \
    static void test_##NAME(void);                                            \
    __attribute__((constructor)) static void test_register_##NAME(void)       \
    {                                                                         \
        harness_register(#NAME, test_##NAME, __FILE__);                       \
    }                                                                         \
    static void test_##NAME(void)

#define SKIP(REASON) harness_skip(REASON)

#define ASSERT_CMP_(A, B, OP, TYPE, FMT)                                      \
    do {                                                                      \
        TYPE a__ = (TYPE) (A);                                                \
        TYPE b__ = (TYPE) (B);                                                \
        if (!(a__ OP b__)) {                                                  \
            harness_fail(__FILE__, __LINE__,                                  \
                         "%s %s %s: %" FMT " vs %" FMT, #A, #OP, #B, a__,     \
                         b__);                                                \
        }                                                                     \
    } while (0)

#define ASSERT_EQ(A, B) ASSERT_CMP_(A, B, ==, intmax_t, PRIdMAX)
#define ASSERT_NE(A, B) ASSERT_CMP_(A, B, !=, intmax_t, PRIdMAX)
#define ASSERT_LT(A, B) ASSERT_CMP_(A, B, <, intmax_t, PRIdMAX)
#define ASSERT_LE(A, B) ASSERT_CMP_(A, B, <=, intmax_t, PRIdMAX)
#define ASSERT_GT(A, B) ASSERT_CMP_(A, B, >, intmax_t, PRIdMAX)
#define ASSERT_GE(A, B) ASSERT_CMP_(A, B, >=, intmax_t, PRIdMAX)
#define ASSERT_UEQ(A, B) ASSERT_CMP_(A, B, ==, uintmax_t, PRIuMAX)
#define ASSERT_HEX_EQ(A, B) ASSERT_CMP_(A, B, ==, uintmax_t, "#" PRIxMAX)

#define ASSERT_TRUE(X)                                                        \
    do {                                                                      \
        if (!(X)) {                                                           \
            harness_fail(__FILE__, __LINE__, "expected true: %s", #X);        \
        }                                                                     \
    } while (0)

#define ASSERT_FALSE(X)                                                       \
    do {                                                                      \
        if (X) {                                                              \
            harness_fail(__FILE__, __LINE__, "expected false: %s", #X);       \
        }                                                                     \
    } while (0)

#define ASSERT_STR_EQ(A, B)                                                   \
    do {                                                                      \
        const char *a__ = (A);                                                \
        const char *b__ = (B);                                                \
        if (!a__ || !b__ ? a__ != b__ : strcmp(a__, b__) != 0) {              \
            harness_fail_str(__FILE__, __LINE__, #A, #B, a__, b__);           \
        }                                                                     \
    } while (0)

#define ASSERT_STR_CONTAINS(HAY, NEEDLE)                                      \
    do {                                                                      \
        const char *h__ = (HAY);                                              \
        const char *n__ = (NEEDLE);                                           \
        if (!h__ || !strstr(h__, n__)) {                                      \
            harness_fail(__FILE__, __LINE__, "%s does not contain \"%s\": "   \
                         "\"%s\"", #HAY, n__, h__ ? h__ : "(null)");          \
        }                                                                     \
    } while (0)

#define ASSERT_MEM_EQ(A, B, N)                                                \
    do {                                                                      \
        const void *a__ = (A);                                                \
        const void *b__ = (B);                                                \
        size_t n__ = (N);                                                     \
        if (memcmp(a__, b__, n__)) {                                          \
            harness_fail_mem(__FILE__, __LINE__, #A, #B, a__, b__, n__);      \
        }                                                                     \
    } while (0)

#define ASSERT_OK(ERR)                                                        \
    do {                                                                      \
        int e__ = (ERR);                                                      \
        if (e__) {                                                            \
            harness_fail(__FILE__, __LINE__, "%s failed: %s (%d)", #ERR,      \
                         strerror(e__), e__);                                 \
        }                                                                     \
    } while (0)

#define ASSERT_NO_ERROR(MSG)                                                  \
    do {                                                                      \
        char *m__ = (MSG);                                                    \
        if (m__) {                                                            \
            harness_fail(__FILE__, __LINE__, "%s failed: %s", #MSG, m__);     \
        }                                                                     \
    } while (0)

#define ASSERT_ERROR(MSG, SUBSTRING)                                          \
    do {                                                                      \
        char *m__ = (MSG);                                                    \
        const char *s__ = (SUBSTRING);                                        \
        if (!m__) {                                                           \
            harness_fail(__FILE__, __LINE__, "%s succeeded, expected an "     \
                         "error containing \"%s\"", #MSG, s__);               \
        }                                                                     \
        if (!strstr(m__, s__)) {                                              \
            harness_fail(__FILE__, __LINE__, "%s: error \"%s\" does not "     \
                         "contain \"%s\"", #MSG, m__, s__);                   \
        }                                                                     \
        free(m__);                                                            \
    } while (0)

#endif /* VX_TESTS_HARNESS_H */
