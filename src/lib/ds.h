/*
 * ds.h: a growable, always NUL-terminated string ("dynamic string").
 *
 * Every formatter in vxstack (flows, actions, traces, `vsctl show`) appends
 * into a struct ds, so output is built in one place and written at once.
 *
 * Thread safety: a struct ds is owned by one thread at a time.
 */
#ifndef VX_LIB_DS_H
#define VX_LIB_DS_H 1

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/util.h"

struct ds {
    char *string;     /* Null-terminated string, or NULL when empty. */
    size_t length;    /* Bytes used, not counting the terminator. */
    size_t allocated; /* Bytes allocated, not counting the terminator. */
};

#define DS_EMPTY_INITIALIZER { NULL, 0, 0 }

void ds_init(struct ds *);
void ds_clear(struct ds *);
void ds_truncate(struct ds *, size_t new_length);
void ds_reserve(struct ds *, size_t min_length);

/* Appends N uninitialized bytes and returns a pointer to them. */
char *ds_put_uninit(struct ds *, size_t n);
void ds_put_char(struct ds *, char);
void ds_put_char_multiple(struct ds *, char, size_t n);
void ds_put_buffer(struct ds *, const char *, size_t n);
void ds_put_cstr(struct ds *, const char *);
void ds_put_format(struct ds *, const char *, ...) PRINTF_FORMAT(2, 3);
void ds_put_format_valist(struct ds *, const char *, va_list)
    PRINTF_FORMAT(2, 0);

/* Appends S as a JSON string literal (with quotes and escapes). */
void ds_put_json_string(struct ds *, const char *s);

/* Appends N bytes of BUF as lowercase hex with no separators. */
void ds_put_hex(struct ds *, const void *buf, size_t n);

/* Appends a hex dump of BUF in the style of `ovs-ofctl` / `hexdump -C`:
 * offset, 16 bytes per line, and ASCII when ASCII is true. */
void ds_put_hex_dump(struct ds *, const void *buf, size_t size, uintptr_t ofs,
                     bool ascii);

/* Returns the string (never NULL; "" when empty).  Owned by the ds. */
const char *ds_cstr_ro(const struct ds *);
char *ds_cstr(struct ds *);

/* Returns the string and leaves the ds empty; the caller frees it. */
char *ds_steal_cstr(struct ds *);

void ds_destroy(struct ds *);
void ds_swap(struct ds *, struct ds *);

/* Removes trailing whitespace; returns the last character left or 0. */
int ds_chomp(struct ds *, int c);

/* Reads one line from FILE into the ds (without the newline).  Returns 0
 * on success, EOF at end of file with nothing read. */
int ds_get_line(struct ds *, FILE *);

#endif /* VX_LIB_DS_H */
