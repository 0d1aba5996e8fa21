/* util.c: see util.h. */
#include "lib/util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

void
vx_assert_failure(const char *file, int line, const char *cond)
{
    fprintf(stderr, "%s:%d: assertion %s failed\n", file, line, cond);
    abort();
}

void
vx_fatal(const char *format, ...)
{
    va_list args;

    va_start(args, format);
    fputs("vxstack: ", stderr);
    vfprintf(stderr, format, args);
    fputc('\n', stderr);
    va_end(args);
    exit(1);
}

static void NO_RETURN
out_of_memory(void)
{
    fputs("vxstack: virtual memory exhausted\n", stderr);
    abort();
}

void *
xmalloc(size_t size)
{
    void *p = malloc(size ? size : 1);

    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xzalloc(size_t size)
{
    return xcalloc(1, size);
}

void *
xcalloc(size_t n, size_t size)
{
    void *p = n && size ? calloc(n, size) : calloc(1, 1);

    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xrealloc(void *p, size_t size)
{
    p = realloc(p, size ? size : 1);
    if (!p) {
        out_of_memory();
    }
    return p;
}

void *
xmemdup(const void *p, size_t size)
{
    void *q = xmalloc(size);

    if (size) {
        memcpy(q, p, size);
    }
    return q;
}

char *
xstrdup(const char *s)
{
    return xmemdup(s, strlen(s) + 1);
}

char *
xstrndup(const char *s, size_t n)
{
    size_t len = strnlen(s, n);
    char *q = xmalloc(len + 1);

    memcpy(q, s, len);
    q[len] = '\0';
    return q;
}

char *
xvasprintf(const char *format, va_list args)
{
    va_list args2;
    int needed;
    char *s;

    va_copy(args2, args);
    needed = vsnprintf(NULL, 0, format, args);
    vx_assert(needed >= 0);
    s = xmalloc((size_t) needed + 1);
    vsnprintf(s, (size_t) needed + 1, format, args2);
    va_end(args2);
    return s;
}

char *
xasprintf(const char *format, ...)
{
    va_list args;
    char *s;

    va_start(args, format);
    s = xvasprintf(format, args);
    va_end(args);
    return s;
}

void *
x2nrealloc(void *p, size_t *n_alloc, size_t elem_size)
{
    size_t n = *n_alloc;

    n = n ? n * 2 : 4;
    vx_assert(n <= SIZE_MAX / elem_size);
    *n_alloc = n;
    return xrealloc(p, n * elem_size);
}

size_t
vx_strlcpy(char *dst, const char *src, size_t size)
{
    size_t len = strlen(src);

    if (size) {
        size_t n = len < size - 1 ? len : size - 1;

        memcpy(dst, src, n);
        dst[n] = '\0';
    }
    return len;
}

bool
str_to_uint64(const char *s, int base, uint64_t max, uint64_t *value)
{
    unsigned long long int x;
    char *end;

    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') {
        return false;
    }
    errno = 0;
    x = strtoull(s, &end, base);
    if (errno || *end || x > max) {
        return false;
    }
    *value = x;
    return true;
}

bool
str_to_int(const char *s, int base, int *value)
{
    long long int x;
    char *end;

    if (!s || !*s || *s == ' ') {
        return false;
    }
    errno = 0;
    x = strtoll(s, &end, base);
    if (errno || *end || x < INT32_MIN || x > INT32_MAX) {
        return false;
    }
    *value = (int) x;
    return true;
}

bool
str_has_prefix(const char *s, const char *prefix)
{
    return !strncmp(s, prefix, strlen(prefix));
}

bool
str_has_suffix(const char *s, const char *suffix)
{
    size_t s_len = strlen(s), x_len = strlen(suffix);

    return s_len >= x_len && !strcmp(s + s_len - x_len, suffix);
}

bool
is_all_zeros(const void *p_, size_t size)
{
    const uint8_t *p = p_;

    for (size_t i = 0; i < size; i++) {
        if (p[i]) {
            return false;
        }
    }
    return true;
}

bool
is_all_ones(const void *p_, size_t size)
{
    const uint8_t *p = p_;

    for (size_t i = 0; i < size; i++) {
        if (p[i] != 0xff) {
            return false;
        }
    }
    return true;
}

const char *
vx_strerror(int error)
{
    return error ? strerror(error) : "Success";
}

int
vx_write_all(int fd, const void *p_, size_t n)
{
    const char *p = p_;

    while (n) {
        ssize_t r = write(fd, p, n);

        if (r < 0) {
            if (errno == EINTR) {
                continue;
            }
            return errno;
        }
        p += r;
        n -= (size_t) r;
    }
    return 0;
}
