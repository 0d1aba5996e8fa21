/*
 * util.h: small helpers every layer uses.
 *
 * Control-plane memory goes through xmalloc() and friends, which abort the
 * process on exhaustion: a half-built rule or bridge after a failed
 * allocation is worse than a restart, and the per-packet path never
 * allocates, so the only callers are configuration and slow-path code.
 *
 * Thread safety: every function here is thread-safe.
 */
#ifndef VX_LIB_UTIL_H
#define VX_LIB_UTIL_H 1

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Returns the struct of type STRUCT that holds MEMBER at address POINTER. */
#define CONTAINER_OF(POINTER, STRUCT, MEMBER)                                 \
    ((STRUCT *) (void *) ((char *) (POINTER) - offsetof(STRUCT, MEMBER)))

/* Casts POINTER to TYPE, dropping const; use only where an API takes a
 * non-const pointer it does not modify. */
#define CONST_CAST(TYPE, POINTER) ((TYPE) (uintptr_t) (POINTER))

#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define DIV_ROUND_UP(x, y) (((x) + ((y) - 1)) / (y))
#define ROUND_UP(x, y) (DIV_ROUND_UP(x, y) * (y))

#define OVS_LIKELY(x) __builtin_expect(!!(x), 1)
#define OVS_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define PRINTF_FORMAT(FMT, ARG1) __attribute__((format(printf, FMT, ARG1)))
#define NO_RETURN __attribute__((noreturn))
#define WARN_UNUSED __attribute__((warn_unused_result))

/* Aborts with a message naming the failed condition, file and line.  Kept
 * in release builds: these guard invariants whose violation would corrupt
 * state, not user input (user input gets an error string instead). */
#define vx_assert(COND)                                                       \
    do {                                                                      \
        if (OVS_UNLIKELY(!(COND))) {                                          \
            vx_assert_failure(__FILE__, __LINE__, #COND);                     \
        }                                                                     \
    } while (0)

void vx_assert_failure(const char *file, int line, const char *cond)
    NO_RETURN;

/* Prints "vxstack: <message>" to stderr and exits with status 1. */
void vx_fatal(const char *format, ...) PRINTF_FORMAT(1, 2) NO_RETURN;

/* Allocation wrappers: never return NULL (abort on exhaustion).  Memory is
 * released with free(). */
void *xmalloc(size_t size);
void *xzalloc(size_t size);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t size);
void *xmemdup(const void *p, size_t size);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *format, ...) PRINTF_FORMAT(1, 2);
char *xvasprintf(const char *format, va_list args) PRINTF_FORMAT(1, 0);

/* Returns the heap memory that a SIZE-byte allocation takes, for memory
 * reports: glibc's chunk for it (SIZE plus an 8-byte header, rounded up to
 * 16, at least 32 bytes).  A SIZE of 0 means no allocation. */
static inline size_t
vx_malloc_footprint(size_t size)
{
    return size ? MAX(32, ROUND_UP(size + 8, 16)) : 0;
}

/* Grows the array *P of *N_ALLOC elements of ELEM_SIZE bytes so that it
 * holds at least one more element than *N_ALLOC; returns the new array. */
void *x2nrealloc(void *p, size_t *n_alloc, size_t elem_size);

/* Copies at most SIZE - 1 bytes of SRC into DST and always terminates it
 * (when SIZE > 0).  Returns strlen(src). */
size_t vx_strlcpy(char *dst, const char *src, size_t size);

/* Parses a whole string as an unsigned integer in BASE (0 = C rules) that
 * must fit in MAX.  Returns true and stores it in *VALUE on success; false
 * (leaving *VALUE unchanged) on any trailing garbage, sign, or overflow. */
bool str_to_uint64(const char *s, int base, uint64_t max, uint64_t *value);

/* Like str_to_uint64() for a signed int within [MIN_, MAX_]. */
bool str_to_int(const char *s, int base, int *value);

/* Returns true if S starts with PREFIX. */
bool str_has_prefix(const char *s, const char *prefix);

/* Returns true if S ends with SUFFIX. */
bool str_has_suffix(const char *s, const char *suffix);

/* Returns the number of trailing zero bits / leading zero bits in X.
 * Undefined for X == 0 (callers check). */
static inline int
ctz64(uint64_t x)
{
    return __builtin_ctzll(x);
}

static inline int
clz64(uint64_t x)
{
    return __builtin_clzll(x);
}

static inline int
popcount64(uint64_t x)
{
    return __builtin_popcountll(x);
}

/* Returns true if X is 2**N - 1 shifted left by some amount: a contiguous
 * run of 1-bits (0 counts as a run of length 0). */
static inline bool
is_contiguous_mask64(uint64_t x)
{
    if (!x) {
        return true;
    }
    x >>= ctz64(x);
    return (x & (x + 1)) == 0;
}

/* Returns true if all SIZE bytes at P are zero. */
bool is_all_zeros(const void *p, size_t size);

/* Returns true if all SIZE bytes at P are 0xff. */
bool is_all_ones(const void *p, size_t size);

/* Returns a string for errno value ERROR, 0 giving "Success". */
const char *vx_strerror(int error);

/* Returns the value of hex digit C (0-9, a-f, A-F), or -1. */
static inline int
hexit_value(int c)
{
    return (c >= '0' && c <= '9' ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1);
}

/* Zeroes the N bytes at P (N a multiple of 8, P 8-byte aligned) with
 * 32-byte vector stores.  For the packet path: a memset() of a hundred or
 * more bytes becomes "rep stos", whose start-up costs dozens of cycles. */
static inline void
vx_zero_words(void *p_, size_t n)
{
    typedef uint64_t vx_zero_vec __attribute__((vector_size(32), may_alias,
                                                aligned(8)));
    typedef uint64_t vx_zero_word __attribute__((may_alias));
    const vx_zero_vec zero = { 0, 0, 0, 0 };
    uint8_t *p = p_;
    size_t i = 0;

    for (; i + 32 <= n; i += 32) {
        *(vx_zero_vec *) (void *) (p + i) = zero;
    }
    for (; i < n; i += 8) {
        *(vx_zero_word *) (void *) (p + i) = 0;
    }
}

/* Writes all N bytes at P to FD, retrying after EINTR and short writes.
 * Returns 0 or an errno value. */
int vx_write_all(int fd, const void *p, size_t n);

#endif /* VX_LIB_UTIL_H */
