/* uuid.c: see uuid.h. */
#include "lib/uuid.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "lib/ds.h"
#include "lib/util.h"

void
uuid_generate(struct uuid *uuid)
{
    uint8_t *p = (uint8_t *) uuid->parts;
    size_t done = 0;

    while (done < sizeof uuid->parts) {
        ssize_t n = getrandom(p + done, sizeof uuid->parts - done, 0);

        if (n < 0) {
            /* getrandom() only fails before the pool is initialised or
             * when interrupted; either way, trying again is right. */
            vx_assert(errno == EINTR || errno == EAGAIN);
            continue;
        }
        done += (size_t) n;
    }
    /* Version 4 (random) in the top nibble of the third group; variant
     * 10xx in the top bits of the fourth group. */
    uuid->parts[1] = (uuid->parts[1] & 0xffff0fffu) | 0x00004000u;
    uuid->parts[2] = (uuid->parts[2] & 0x3fffffffu) | 0x80000000u;
}

void
uuid_zero(struct uuid *uuid)
{
    memset(uuid, 0, sizeof *uuid);
}

bool
uuid_is_zero(const struct uuid *uuid)
{
    return !(uuid->parts[0] | uuid->parts[1] | uuid->parts[2]
             | uuid->parts[3]);
}

int
uuid_compare_3way(const struct uuid *a, const struct uuid *b)
{
    for (int i = 0; i < 4; i++) {
        if (a->parts[i] != b->parts[i]) {
            return a->parts[i] < b->parts[i] ? -1 : 1;
        }
    }
    return 0;
}

/* Returns true if position I of a UUID's text form holds a hyphen. */
static bool
is_hyphen_position(int i)
{
    return i == 8 || i == 13 || i == 18 || i == 23;
}

bool
uuid_from_string(struct uuid *uuid, const char *s)
{
    int nibble = 0;

    uuid_zero(uuid);
    if (strlen(s) != UUID_LEN) {
        return false;
    }
    for (int i = 0; i < UUID_LEN; i++) {
        if (is_hyphen_position(i)) {
            if (s[i] != '-') {
                goto error;
            }
            continue;
        }
        int v = hexit_value((unsigned char) s[i]);
        if (v < 0) {
            goto error;
        }
        uuid->parts[nibble / 8] |= (uint32_t) v << (28 - 4 * (nibble % 8));
        nibble++;
    }
    return true;

error:
    uuid_zero(uuid);
    return false;
}

int
uuid_is_partial_string(const char *s)
{
    int i;

    for (i = 0; s[i]; i++) {
        if (i >= UUID_LEN) {
            return 0;
        }
        if (is_hyphen_position(i) ? s[i] != '-'
                                  : hexit_value((unsigned char) s[i]) < 0) {
            return 0;
        }
    }
    return i;
}

bool
uuid_is_partial_match(const struct uuid *uuid, const char *prefix)
{
    char text[UUID_LEN + 1];
    size_t n = strlen(prefix);

    snprintf(text, sizeof text, UUID_FMT, UUID_ARGS(uuid));
    return n <= UUID_LEN && !strncasecmp(text, prefix, n);
}

uint32_t
uuid_hash(const struct uuid *uuid)
{
    return uuid->parts[0] ^ uuid->parts[1] ^ uuid->parts[2]
           ^ uuid->parts[3];
}

void
uuid_format(struct ds *ds, const struct uuid *uuid)
{
    ds_put_format(ds, UUID_FMT, UUID_ARGS(uuid));
}
