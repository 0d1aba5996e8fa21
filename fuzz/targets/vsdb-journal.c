/* Fuzz target: replaying a switch configuration journal (conf.db) from
 * arbitrary bytes.  Replay must never crash, must report a good prefix no
 * longer than the input, and that prefix must replay again without error
 * to a consistent database. */
#include <stdint.h>
#include <stdlib.h>

#include "daemon/vsdb-private.h"
#include "lib/util.h"
#include "lib/vlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct vsdb_data db;
    size_t good_end;
    char *error;

    vlog_set_level(VLL_OFF);
    vsdb_data_init(&db);
    error = vsdb_journal_replay((const char *) data, size, &db, &good_end);
    free(error);
    vx_assert(good_end <= size);
    vsdb_data_destroy(&db);

    /* The good prefix is good on its own, and what it builds is
     * consistent. */
    vsdb_data_init(&db);
    error = vsdb_journal_replay((const char *) data, good_end, &db,
                                &good_end);
    vx_assert(!error);
    error = vsdb_data_check(&db);
    vx_assert(!error);
    vsdb_data_destroy(&db);
    return 0;
}
