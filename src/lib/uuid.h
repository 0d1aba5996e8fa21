/*
 * uuid.h: RFC 4122 universally unique identifiers.
 *
 * A struct uuid holds 128 bits as four 32-bit words, most significant
 * first, so comparing the words in order sorts UUIDs the same way as
 * comparing their text forms: this is the order OVSDB uses for the members
 * of a set of references, and `vsctl show` prints ports in it.
 *
 * uuid_generate() makes a random (version 4) UUID from getrandom().
 *
 * Thread safety: all functions are thread-safe.
 */
#ifndef VX_LIB_UUID_H
#define VX_LIB_UUID_H 1

#include <stdbool.h>
#include <stdint.h>

struct ds;

struct uuid {
    uint32_t parts[4];  /* 128 bits, parts[0] most significant. */
};

/* Length of the text form "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx". */
#define UUID_LEN 36

/* printf() format and arguments for a UUID's text form. */
#define UUID_FMT "%08x-%04x-%04x-%04x-%04x%08x"
#define UUID_ARGS(UUID)                                                       \
    ((unsigned int) ((UUID)->parts[0])),                                      \
    ((unsigned int) ((UUID)->parts[1] >> 16)),                                \
    ((unsigned int) ((UUID)->parts[1] & 0xffff)),                             \
    ((unsigned int) ((UUID)->parts[2] >> 16)),                                \
    ((unsigned int) ((UUID)->parts[2] & 0xffff)),                             \
    ((unsigned int) ((UUID)->parts[3]))

/* Stores a new random version 4 UUID in *UUID. */
void uuid_generate(struct uuid *uuid);

/* Sets *UUID to all zeros / returns true if it is all zeros. */
void uuid_zero(struct uuid *uuid);
bool uuid_is_zero(const struct uuid *uuid);

/* Returns negative, zero or positive as A sorts before, equal to or after
 * B (the order of their text forms). */
int uuid_compare_3way(const struct uuid *a, const struct uuid *b);

static inline bool
uuid_equals(const struct uuid *a, const struct uuid *b)
{
    return a->parts[0] == b->parts[0] && a->parts[1] == b->parts[1]
           && a->parts[2] == b->parts[2] && a->parts[3] == b->parts[3];
}

/* Parses S, which must be exactly a UUID in text form (either case).
 * Returns true and stores it in *UUID on success; on failure returns false
 * and zeroes *UUID. */
bool uuid_from_string(struct uuid *uuid, const char *s);

/* Returns the number of leading characters of S (at most UUID_LEN) that
 * could begin a UUID's text form, if all of S is such a prefix; otherwise
 * 0.  "8f8b1d5e-9" gives 10, "8f8x" gives 0. */
int uuid_is_partial_string(const char *s);

/* Returns true if the text form of UUID begins with PREFIX (either case),
 * which uuid_is_partial_string() accepted. */
bool uuid_is_partial_match(const struct uuid *uuid, const char *prefix);

/* Returns a 32-bit hash of UUID. */
uint32_t uuid_hash(const struct uuid *uuid);

/* Appends the text form of UUID to DS. */
void uuid_format(struct ds *ds, const struct uuid *uuid);

#endif /* VX_LIB_UUID_H */
