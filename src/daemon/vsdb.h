/*
 * vsdb.h: the switch configuration database, vxstack's conf.db.
 *
 * vsdb holds the subset of Open vSwitch's OVSDB schema (vswitch.ovsschema)
 * that the seed's `ovs-vsctl show` needs: one Open_vSwitch row, Bridge,
 * Port, Interface, Controller and Manager rows, with the same column names,
 * types and constraints (tags 0..4095, ofport_request 1..65279, fail_mode
 * secure|standalone...).  Rows have random UUIDs.  As in OVSDB, only
 * Open_vSwitch is a root table: a Bridge, Port, Interface, Controller or
 * Manager row that nothing references any more is deleted when the
 * transaction commits, and every reference must name an existing row of
 * the right table.
 *
 * Reading.  vsdb_get_data() gives the committed contents.  Rows of a table
 * are kept sorted by UUID, which is also the order of the members of a set
 * of references, so iteration order is the order `vsctl show` prints.
 * Row and datum pointers stay valid until the database next changes (a
 * commit or a status update).
 *
 * Writing.  vsdb_txn_begin() copies the committed contents into a working
 * copy that the caller reads and changes freely; vsdb_txn_commit() checks
 * it (schema constraints, references, unique names, then each validator)
 * and, if everything holds, makes it the committed contents in one step
 * and appends the change to the journal.  On any error nothing changes:
 * this is what makes a vsctl command line with several `--` commands all
 * or nothing.
 *
 * OpenFlow port numbers.  On commit, every Interface without an `ofport`
 * gets one, as Open vSwitch numbers ports: its `ofport_request` when that
 * is free on its bridge, otherwise the lowest free number from 1; the
 * bridge's own internal interface gets 65534 (OFPP_LOCAL).  Numbers are
 * journaled, so a restarted daemon gives ports their old numbers.
 *
 * Runtime status.  The switch reports what happened to the configuration
 * with vsdb_iface_set_status() (an interface that cannot be opened gets
 * `error` set and `ofport` -1, freeing its number; success later gives it
 * a number again), vsdb_iface_set_mtu() and vsdb_set_is_connected().
 * These change the committed rows in place, do not run observers, and are
 * not journaled, except `ofport`.
 *
 * Observers.  Modules register callbacks that run after every commit that
 * changed something (the bridge glue reconfigures ofproto from them).
 * Observers may report status but must not commit transactions.
 *
 * Persistence.  The journal ($RUNDIR/conf.db) is one JSON object per line:
 * {"cksum":"<crc32>","seq":N,"txn":{TABLE:{UUID:ROW-or-null}}} for each
 * committed transaction (ROW holds the changed columns in OVSDB's JSON
 * form; null deletes) or {"cksum":...,"seq":N,"snapshot":{...}} for the
 * whole database.  The checksum covers the record without "cksum", printed
 * compactly with sorted keys.  vsdb_open() replays the journal; a record
 * that is truncated, unparsable, fails its checksum or is out of sequence
 * ends the replay: it and everything after it are logged, copied to
 * "<path>.corrupt" and cut off (the state is that of the last good
 * record).  When the journal holds many records and has grown several
 * times past its last snapshot, it is rewritten as one snapshot (written
 * to "<path>.tmp", synced and renamed over the journal).
 *
 * Thread safety: none; the daemon's main thread owns the database.
 */
#ifndef VX_DAEMON_VSDB_H
#define VX_DAEMON_VSDB_H 1

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "daemon/vsdb-data.h"
#include "lib/util.h"
#include "lib/uuid.h"

struct ds;

/* Tables. */
enum vsdb_table_id {
    VSDB_OPEN_VSWITCH,  /* The single root row. */
    VSDB_BRIDGE,        /* Bridges, referenced by Open_vSwitch.bridges. */
    VSDB_PORT,          /* Ports, referenced by Bridge.ports. */
    VSDB_INTERFACE,     /* Interfaces, referenced by Port.interfaces. */
    VSDB_CONTROLLER,    /* OpenFlow controllers of a bridge. */
    VSDB_MANAGER,       /* OVSDB managers of the switch. */
    VSDB_N_TABLES
};

/* Columns of each table, in alphabetical order (the order `vsctl list`
 * prints them). */
enum {
    VSDB_OVS_BRIDGES,           /* Set of Bridge references. */
    VSDB_OVS_EXTERNAL_IDS,      /* Map string -> string. */
    VSDB_OVS_MANAGER_OPTIONS,   /* Set of Manager references. */
    VSDB_OVS_OVS_VERSION,       /* Optional string, set by the daemon. */
    VSDB_OVS_N_COLUMNS
};
enum {
    VSDB_BR_CONTROLLER,         /* Set of Controller references. */
    VSDB_BR_DATAPATH_TYPE,      /* String ("" = default, "system"...). */
    VSDB_BR_EXTERNAL_IDS,       /* Map string -> string. */
    VSDB_BR_FAIL_MODE,          /* Optional "secure" or "standalone". */
    VSDB_BR_NAME,               /* String, unique, immutable. */
    VSDB_BR_OTHER_CONFIG,       /* Map string -> string. */
    VSDB_BR_PORTS,              /* Set of Port references. */
    VSDB_BR_PROTOCOLS,          /* Set of "OpenFlow10".."OpenFlow15". */
    VSDB_BR_N_COLUMNS
};
enum {
    VSDB_PORT_EXTERNAL_IDS,     /* Map string -> string. */
    VSDB_PORT_INTERFACES,       /* Set of 1 or more Interface refs. */
    VSDB_PORT_NAME,             /* String, unique, immutable. */
    VSDB_PORT_OTHER_CONFIG,     /* Map string -> string. */
    VSDB_PORT_TAG,              /* Optional integer 0..4095. */
    VSDB_PORT_TRUNKS,           /* Set of integers 0..4095. */
    VSDB_PORT_VLAN_MODE,        /* Optional trunk|access|native-*... */
    VSDB_PORT_N_COLUMNS
};
enum {
    VSDB_IFACE_ERROR,           /* Optional string (runtime status). */
    VSDB_IFACE_EXTERNAL_IDS,    /* Map (iface-id, attached-mac...). */
    VSDB_IFACE_MTU,             /* Optional integer (runtime status). */
    VSDB_IFACE_MTU_REQUEST,     /* Optional integer >= 1. */
    VSDB_IFACE_NAME,            /* String, unique, immutable. */
    VSDB_IFACE_OFPORT,          /* Optional integer: OpenFlow port number,
                                 * -1 when the interface failed. */
    VSDB_IFACE_OFPORT_REQUEST,  /* Optional integer 1..65279. */
    VSDB_IFACE_OPTIONS,         /* Map (peer, remote_ip, in_key...). */
    VSDB_IFACE_TYPE,            /* String: "", system, internal, dummy,
                                 * tap, patch or vxlan. */
    VSDB_IFACE_N_COLUMNS
};
enum {
    VSDB_CTRL_IS_CONNECTED,     /* Boolean (runtime status). */
    VSDB_CTRL_TARGET,           /* String, e.g. "tcp:127.0.0.1:6633". */
    VSDB_CTRL_N_COLUMNS
};
enum {
    VSDB_MGR_IS_CONNECTED,      /* Boolean (runtime status). */
    VSDB_MGR_TARGET,            /* String, unique. */
    VSDB_MGR_N_COLUMNS
};

/* OpenFlow port number of a bridge's own internal interface. */
#define VSDB_OFPORT_LOCAL 65534

/* Largest OpenFlow port number given to an interface (OFPP_MAX). */
#define VSDB_OFPORT_MAX 65279

/* A column of a table. */
struct vsdb_column {
    const char *name;           /* Column name, as in vswitch.ovsschema. */
    struct vsdb_type type;      /* Type and constraints. */
    bool is_mutable;            /* False: fixed once the row exists. */
    bool is_ephemeral;          /* Runtime status, not journaled. */
};

/* A table. */
struct vsdb_table_class {
    const char *name;                   /* Table name ("Bridge"). */
    const struct vsdb_column *columns;  /* Columns, alphabetical. */
    int n_columns;                      /* Number of columns. */
    bool is_root;                       /* Rows live without references. */
    int name_column;                    /* Column that names a row, or
                                         * -1. */
    bool unique_name;                   /* No two rows share a name. */
    unsigned int max_rows;              /* Most rows, or 0 for no limit. */
};

/* The schema, indexed by enum vsdb_table_id. */
extern const struct vsdb_table_class vsdb_tables[VSDB_N_TABLES];

/* Returns the column COLUMN of TABLE. */
const struct vsdb_column *vsdb_column(enum vsdb_table_id, int column);

/* A row.  Its datums are indexed by the table's column enum. */
struct vsdb_row {
    struct uuid uuid;               /* The row's UUID. */
    enum vsdb_table_id table;       /* Its table. */
    uint64_t seq;                   /* Creation order within this process;
                                     * ports are numbered in this order. */
    struct vsdb_datum columns[];    /* One datum per column. */
};

/* The rows of one table, sorted by UUID. */
struct vsdb_rows {
    struct vsdb_row **rows;         /* Array of N rows. */
    size_t n;                       /* Number of rows. */
    size_t allocated;               /* Allocated elements of 'rows'. */
};

/* The contents of a database: committed, or a transaction's working copy.
 * Its members are private; use the functions below. */
struct vsdb_data {
    struct vsdb_rows tables[VSDB_N_TABLES]; /* Rows of each table. */
    uint64_t next_seq;                      /* Next row's 'seq'. */
};

struct vsdb;
struct vsdb_txn;

/* Opening and closing. */

/* Opens the database journaled in PATH (created when missing), or an
 * in-memory database when PATH is NULL, and ensures it has its
 * Open_vSwitch row.  Returns 0 and stores the database in *DBP, or an
 * errno value for an I/O error (a corrupt journal tail is not an error:
 * it is cut off and logged). */
int vsdb_open(const char *path, struct vsdb **dbp);

/* Closes DB and frees it.  NULL is allowed. */
void vsdb_close(struct vsdb *db);

/* Returns the committed contents of DB. */
const struct vsdb_data *vsdb_get_data(const struct vsdb *db);

/* Returns a number that increases whenever a transaction commits a
 * change. */
uint64_t vsdb_get_seqno(const struct vsdb *db);

/* Reading rows. */

/* Returns the number of rows of TABLE in DATA. */
size_t vsdb_count(const struct vsdb_data *, enum vsdb_table_id);

/* Returns the IDX'th row of TABLE (IDX < vsdb_count()), in UUID order. */
const struct vsdb_row *vsdb_row_at(const struct vsdb_data *,
                                   enum vsdb_table_id, size_t idx);

/* Iterates ROW over the rows of TABLE in DATA, in UUID order; IDX is a
 * size_t for the loop's use. */
#define VSDB_FOR_EACH_ROW(ROW, IDX, TABLE, DATA)                              \
    for ((IDX) = 0;                                                           \
         (IDX) < vsdb_count(DATA, TABLE)                                      \
         && ((ROW) = vsdb_row_at(DATA, TABLE, IDX), true);                    \
         (IDX)++)

/* Returns the row of TABLE with UUID, or NULL. */
const struct vsdb_row *vsdb_get_row(const struct vsdb_data *,
                                    enum vsdb_table_id,
                                    const struct uuid *);

/* Returns the row of TABLE whose name column (Bridge, Port and Interface
 * name, Manager and Controller target) equals NAME, or NULL.  For the
 * Controller table, which allows duplicate targets, the first match. */
const struct vsdb_row *vsdb_find_row(const struct vsdb_data *,
                                     enum vsdb_table_id, const char *name);

/* Returns the Open_vSwitch row (every database has exactly one). */
const struct vsdb_row *vsdb_root(const struct vsdb_data *);

/* Returns the datum in COLUMN of ROW. */
const struct vsdb_datum *vsdb_row_get(const struct vsdb_row *, int column);

/* For a string column that holds at most one value: the value, or NULL
 * when an optional column is empty. */
const char *vsdb_row_get_string(const struct vsdb_row *, int column);

/* For an integer column that holds at most one value: returns true and
 * stores the value in *VALUE, or returns false when it is empty. */
bool vsdb_row_get_integer(const struct vsdb_row *, int column,
                          int64_t *value);

/* For a boolean column holding at most one value: the value (false when
 * empty). */
bool vsdb_row_get_boolean(const struct vsdb_row *, int column);

/* For a string-to-string map column: the value of KEY, or NULL. */
const char *vsdb_row_get_smap(const struct vsdb_row *, int column,
                              const char *key);

/* Returns ROW's name (its name column), or NULL for Open_vSwitch. */
const char *vsdb_row_name(const struct vsdb_row *);

/* Iterates CHILD over the rows that reference column COLUMN of ROW lists
 * (Bridge.ports, Port.interfaces...), in UUID order, skipping references
 * to rows DATA does not have.  I is an unsigned int for the loop's use. */
#define VSDB_FOR_EACH_REF(CHILD, I, ROW, COLUMN, DATA)                        \
    for ((I) = 0; (I) < vsdb_row_get(ROW, COLUMN)->n; (I)++)                  \
        if (((CHILD) = vsdb_row_ref(DATA, ROW, COLUMN, I)) != NULL)

/* Returns the row that the IDX'th member of reference column COLUMN of ROW
 * points to, or NULL. */
const struct vsdb_row *vsdb_row_ref(const struct vsdb_data *,
                                    const struct vsdb_row *, int column,
                                    unsigned int idx);

/* Returns the Bridge row that holds Port row PORT, or NULL. */
const struct vsdb_row *vsdb_port_bridge(const struct vsdb_data *,
                                        const struct vsdb_row *port);

/* Returns the Port row that holds Interface row IFACE, or NULL. */
const struct vsdb_row *vsdb_iface_port(const struct vsdb_data *,
                                       const struct vsdb_row *iface);

/* Transactions. */

/* Starts a transaction on DB: a working copy of the committed contents.
 * Only one transaction may be open at a time. */
struct vsdb_txn *vsdb_txn_begin(struct vsdb *db);

/* Returns the working copy, for the reading functions above. */
const struct vsdb_data *vsdb_txn_data(const struct vsdb_txn *);

/* Inserts a row into TABLE with a fresh random UUID and default values,
 * and returns it. */
const struct vsdb_row *vsdb_txn_insert(struct vsdb_txn *,
                                       enum vsdb_table_id);

/* Deletes ROW (a row of the working copy) at once.  References to it that
 * remain at commit make the commit fail. */
void vsdb_txn_delete(struct vsdb_txn *, const struct vsdb_row *row);

/* Replaces COLUMN of ROW (a row of the working copy) by *VALUE, taking
 * ownership of its contents (*VALUE is left empty).  VALUE must be sorted
 * (vsdb_datum_sort()); constraints are checked at commit. */
void vsdb_txn_write(struct vsdb_txn *, const struct vsdb_row *row,
                    int column, struct vsdb_datum *value);

/* Convenience writers: a string column holding at most one value (NULL
 * empties an optional column), an integer column (optional when
 * HAS_VALUE is false), and one KEY of a string map (VALUE NULL removes
 * the key). */
void vsdb_txn_set_string(struct vsdb_txn *, const struct vsdb_row *,
                         int column, const char *value);
void vsdb_txn_set_integer(struct vsdb_txn *, const struct vsdb_row *,
                          int column, bool has_value, int64_t value);
void vsdb_txn_set_smap(struct vsdb_txn *, const struct vsdb_row *,
                       int column, const char *key, const char *value);

/* Adds / removes the reference to TARGET in reference set COLUMN of
 * ROW. */
void vsdb_txn_add_ref(struct vsdb_txn *, const struct vsdb_row *row,
                      int column, const struct vsdb_row *target);
void vsdb_txn_remove_ref(struct vsdb_txn *, const struct vsdb_row *row,
                         int column, const struct vsdb_row *target);

/* Checks the transaction and commits it (see the top of this file), then
 * frees it.  Returns NULL on success or an error message (the database is
 * unchanged). */
char *vsdb_txn_commit(struct vsdb_txn *) WARN_UNUSED;

/* Discards the transaction and frees it. */
void vsdb_txn_abort(struct vsdb_txn *);

/* Observers and validators. */

/* Called after each commit that changed DB. */
typedef void vsdb_observer_func(struct vsdb *db, void *aux);

/* Called during commit with the committed contents OLD and the proposed
 * NEW; returns NULL to accept or an error message (freed by the caller)
 * to refuse the transaction. */
typedef char *vsdb_validator_func(const struct vsdb_data *old,
                                  const struct vsdb_data *new, void *aux);

/* Registers / unregisters an observer (same function and AUX). */
void vsdb_add_observer(struct vsdb *, vsdb_observer_func *, void *aux);
void vsdb_remove_observer(struct vsdb *, vsdb_observer_func *, void *aux);

/* Registers a validator, run after the built-in checks. */
void vsdb_add_validator(struct vsdb *, vsdb_validator_func *, void *aux);

/* Runtime status (see the top of this file).  Each returns 0, or ENOENT
 * when no row matches. */

/* Reports the outcome of setting up interface NAME: ERROR is NULL on
 * success, else a message such as "could not open network device tap0
 * (No such device)". */
int vsdb_iface_set_status(struct vsdb *, const char *name,
                          const char *error);

/* Reports interface NAME's MTU (0 for unknown). */
int vsdb_iface_set_mtu(struct vsdb *, const char *name, int64_t mtu);

/* Reports whether the Controller or Manager row (TABLE) with UUID is
 * connected. */
int vsdb_set_is_connected(struct vsdb *, enum vsdb_table_id table,
                          const struct uuid *, bool connected);

/* Journal. */

/* Rewrites the journal as one snapshot now.  Returns 0 or an errno
 * value. */
int vsdb_compact(struct vsdb *);

/* Sets when commits compact the journal: once it holds at least
 * MIN_RECORDS records and is at least FACTOR times the size of its last
 * snapshot.  Defaults: 100 and 4. */
void vsdb_set_compaction(struct vsdb *, unsigned int min_records,
                         unsigned int factor);

/* Appends one line of "table:rows" counts, and the journal's size, for
 * `memory/show`. */
void vsdb_memory_report(const struct vsdb *, struct ds *);

#endif /* VX_DAEMON_VSDB_H */
