/* Fuzz target: vsctl command lines.  The input is split at NUL bytes into
 * at most 64 arguments and run against a fresh in-memory database, then
 * `show` formats the result.  Whatever the line, the committed database
 * must stay consistent (every schema constraint, reference and unique name
 * holds). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "daemon/vsctl.h"
#include "daemon/vsdb-private.h"
#include "lib/ds.h"
#include "lib/util.h"
#include "lib/vlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Runs the NUL-separated arguments in BUF[0..SIZE) against DB. */
static void
run_line(struct vsdb *db, const char *buf, size_t size)
{
    char *copy = xmalloc(size + 1);
    const char *argv[64];
    struct ds out = DS_EMPTY_INITIALIZER;
    int argc = 0;

    memcpy(copy, buf, size);
    copy[size] = '\0';
    for (size_t i = 0; i < size && argc < 64; ) {
        argv[argc++] = copy + i;
        i += strlen(copy + i) + 1;
    }
    vsctl_run(db, argc, argv, &out);
    ds_destroy(&out);
    free(copy);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct ds show = DS_EMPTY_INITIALIZER;
    const char *p = (const char *) data;
    struct vsdb *db;
    char *error;

    if (size > 4096) {
        return 0;
    }
    vlog_set_level(VLL_OFF);
    if (vsdb_open(NULL, &db)) {
        abort();
    }
    /* A newline separates command lines, so that later lines see what
     * earlier ones built. */
    while (size) {
        const char *nl = memchr(p, '\n', size);
        size_t len = nl ? (size_t) (nl - p) : size;

        run_line(db, p, len);
        p += len + (nl != NULL);
        size -= len + (nl != NULL);
    }
    error = vsdb_data_check(vsdb_get_data(db));
    vx_assert(!error);
    vsctl_show(vsdb_get_data(db), &show);
    ds_destroy(&show);
    vsdb_close(db);
    return 0;
}
