/*
 * vsdb-private.h: internals of the switch configuration database shared
 * by vsdb.c (rows, transactions, checks, status), vsdb-journal.c
 * (persistence) and vsdb-iface.c (interface configuration checks), and
 * used by the unit tests.
 *
 * Thread safety: none, as vsdb.h.
 */
#ifndef VX_DAEMON_VSDB_PRIVATE_H
#define VX_DAEMON_VSDB_PRIVATE_H 1

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "daemon/vsdb.h"

struct ds;
struct vsdb_journal;

/* A registered observer. */
struct vsdb_observer {
    vsdb_observer_func *func;   /* Callback. */
    void *aux;                  /* Its argument. */
};

/* A registered validator. */
struct vsdb_validator {
    vsdb_validator_func *func;  /* Callback. */
    void *aux;                  /* Its argument. */
};

struct vsdb {
    struct vsdb_data data;              /* Committed contents. */
    uint64_t seqno;                     /* Commits that changed data. */
    struct vsdb_journal *journal;       /* Persistence, or NULL. */
    struct vsdb_observer *observers;    /* Array of 'n_observers'. */
    size_t n_observers;                 /* Number of observers. */
    size_t allocated_observers;         /* Allocated elements. */
    struct vsdb_validator *validators;  /* Array of 'n_validators'. */
    size_t n_validators;                /* Number of validators. */
    size_t allocated_validators;        /* Allocated elements. */
    bool in_txn;                        /* A transaction is open. */
    bool in_observers;                  /* Observers are running. */
};

struct vsdb_txn {
    struct vsdb *db;            /* Database the transaction belongs to. */
    struct vsdb_data data;      /* Working copy. */
};

/* Data sets (vsdb.c). */
void vsdb_data_init(struct vsdb_data *);
void vsdb_data_destroy(struct vsdb_data *);
void vsdb_data_clone(struct vsdb_data *dst, const struct vsdb_data *src);
void vsdb_data_swap(struct vsdb_data *, struct vsdb_data *);

/* Returns true if A and B differ in any column (with IGNORE_EPHEMERAL,
 * ephemeral columns are not compared). */
bool vsdb_data_differs(const struct vsdb_data *a, const struct vsdb_data *b,
                       bool ignore_ephemeral);

/* Creates a row of TABLE with UUID and default values in DATA and returns
 * it.  There must not be a row with UUID already. */
struct vsdb_row *vsdb_data_insert(struct vsdb_data *, enum vsdb_table_id,
                                  const struct uuid *);

/* Removes ROW from DATA and frees it. */
void vsdb_data_delete(struct vsdb_data *, struct vsdb_row *row);

/* Returns a writable pointer to the row of TABLE with UUID, or NULL. */
struct vsdb_row *vsdb_data_get_mutable(struct vsdb_data *,
                                       enum vsdb_table_id,
                                       const struct uuid *);

/* Replaces column COLUMN of ROW by *VALUE (which is left empty). */
void vsdb_row_put(struct vsdb_row *, int column, struct vsdb_datum *value);

/* Deletes rows of non-root tables that no row references, repeatedly. */
void vsdb_data_collect_garbage(struct vsdb_data *);

/* Checks DATA: row counts, every datum against its column type, that
 * every reference names an existing row, and unique names.  Returns NULL
 * or an error message. */
char *vsdb_data_check(const struct vsdb_data *) WARN_UNUSED;

/* Gives every interface without an OpenFlow port number one (see
 * vsdb.h). */
void vsdb_data_assign_ofports(struct vsdb_data *);

/* Built-in validator: checks the type and options of every interface
 * that is new in NEW or whose type or options differ from OLD
 * (vsdb-iface.c).  Errors read "Error detected while setting up
 * 'NAME': ...". */
char *vsdb_iface_validate(const struct vsdb_data *old,
                          const struct vsdb_data *new, void *aux);

/* Checks that interface NAME may have TYPE and OPTIONS (a string map).
 * Returns NULL or a message naming the problem. */
char *vsdb_iface_check_config(const char *name, const char *type,
                              const struct vsdb_datum *options)
    WARN_UNUSED;

/* Journal (vsdb-journal.c). */

/* Opens the journal at PATH, creating it if missing, and replays it into
 * DATA (which must be empty).  Returns 0 and the journal in *JOURNALP, or
 * an errno value. */
int vsdb_journal_open(const char *path, struct vsdb_data *data,
                      struct vsdb_journal **journalp);
void vsdb_journal_close(struct vsdb_journal *);

/* Replays the journal text BUF[0..SIZE) into DATA (which must be empty),
 * as vsdb_journal_open() does with a file.  Returns NULL if every record is
 * good, else a description of the first bad one (the caller frees it);
 * *GOOD_END is the length of the good prefix, whose records DATA
 * holds. */
char *vsdb_journal_replay(const char *buf, size_t size,
                          struct vsdb_data *data, size_t *good_end);

/* Returns the OVSDB-style JSON of the persistent changes from OLD to NEW,
 * {TABLE: {UUID: ROW-or-null}}, or NULL if there are none. */
json_t *vsdb_journal_diff(const struct vsdb_data *old,
                          const struct vsdb_data *new);

/* Returns the JSON of one column of ROW as a change record. */
json_t *vsdb_journal_row_change(const struct vsdb_row *, int column);

/* Appends a transaction record holding TXN (a reference is taken over)
 * and syncs it.  Returns 0 or an errno value (the journal is then as it
 * was). */
int vsdb_journal_write(struct vsdb_journal *, json_t *txn);

/* Returns true if the journal should be compacted now. */
bool vsdb_journal_wants_compaction(const struct vsdb_journal *);

/* Rewrites the journal as one snapshot of DATA.  Returns 0 or an errno
 * value (the old journal is then kept). */
int vsdb_journal_compact(struct vsdb_journal *, const struct vsdb_data *);

/* See vsdb_set_compaction(). */
void vsdb_journal_set_compaction(struct vsdb_journal *,
                                 unsigned int min_records,
                                 unsigned int factor);

/* Appends "journal:BYTES records:N" for memory/show. */
void vsdb_journal_report(const struct vsdb_journal *, struct ds *);

/* Returns the CRC-32 (IEEE 802.3) of N bytes at P. */
uint32_t vsdb_crc32(const void *p, size_t n);

#endif /* VX_DAEMON_VSDB_PRIVATE_H */
